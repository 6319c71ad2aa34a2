package dev.updater.sidecar.supervise;

import dev.updater.core.text.HumanUnits;
import dev.updater.core.UpdaterException;
import dev.updater.core.home.AgentRecord;
import dev.updater.core.home.ExitRequest;
import dev.updater.core.home.UpdateHome;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * Stops a host that is not this sidecar's child: the container's host in {@code watch}, or a host
 * whose sidecar died. First politely, through its agent ({@code requests/exit.json}: an orderly
 * {@code System.exit}, so shutdown hooks run); then SIGTERM where its pid is visible; then SIGKILL.
 * Each stage gets {@code stopTimeout}. The host is gone when {@code host.lock} is free.
 */
final class HostStopper {
    /** A pid is only signalled when its process started within this of the agent's record (pid reuse). */
    private static final Duration SAME_PROCESS = Duration.ofSeconds(2);
    private static final long POLL_MILLIS = 25;

    private final UpdateHome home;
    private final Duration stopTimeout;
    private final Clock clock;
    private final Consumer<String> log;

    HostStopper(UpdateHome home, Duration stopTimeout, Clock clock, Consumer<String> log) {
        this.home = home;
        this.stopTimeout = stopTimeout;
        this.clock = clock;
        this.log = log;
    }

    /** Asks the host to exit and escalates; true once {@code host.lock} is free. */
    boolean stop(AgentRecord host, String reason, BooleanSupplier cancelled)
            throws UpdaterException, InterruptedException {
        if (host == null || host.startedAt() == null) {
            // A request that names no process would stop whichever host reads it, the restarted one included.
            log.accept("the host holding " + home.hostLock() + " left no readable agent record: it can be neither"
                    + " asked to exit nor signalled; waiting " + HumanUnits.setting(stopTimeout) + " for it to exit");
            return awaitGone(host, stopTimeout, cancelled);
        }
        long pid = host.pid();
        home.exitRequest().write(new ExitRequest(reason, clock.instant(), pid, host.startedAt()));
        try {
            if (awaitGone(host, stopTimeout, cancelled)) {
                return true;
            }
            Optional<ProcessHandle> process = visibleProcess(host);
            if (process.isEmpty()) {
                log.accept("the host (pid " + pid + ") did not exit within " + HumanUnits.setting(stopTimeout)
                        + " of its exit request, and its pid is not visible here to signal");
                return awaitGone(host, stopTimeout, cancelled);
            }
            log.accept("the host (pid " + pid + ") did not exit within " + HumanUnits.setting(stopTimeout)
                    + "; sending SIGTERM");
            process.get().destroy();
            if (awaitGone(host, stopTimeout, cancelled)) {
                return true;
            }
            log.accept("the host (pid " + pid + ") ignored SIGTERM for " + HumanUnits.setting(stopTimeout)
                    + "; killing it");
            process.get().destroyForcibly();
            return awaitGone(host, stopTimeout, cancelled);
        } finally {
            // A request the host never took must not stop the next host at its start.
            home.exitRequest().delete();
        }
    }

    /**
     * Waits until the host is gone: {@code host.lock} is free, or (a runtime that restarts at once)
     * held by another process, whose agent record names another pid or start.
     */
    boolean awaitGone(AgentRecord host, Duration timeout, BooleanSupplier cancelled) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!gone(host)) {
            if (System.nanoTime() >= deadline || cancelled.getAsBoolean()) {
                return false;
            }
            Thread.sleep(POLL_MILLIS);
        }
        return true;
    }

    private boolean gone(AgentRecord host) {
        if (LockProbe.probe(home.hostLock()).free()) {
            return true; // an unknown probe is not "gone": only a lock taken (or no lock file) is
        }
        if (host == null) {
            return false;
        }
        Optional<AgentRecord> now = home.agentRecord().readQuietly();
        return now.isPresent() && !WatchedHost.sameProcess(now.get(), host.pid(), host.startedAt());
    }

    /** The host's agent record; empty when there is none or it cannot be read (it may be being replaced). */
    static Optional<AgentRecord> agentOf(UpdateHome home) {
        return home.agentRecord().readQuietly();
    }

    /** The host's process, when this sidecar can see it and it is the same process the agent described. */
    static Optional<ProcessHandle> visibleProcess(AgentRecord host) {
        if (host == null || host.pid() <= 0 || host.pid() == ProcessHandle.current().pid()) {
            return Optional.empty();
        }
        Optional<ProcessHandle> handle = ProcessHandle.of(host.pid()).filter(ProcessHandle::isAlive);
        if (handle.isEmpty() || host.startedAt() == null) {
            return handle;
        }
        Optional<Instant> started = handle.get().info().startInstant();
        if (started.isPresent()
                && Duration.between(started.get(), host.startedAt()).abs().compareTo(SAME_PROCESS) > 0) {
            return Optional.empty(); // another process now has this pid (or another pid namespace's process)
        }
        return handle;
    }
}
