package dev.updater.demo;

import com.sun.net.httpserver.Filter;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.time.Duration;

/**
 * Counts the requests being answered, so that a stop can wait for exactly those. The JDK's
 * {@code HttpServer.stop(n)} waits the whole {@code n} seconds on JDK 17 even when no request is in
 * progress (JDK-8304065, fixed in 21 and 25), answering nothing new meanwhile: a kept-alive client
 * that sends in that second waits for it, and under an overlap update (docs/zero-downtime.md) those
 * waits were the tail of the cut-over.
 */
final class InFlight extends Filter {
    private int count;

    @Override
    public void doFilter(HttpExchange exchange, Chain chain) throws IOException {
        synchronized (this) {
            count++;
        }
        try {
            chain.doFilter(exchange);
        } finally {
            synchronized (this) {
                count--;
                notifyAll();
            }
        }
    }

    @Override
    public String description() {
        return "counts the requests in progress";
    }

    /** Waits until no request is in progress, at most {@code limit}; true when none is. */
    synchronized boolean awaitNone(Duration limit) {
        long deadline = System.nanoTime() + limit.toNanos();
        try {
            while (count > 0) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                wait(left / 1_000_000L + 1);
            }
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return count == 0;
        }
    }
}
