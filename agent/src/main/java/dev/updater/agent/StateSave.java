package dev.updater.agent;

import dev.updater.agent.jmx.HandoffBean;
import dev.updater.core.UpdaterException;
import dev.updater.core.home.AgentRecord;
import dev.updater.core.home.HandedOffState;
import dev.updater.core.home.HistoryEvent;
import dev.updater.core.home.SaveRequest;
import dev.updater.core.home.UpdateHome;
import dev.updater.core.text.HumanUnits;
import dev.updater.core.version.ReleaseVersion;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;

/**
 * The old host's half of the state hand-off (DESIGN §7): the sidecar's {@code requests/save.json},
 * obeyed only when it names this host. The host's {@code save()} is called (bounded) and its result
 * written to {@code handoff/<new>.json}, and to {@code handoff/<this version>.json} for a rollback. The
 * request is removed once done, whatever happened: the sidecar waits for that and stops the host then.
 * A host without the MBean is asked nothing; a {@code save()} that fails only costs the state.
 */
final class StateSave {
    private static final Logger LOG = System.getLogger("updater");
    /** Bounds on the sidecar's timeout: a request cannot make the agent wait for ever, or not at all. */
    private static final Duration MIN_TIMEOUT = Duration.ofMillis(100);
    private static final Duration MAX_TIMEOUT = Duration.ofMinutes(1);

    private final UpdateHome home;
    private final AgentState state;
    private final Clock clock;

    StateSave(UpdateHome home, AgentState state, Clock clock) {
        this.home = home;
        this.state = state;
        this.clock = clock;
    }

    /** Tells the sidecar through agent.json whether the host has the MBean; it asks only hosts that do. */
    void publishPresence() {
        if (state.stateHandoff(HandoffBean.registered())) {
            state.publishQuietly();
        }
    }

    void obeyRequest() {
        if (!home.saveRequest().exists()) {
            return;
        }
        try {
            Optional<SaveRequest> request = home.saveRequest().readQuietly(); // a malformed one names no host
            request.ifPresent(this::save);
        } finally {
            try {
                home.saveRequest().delete(); // the sidecar waits for this
            } catch (UpdaterException e) {
                LOG.log(Level.WARNING, e.getMessage());
            }
        }
    }

    private void save(SaveRequest request) {
        AgentRecord self = state.snapshot();
        if (!request.isFor(self.pid(), self.startedAt())) {
            LOG.log(Level.INFO, "ignored and removed a state save request for another host (pid " + request.pid()
                    + "); this host is pid " + self.pid() + " started at " + self.startedAt());
            return;
        }
        if (!HandoffBean.registered()) {
            return; // no hand-off here: the host is not touched at all
        }
        ReleaseVersion running = self.runningVersion();
        if (running == null) {
            return; // cannot happen once the agent runs: it needs its version to start
        }
        ReleaseVersion next = request.forVersion();
        Duration timeout = clamp(Duration.ofMillis(request.timeoutMillis()));
        long began = System.nanoTime();
        try {
            String saved = HandoffBean.save(timeout);
            if (saved == null) {
                LOG.log(Level.INFO, HandoffBean.NAME + " save() returned null: no state is handed to " + next);
                return;
            }
            HandedOffState forNext = HandedOffState.of(next, running, clock.instant(), self.pid(), saved);
            home.handedOffState(next).write(forNext);
            if (!running.equals(next)) {
                // for a rollback: the old version gets its own state back, never one the failed release wrote
                home.handedOffState(running).write(HandedOffState.of(running, running, forNext.savedAt(), self.pid(),
                        saved));
            }
            String sentence = "saved the host's state for " + next + " (" + HumanUnits.bytes(forNext.bytes()) + " in "
                    + Duration.ofNanos(System.nanoTime() - began).toMillis() + " ms, " + home.handedOffState(next) + ")";
            LOG.log(Level.INFO, sentence);
            history(HistoryEvent.Kind.STATE_SAVED, next, running, sentence);
        } catch (UpdaterException | IllegalArgumentException e) {
            String sentence = "no state is handed to " + next + ": " + e.getMessage() + ". The update goes on without it.";
            LOG.log(Level.WARNING, sentence);
            history(HistoryEvent.Kind.STATE_NOT_HANDED_OFF, next, running, sentence);
        }
    }

    private void history(HistoryEvent.Kind kind, ReleaseVersion version, ReleaseVersion from, String detail) {
        try {
            home.history().append(new HistoryEvent(clock.instant(), kind, version, from, detail));
        } catch (UpdaterException e) {
            LOG.log(Level.DEBUG, "could not append to the history: " + e.getMessage());
        }
    }

    private static Duration clamp(Duration asked) {
        return asked.compareTo(MIN_TIMEOUT) < 0 ? MIN_TIMEOUT : asked.compareTo(MAX_TIMEOUT) > 0 ? MAX_TIMEOUT : asked;
    }
}
