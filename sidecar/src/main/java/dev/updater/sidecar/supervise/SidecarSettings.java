package dev.updater.sidecar.supervise;

import dev.updater.sidecar.health.GateSettings;

import java.time.Duration;
import java.util.Objects;

/**
 * The options {@code run} and {@code watch} share.
 *
 * @param policy when staged releases are installed
 * @param gate what a new host must show
 * @param stopTimeout how long a host gets to exit after being asked, before it is killed
 * @param keepBackups how many backups survive a commit
 * @param target the file the host runs; null until the command has resolved it ({@link #withTarget})
 * @param restartTimeout ({@code watch}) how long the container runtime gets to start the host again
 * @param restart ({@code run}) stop-start or overlap
 */
public record SidecarSettings(ApplyPolicy policy, GateSettings gate, Duration stopTimeout, int keepBackups,
                              Targets.Target target, Duration restartTimeout, RestartSettings restart) {
    public SidecarSettings {
        Objects.requireNonNull(policy, "policy");
        Objects.requireNonNull(gate, "gate");
        Objects.requireNonNull(stopTimeout, "stopTimeout");
        Objects.requireNonNull(restartTimeout, "restartTimeout");
        Objects.requireNonNull(restart, "restart");
    }

    /** These settings with the sidecar's target, once the home that may name it was checked. */
    public SidecarSettings withTarget(Targets.Target newTarget) {
        return new SidecarSettings(policy, gate, stopTimeout, keepBackups, newTarget, restartTimeout, restart);
    }

    /** These settings with {@code run}'s restart mode. */
    public SidecarSettings withRestart(RestartSettings newRestart) {
        return new SidecarSettings(policy, gate, stopTimeout, keepBackups, target, restartTimeout, newRestart);
    }
}
