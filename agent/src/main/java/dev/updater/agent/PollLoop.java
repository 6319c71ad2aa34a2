package dev.updater.agent;

import dev.updater.agent.check.CheckResult;
import dev.updater.agent.check.UpdateCheck;
import dev.updater.agent.config.AgentConfig;
import dev.updater.agent.host.HostLock;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The agent's life after start, on its thread, until the host exits: wakes every half second to
 * obey a request to save the host's state ({@link StateSave}) or to exit, and checks the channel at the jittered
 * interval (or at once when JMX asks), backing off after errors and obeying a server's {@code Retry-After}
 * ({@link Backoff}). Readiness is not its business: the bind hook's first listener sets it
 * ({@code ListenerWatch}).
 */
final class PollLoop {
    private static final Logger LOG = System.getLogger("updater");
    private static final Duration TICK = Duration.ofMillis(500);

    private final AgentConfig config;
    private final AgentState state;
    private final UpdateCheck check;
    private final HostExit hostExit;
    private final StateSave stateSave;
    private final Clock clock;
    @SuppressWarnings("unused") // held, not read: releasing it tells the sidecar the host exited
    private final HostLock hostLock;
    private final Object wakeUp = new Object();
    private boolean checkRequested;
    private String lastErrorLogged;

    PollLoop(AgentConfig config, AgentState state, UpdateCheck check, HostExit hostExit, StateSave stateSave,
             HostLock hostLock, Clock clock) {
        this.config = config;
        this.state = state;
        this.check = check;
        this.hostExit = hostExit;
        this.stateSave = stateSave;
        this.hostLock = hostLock;
        this.clock = clock;
    }

    void run() throws InterruptedException {
        Instant nextCheck = clock.instant().plus(jitter(config.initialDelay()));
        Backoff backoff = new Backoff(config.interval());
        while (true) {
            stateSave.publishPresence();
            stateSave.obeyRequest(); // before an exit: the sidecar asks to save, waits, then asks to exit
            hostExit.obeyRequest();
            if (takeCheckRequest() || !clock.instant().isBefore(nextCheck)) {
                CheckResult result = check.run();
                state.checked(result, check.downloadedBytes());
                state.publishQuietly();
                logOutcome(result);
                if (result.failed()) {
                    nextCheck = clock.instant().plus(backoff.failed(result.error()));
                } else {
                    nextCheck = clock.instant().plus(jitter(config.interval()));
                    backoff.succeeded();
                }
            }
            long waitMs = Math.max(1, Math.min(TICK.toMillis(), Duration.between(clock.instant(), nextCheck).toMillis()));
            synchronized (wakeUp) {
                if (!checkRequested) {
                    wakeUp.wait(waitMs);
                }
            }
        }
    }

    /** Checks at once instead of at the next interval (JMX {@code checkNow}). */
    void checkNow() {
        synchronized (wakeUp) {
            checkRequested = true;
            wakeUp.notifyAll();
        }
    }

    /** One log line per distinct error, and one when it clears; not one per poll. */
    private void logOutcome(CheckResult result) {
        if (result.failed()) {
            String message = result.error().getMessage();
            if (!message.equals(lastErrorLogged)) {
                LOG.log(Level.WARNING, message);
                lastErrorLogged = message;
            }
        } else if (lastErrorLogged != null) {
            LOG.log(Level.INFO, "updater check works again: " + result.summary());
            lastErrorLogged = null;
        }
    }

    private boolean takeCheckRequest() {
        synchronized (wakeUp) {
            boolean requested = checkRequested;
            checkRequested = false;
            return requested;
        }
    }

    /** ±10 %, so that a fleet started together does not poll together. */
    static Duration jitter(Duration base) {
        long ms = base.toMillis();
        long spread = ms / 10;
        return Duration.ofMillis(ms - spread + (spread == 0 ? 0 : ThreadLocalRandom.current().nextLong(2 * spread + 1)));
    }
}
