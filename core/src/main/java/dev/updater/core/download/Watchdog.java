package dev.updater.core.download;

import dev.updater.core.UpdaterException;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * Enforces, on the calling thread, what a socket timeout cannot: no progress for {@code stallTimeout},
 * a total deadline for the whole call, and cancellation. The network threads never block on it;
 * the caller waits in short slices and asks {@link #check()} between them.
 */
final class Watchdog {
    /** The longest a cancellation waits to be noticed. */
    static final long SLICE_NANOS = TimeUnit.MILLISECONDS.toNanos(50);

    enum Reason { STALLED, TOO_SLOW, CANCELLED }

    private final long stallNanos;
    private final long deadlineAt;
    private final Cancellation cancellation;
    private final Function<Reason, UpdaterException> explain;
    private long lastProgressAt;

    Watchdog(Duration stallTimeout, Duration totalDeadline, Cancellation cancellation, Function<Reason, UpdaterException> explain) {
        long now = System.nanoTime();
        this.stallNanos = nanosCapped(stallTimeout);
        this.deadlineAt = now + nanosCapped(totalDeadline);
        this.cancellation = cancellation;
        this.explain = explain;
        this.lastProgressAt = now;
    }

    /** A century is "never"; Duration.toNanos() would overflow past 292 years. */
    private static long nanosCapped(Duration d) {
        return d.compareTo(Duration.ofDays(36_500)) > 0 ? Duration.ofDays(36_500).toNanos() : d.toNanos();
    }

    /** Something arrived: the stall clock starts again. */
    void touch() {
        lastProgressAt = System.nanoTime();
    }

    /** How long the caller may block before it must call {@link #check()} again. */
    long sliceNanos() {
        long now = System.nanoTime();
        long untilStall = lastProgressAt + stallNanos - now;
        long untilDeadline = deadlineAt - now;
        return Math.max(1, Math.min(SLICE_NANOS, Math.min(untilStall, untilDeadline)));
    }

    /** Throws the reason to stop now, if there is one. Cancellation wins over the clocks. */
    void check() throws UpdaterException {
        if (cancellation.isCancelled()) {
            throw explain.apply(Reason.CANCELLED);
        }
        long now = System.nanoTime();
        if (now - deadlineAt >= 0) {
            throw explain.apply(Reason.TOO_SLOW);
        }
        if (now - lastProgressAt >= stallNanos) {
            throw explain.apply(Reason.STALLED);
        }
    }

    /** The calling thread was interrupted: treated as a cancellation, with the interrupt flag kept. */
    UpdaterException interrupted() {
        Thread.currentThread().interrupt();
        return explain.apply(Reason.CANCELLED);
    }

    /** Waits {@code pause} (a back-off before a retry), still honouring cancellation and the deadline. */
    void pause(Duration pause) throws UpdaterException {
        long until = System.nanoTime() + pause.toNanos();
        long left;
        while ((left = until - System.nanoTime()) > 0) {
            if (cancellation.isCancelled()) {
                throw explain.apply(Reason.CANCELLED);
            }
            if (System.nanoTime() - deadlineAt >= 0) {
                throw explain.apply(Reason.TOO_SLOW);
            }
            try {
                TimeUnit.NANOSECONDS.sleep(Math.min(left, SLICE_NANOS));
            } catch (InterruptedException e) {
                throw interrupted();
            }
        }
        touch();
    }
}
