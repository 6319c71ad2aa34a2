package dev.updater.agent;

import java.time.Duration;

/**
 * The wait before the next check after a failed one: 2 s, doubling, never more than the interval.
 * Capped as it grows, not only when used, so that a channel down for days cannot overflow it.
 */
final class Backoff {
    static final Duration FIRST = Duration.ofSeconds(2);

    private final Duration cap;
    private Duration next = FIRST;

    Backoff(Duration cap) {
        this.cap = cap;
    }

    /** The wait after one more failure. */
    Duration failed() {
        Duration wait = next.compareTo(cap) < 0 ? next : cap;
        next = wait.compareTo(cap) < 0 ? wait.multipliedBy(2) : cap;
        return wait;
    }

    void succeeded() {
        next = FIRST;
    }
}
