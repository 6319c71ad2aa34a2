package dev.updater.sidecar.supervise;

import dev.updater.core.UpdaterException;
import dev.updater.core.home.AgentRecord;
import dev.updater.core.home.HandedOffState;
import dev.updater.core.home.SaveRequest;
import dev.updater.core.home.UpdateHome;
import dev.updater.core.text.HumanUnits;
import dev.updater.core.version.ReleaseVersion;
import dev.updater.sidecar.health.RunningHost;
import dev.updater.sidecar.log.LogEvent;
import dev.updater.sidecar.log.SidecarLog;
import dev.updater.sidecar.swap.Outcome;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The sidecar's part of the state hand-off (DESIGN §7): just before a host is stopped for an update
 * ({@code run}'s stop-start, {@code watch}'s exit request, overlap's cut-over) its agent is asked to
 * save the host's state for the new version ({@code requests/save.json}), and the stop waits for the
 * answer at most {@code --save-timeout} and {@link #ANSWER_MARGIN}. Only a host whose {@code agent.json}
 * says it has the MBean is asked: any other update does not wait at all. Whatever the answer, the
 * update goes on. After the transaction the copy kept for a rollback goes once it is not needed.
 */
final class HostStateSave {
    /** The agent looks at its requests every half second, and writes the state after {@code save()} returned. */
    private static final Duration ANSWER_MARGIN = Duration.ofSeconds(2);
    private static final long POLL_MILLIS = 10;

    private final UpdateHome home;
    /** How long the host's {@code save()} may take; the agent gives up past it. */
    private final Duration saveTimeout;
    private final Clock clock;
    private final Consumer<String> log;

    HostStateSave(UpdateHome home, Duration saveTimeout, Clock clock, Consumer<String> log) {
        this.home = home;
        this.saveTimeout = saveTimeout;
        this.clock = clock;
        this.log = log;
    }

    /** Before the loop stops {@code run}'s host for a swap; {@code watch} swaps first and saves as it asks the host to exit. */
    void beforeStopping(HostMode mode, String version) throws InterruptedException {
        Optional<RunningHost> serving = mode.swapsUnderRunningHost() ? Optional.empty() : mode.servingHost();
        if (serving.isPresent()) {
            beforeStopping(serving.get().pid(), version);
        }
    }

    /** Asks the host {@code pid} to save its state for {@code version} and waits for it; never throws. */
    void beforeStopping(long pid, String version) throws InterruptedException {
        ReleaseVersion forVersion = ReleaseVersion.tryParse(version);
        Optional<AgentRecord> agent = home.agentRecord().readQuietly()
                .filter(r -> r.pid() == pid && r.startedAt() != null && !r.exiting() && r.stateHandoff());
        if (forVersion == null || agent.isEmpty()) {
            return;
        }
        Instant asked = clock.instant();
        long began = System.nanoTime();
        try {
            home.saveRequest().write(new SaveRequest(forVersion, pid, agent.get().startedAt(), asked,
                    saveTimeout.toMillis()));
        } catch (UpdaterException e) {
            say(LogEvent.warn("state-not-saved", "could not ask the host (pid " + pid + ") to save its state: "
                    + e.getMessage() + " The update goes on without it.", "pid", pid, "version", version));
            return;
        }
        long deadline = began + saveTimeout.plus(ANSWER_MARGIN).toNanos();
        while (home.saveRequest().exists() && ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
            if (System.nanoTime() > deadline) {
                deleteQuietly();
                say(LogEvent.warn("state-not-saved", "the host (pid " + pid + ") did not save its state within "
                        + HumanUnits.setting(saveTimeout.plus(ANSWER_MARGIN)) + "; the update goes on without it",
                        "pid", pid, "version", version));
                return;
            }
            Thread.sleep(POLL_MILLIS);
        }
        long millis = Duration.ofNanos(System.nanoTime() - began).toMillis();
        Optional<HandedOffState> saved = home.handedOffState(forVersion).readQuietly()
                .filter(s -> s.savedByPid() == pid && !s.savedAt().isBefore(asked.minusSeconds(1)));
        if (saved.isPresent()) {
            say(LogEvent.info("state-saved", "the host (pid " + pid + ") saved its state for " + version + " ("
                    + HumanUnits.bytes(saved.get().bytes()) + ", " + millis + " ms)", "pid", pid, "version", version,
                    "bytes", saved.get().bytes(), "millis", millis));
        } else {
            deleteQuietly();
            say(LogEvent.warn("state-not-saved", "the host (pid " + pid + ") saved no state for " + version
                    + " (its log and 'updater-sidecar history' say why); the update goes on without it", "pid", pid,
                    "version", version));
        }
    }

    /**
     * Once the transaction ended: a committed update no longer needs the old version's copy (restoring it
     * at a later start would bring back a state the new version has moved past), and a rolled-back
     * version never gets the state saved for it.
     */
    void afterTransaction(Outcome outcome) {
        if (outcome instanceof Outcome.Installed installed) {
            deleteIfThere(installed.journal().from().version());
        } else if (outcome instanceof Outcome.RolledBack rolledBack) {
            deleteIfThere(rolledBack.journal().to().version());
        }
    }

    private void deleteIfThere(ReleaseVersion version) {
        if (version == null || !home.handedOffState(version).exists()) {
            return;
        }
        try {
            home.handedOffState(version).delete();
        } catch (UpdaterException e) {
            log.accept(e.getMessage());
        }
    }

    private void deleteQuietly() {
        try {
            home.saveRequest().delete();
        } catch (UpdaterException e) {
            log.accept(e.getMessage());
        }
    }

    private void say(LogEvent event) {
        SidecarLog.emit(log, event);
    }
}
