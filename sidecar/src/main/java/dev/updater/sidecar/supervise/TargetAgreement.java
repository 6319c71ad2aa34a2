package dev.updater.sidecar.supervise;

import dev.updater.core.UpdaterException;
import dev.updater.core.home.UpdateHome;

import java.util.Objects;

/**
 * Whether the host's {@code agent.json} agrees with the sidecar's target ({@link Targets#refuseOtherAgentTarget}),
 * asked by the supervision loop before they stop a host or swap. The record is parsed again only
 * when it changed; a disagreement is said once.
 */
final class TargetAgreement {
    private final UpdateHome home;
    private final Targets.Target target;
    private final StagedReleases said;
    private boolean checked;
    private StagedReleases.Stamp stamp;
    private String conflict;

    TargetAgreement(UpdateHome home, Targets.Target target, StagedReleases said) {
        this.home = home;
        this.target = Objects.requireNonNull(target, "target");
        this.said = said;
    }

    /** True unless agent.json names another file than the target; then says why, once. */
    boolean holds() {
        StagedReleases.Stamp now = StagedReleases.Stamp.of(home.agentRecord().path());
        if (checked && Objects.equals(now, stamp)) {
            return conflict == null;
        }
        checked = true;
        stamp = now;
        try {
            Targets.refuseOtherAgentTarget(home, target, "nothing is installed while they disagree");
            conflict = null;
        } catch (UpdaterException e) {
            conflict = e.getMessage();
            said.once(conflict);
        }
        return conflict == null;
    }

    /** Why it does not hold, after {@link #holds} said false. */
    String conflict() {
        return conflict;
    }
}
