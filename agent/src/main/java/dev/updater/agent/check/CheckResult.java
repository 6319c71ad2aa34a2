package dev.updater.agent.check;

import dev.updater.core.UpdaterException;
import dev.updater.core.version.ReleaseVersion;

/**
 * What one check found, for the log, {@code agent.json} and JMX.
 *
 * @param summary one line: "up to date", "staged 1.3.0", the refusal
 * @param latestSeen the version in the last verified manifest, or null
 * @param staged the version now staged, or null
 * @param error the failure, or null when the check worked
 */
public record CheckResult(String summary, ReleaseVersion latestSeen, ReleaseVersion staged, UpdaterException error) {

    static CheckResult failed(UpdaterException error, ReleaseVersion latestSeen, ReleaseVersion staged) {
        return new CheckResult("failed: " + error.getMessage(), latestSeen, staged, error);
    }

    public boolean failed() {
        return error != null;
    }
}
