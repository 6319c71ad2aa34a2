package dev.updater.sidecar.supervise;

import dev.updater.core.UpdaterException;
import dev.updater.core.home.AgentRecord;
import dev.updater.core.home.UpdateHome;
import dev.updater.sidecar.health.RunningHost;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * The host of {@code watch}: not a child, known by its agent's record and by {@code host.lock}. It
 * is alive while the lock is held and the record still names the same process (pid and start time;
 * pids repeat across container restarts).
 */
final class WatchedHost implements RunningHost {
    /** Probing the lock takes it for an instant; the gate polls faster than this, so results are reused. */
    private static final long PROBE_EVERY_NANOS = 100_000_000L;

    private final UpdateHome home;
    private final long pid;
    private final Instant startedAt;
    private final Instant agentStartedAt;
    private final String neverStarted;
    private long probedAt;
    private boolean lastProbe = true;

    private WatchedHost(UpdateHome home, long pid, Instant startedAt, Instant agentStartedAt, String neverStarted) {
        this.home = home;
        this.pid = pid;
        this.startedAt = startedAt;
        this.agentStartedAt = agentStartedAt;
        this.neverStarted = neverStarted;
    }

    static WatchedHost of(UpdateHome home, AgentRecord record, Instant observedAt) {
        Instant started = record.startedAt() != null ? record.startedAt() : observedAt;
        return new WatchedHost(home, record.pid(), started, record.startedAt(), null);
    }

    /** A host the container runtime never brought back: the gate fails at once with {@code why}. */
    static WatchedHost neverStarted(UpdateHome home, String why, Instant now) {
        return new WatchedHost(home, -1, now, null, why);
    }

    static boolean sameProcess(AgentRecord a, long pid, Instant startedAt) {
        return a.pid() == pid && Objects.equals(a.startedAt(), startedAt);
    }

    @Override
    public long pid() {
        return pid;
    }

    @Override
    public Instant startedAt() {
        return startedAt;
    }

    @Override
    public synchronized boolean isAlive() {
        if (neverStarted != null) {
            return false;
        }
        long now = System.nanoTime();
        if (probedAt != 0 && now - probedAt < PROBE_EVERY_NANOS) {
            return lastProbe;
        }
        probedAt = now;
        // A lock that cannot be probed is no sign of an exit: failing the gate on it would quarantine a good release.
        lastProbe = !LockProbe.probe(home.hostLock()).free() && stillTheSameRecord();
        return lastProbe;
    }

    private boolean stillTheSameRecord() {
        try {
            Optional<AgentRecord> record = home.agentRecord().read();
            return record.isEmpty() || sameProcess(record.get(), pid, agentStartedAt);
        } catch (UpdaterException e) {
            return true; // a record being replaced says nothing about the process
        }
    }

    @Override
    public String describeExit() {
        return "exited (pid " + pid + ")";
    }

    @Override
    public String neverStarted() {
        return neverStarted;
    }
}
