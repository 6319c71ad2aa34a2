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
 * @param saveTimeout how long a host's state hand-off {@code save()} may take before the update goes on without
 *        its state ({@code docs/state-handoff.md})
 */
public record SidecarSettings(ApplyPolicy policy, GateSettings gate, Duration stopTimeout, int keepBackups,
                              Targets.Target target, Duration restartTimeout, RestartSettings restart,
                              Duration saveTimeout) {
    /** {@code --save-timeout}'s default. */
    public static final Duration DEFAULT_SAVE_TIMEOUT = Duration.ofSeconds(10);

    public SidecarSettings {
        Objects.requireNonNull(saveTimeout, "saveTimeout");
        Objects.requireNonNull(policy, "policy");
        Objects.requireNonNull(gate, "gate");
        Objects.requireNonNull(stopTimeout, "stopTimeout");
        Objects.requireNonNull(restartTimeout, "restartTimeout");
        Objects.requireNonNull(restart, "restart");
    }

    /** Settings with the default {@code --save-timeout}. */
    public SidecarSettings(ApplyPolicy policy, GateSettings gate, Duration stopTimeout, int keepBackups,
                           Targets.Target target, Duration restartTimeout, RestartSettings restart) {
        this(policy, gate, stopTimeout, keepBackups, target, restartTimeout, restart, DEFAULT_SAVE_TIMEOUT);
    }

    /** These settings with the sidecar's target, once the home that may name it was checked. */
    public SidecarSettings withTarget(Targets.Target newTarget) {
        return new SidecarSettings(policy, gate, stopTimeout, keepBackups, newTarget, restartTimeout, restart, saveTimeout);
    }

    /** These settings with {@code run}'s restart mode. */
    public SidecarSettings withRestart(RestartSettings newRestart) {
        return new SidecarSettings(policy, gate, stopTimeout, keepBackups, target, restartTimeout, newRestart, saveTimeout);
    }
}
