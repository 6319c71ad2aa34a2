package dev.updater.sidecar.supervise;

import dev.updater.core.home.SwapJournal;
import dev.updater.sidecar.health.RunningHost;
import dev.updater.sidecar.swap.Outcome;

import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;

/**
 * What only the supervision loop knows, kept for the sidecar's metrics: how its transactions ended,
 * how often a host was started again, and how long the last passed health gate took. Everything else
 * the metrics show is read from the home's records when scraped. Written by the loop's thread, read
 * by the metrics endpoint's: every access is synchronized.
 */
public final class SupervisionCounters {
    /** How a transaction ended, for {@code updater_updates_total{result}}. */
    public enum Result {
        /** The new version passed its health gate and stays. */
        COMMITTED("committed"),
        /** The version before is back: the new one failed its gate, or an operator's rollback finished. */
        ROLLED_BACK("rolled_back"),
        /** Refused, cut short before the swap, abandoned, or nothing healthy is left. */
        FAILED("failed");

        private final String label;

        Result(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }
    }

    /**
     * The counters of the last loop a metrics endpoint looks at, so that one made before the loop (or
     * with no loop at all) shows zeros.
     */
    public record Snapshot(Map<Result, Long> updates, long hostRestarts, Optional<Duration> lastGate) {
    }

    private final boolean startsFirstHost;
    private final Map<Result, Long> updates = new EnumMap<>(Result.class);
    private long hostStarts;
    private Duration lastGate;

    /** {@code startsFirstHost}: {@code run}, whose first start of the host is no restart; {@code watch} starts none. */
    SupervisionCounters(boolean startsFirstHost) {
        this.startsFirstHost = startsFirstHost;
        for (Result r : Result.values()) {
            updates.put(r, 0L);
        }
    }

    /** The loop started a host, or a transaction left one running. */
    synchronized void hostStarted() {
        hostStarts++;
    }

    /**
     * Counts how {@code outcome} ended; endings that are no update (already installed, interrupted) count nothing.
     * At once: a scrape never sees an update counted without its host start and its gate.
     */
    synchronized void ended(Outcome outcome) {
        if (outcome instanceof Outcome.Installed installed) {
            boolean operatorRollback = installed.journal().kind() == SwapJournal.Kind.ROLLBACK;
            count(operatorRollback ? Result.ROLLED_BACK : Result.COMMITTED, installed.host());
            if (installed.host() != null && !operatorRollback) {
                gatePassed(installed.journal(), installed.host());
            }
        } else if (outcome instanceof Outcome.RolledBack rolledBack) {
            count(Result.ROLLED_BACK, rolledBack.host());
        } else if (outcome instanceof Outcome.PreviousFailed failed) {
            count(Result.FAILED, failed.host());
        } else if (outcome instanceof Outcome.Failed || outcome instanceof Outcome.Rejected
                || outcome instanceof Outcome.Abandoned) {
            count(Result.FAILED, null);
        }
    }

    private synchronized void count(Result result, RunningHost host) {
        updates.merge(result, 1L, Long::sum);
        if (host != null) {
            hostStarts++;
        }
    }

    /** The gate ran from the new host's start to the commit, which is journaled right after the verdict. */
    private synchronized void gatePassed(SwapJournal committed, RunningHost host) {
        if (host.startedAt() != null && !committed.updatedAt().isBefore(host.startedAt())) {
            lastGate = Duration.between(host.startedAt(), committed.updatedAt());
        }
    }

    public synchronized Snapshot snapshot() {
        long restarts = startsFirstHost ? Math.max(0, hostStarts - 1) : hostStarts;
        return new Snapshot(Map.copyOf(updates), restarts, Optional.ofNullable(lastGate));
    }

    /** For an endpoint without a loop: all zero. */
    public static SupervisionCounters none() {
        return new SupervisionCounters(false);
    }
}
