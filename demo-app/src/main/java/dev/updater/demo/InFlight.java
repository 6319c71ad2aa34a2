package dev.updater.demo;

import java.time.Duration;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

/**
 * The server's executor, counting the exchanges it was handed and has not finished, so that a stop
 * can wait for exactly those. The JDK's {@code HttpServer} hands an exchange over before it reads the
 * request, so the count covers a request still being read, which a filter would not see.
 *
 * <p>Why not {@code HttpServer.stop(n)}: on JDK 17 it waits the whole {@code n} seconds even when no
 * request is in progress (JDK-8304065, fixed in 21 and 25), answering nothing new meanwhile; a
 * kept-alive client that sends in that second waits for it, and under an overlap update
 * (docs/zero-downtime.md) those waits were the tail of the cut-over. And {@code stop(0)} closes every
 * connection at once, a connection accepted a moment ago whose request was not handed over yet
 * included: its client sees a reset.
 */
final class InFlight implements Executor {
    private final Executor threads;
    private int count;
    private long lastHandedOver = System.nanoTime();

    InFlight(Executor threads) {
        this.threads = threads;
    }

    @Override
    public void execute(Runnable exchange) {
        synchronized (this) {
            count++;
            lastHandedOver = System.nanoTime();
        }
        try {
            threads.execute(() -> {
                try {
                    exchange.run();
                } finally {
                    finished();
                }
            });
        } catch (RejectedExecutionException e) {
            finished();
            throw e;
        }
    }

    private synchronized void finished() {
        count--;
        notifyAll();
    }

    /**
     * Waits until no exchange is in progress and none was handed over for {@code quiet}, counted from
     * this call at the earliest; at most {@code limit}. The quiet time lets the server hand over a
     * request whose connection it accepted just before. True when it got quiet within the limit.
     */
    synchronized boolean awaitQuiet(Duration quiet, Duration limit) {
        long now = System.nanoTime();
        long deadline = now + limit.toNanos();
        if (now - lastHandedOver > 0) {
            lastHandedOver = now; // never quiet before this call
        }
        try {
            while (true) {
                now = System.nanoTime();
                long quietLeft = count > 0 ? quiet.toNanos() : lastHandedOver + quiet.toNanos() - now;
                if (quietLeft <= 0) {
                    return true;
                }
                long left = deadline - now;
                if (left <= 0) {
                    return false;
                }
                wait(Math.min(left, quietLeft) / 1_000_000L + 1);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return count == 0;
        }
    }
}
