package dev.updater.sidecar.supervise;

import dev.updater.core.UpdaterException;
import dev.updater.core.home.RestartRecord;
import dev.updater.core.home.UpdateHome;
import dev.updater.core.version.ReleaseVersion;
import dev.updater.sidecar.overlap.OverlapSupport;

import java.time.Clock;
import java.util.function.Consumer;

/** Writes {@code restart.json}, so that {@code status} shows how the last update restarted the host and why. */
final class RestartHistory {
    private final UpdateHome home;
    private final Clock clock;
    private final Consumer<String> log;

    RestartHistory(UpdateHome home, Clock clock, Consumer<String> log) {
        this.home = home;
        this.clock = clock;
        this.log = log;
    }

    /** Records the restart used for {@code version}; a record that cannot be written costs only the status line. */
    void record(RestartRecord.Mode mode, String fallback, String version) {
        record(mode, fallback, version, null);
    }

    /** As above, with how an overlap steered ({@link RestartRecord#steering}). */
    void record(RestartRecord.Mode mode, String fallback, String version, RestartRecord.SteeringPath steering) {
        try {
            home.restartRecord().write(new RestartRecord(mode, fallback, ReleaseVersion.tryParse(version),
                    OverlapSupport.tcpMigrateReq(), clock.instant(), steering));
        } catch (UpdaterException e) {
            log.accept("could not record the restart mode in " + home.restartRecord().path() + ": " + e.getMessage());
        }
    }
}
