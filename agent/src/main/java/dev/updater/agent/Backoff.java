package dev.updater.agent;

import dev.updater.core.UpdaterException;
import dev.updater.core.download.ServerPushback;

import java.time.Duration;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;

/**
 * The wait before the next check after a failed one (DESIGN §11).
 *
 * <ul>
 *   <li>A server that answered {@code 429}/{@code 503} with a usable {@code Retry-After} is obeyed: the
 *       wait is what it asked, at least {@link #FIRST} and at most {@link #MAX_RETRY_AFTER}, plus up to
 *       10 % more of the agent's own, so that a fleet told the same date does not return in one burst.
 *       Never less than asked, unless it asked for more than the maximum.</li>
 *   <li>Any other failure: exponential back-off with full jitter, a uniform wait between {@link #FIRST}
 *       and a ceiling that starts at 2 s and doubles up to the interval, so that hosts that failed
 *       together (a server restart) spread out instead of retrying in step.</li>
 * </ul>
 * The ceiling is capped as it grows, not only when used, so a channel down for days cannot overflow it.
 */
final class Backoff {
    static final Duration FIRST = Duration.ofSeconds(2);
    /**
     * The longest wait a {@code Retry-After} can impose: a misconfigured or hostile server (or a typo of
     * a few zeros) must not silence a fleet's updates for days. Six hours, or the interval if longer.
     */
    static final Duration MAX_RETRY_AFTER = Duration.ofHours(6);

    private final Duration cap;
    private final RandomGenerator random;
    private Duration ceiling = FIRST;

    Backoff(Duration cap) {
        // Not RandomGenerator.getDefault(): its algorithm lives in the jdk.random module, which a host's module
        // graph may lack; the agent then died at its first poll (found by MirrorsIT). SplittableRandom is in java.base.
        this(cap, new SplittableRandom());
    }

    Backoff(Duration cap, RandomGenerator random) {
        this.cap = cap;
        this.random = random;
    }

    /** The wait after one more failure with {@code error}. */
    Duration failed(UpdaterException error) {
        Duration ceilingNow = ceiling.compareTo(cap) < 0 ? ceiling : cap;
        ceiling = ceilingNow.compareTo(cap) < 0 ? ceilingNow.multipliedBy(2) : cap;
        Optional<Duration> asked = error instanceof ServerPushback pushback ? pushback.retryAfter() : Optional.empty();
        if (asked.isPresent()) {
            Duration bounded = clamp(asked.get(), FIRST, max(MAX_RETRY_AFTER, cap));
            return bounded.plus(between(Duration.ZERO, bounded.dividedBy(10)));
        }
        Duration floor = FIRST.compareTo(ceilingNow) < 0 ? FIRST : ceilingNow;
        return between(floor, ceilingNow);
    }

    void succeeded() {
        ceiling = FIRST;
    }

    /** Uniform in [low, high], to the millisecond. */
    private Duration between(Duration low, Duration high) {
        long lowMs = low.toMillis();
        long highMs = high.toMillis();
        return Duration.ofMillis(highMs <= lowMs ? lowMs : random.nextLong(lowMs, highMs + 1));
    }

    private static Duration clamp(Duration value, Duration low, Duration high) {
        return value.compareTo(low) < 0 ? low : value.compareTo(high) > 0 ? high : value;
    }

    private static Duration max(Duration a, Duration b) {
        return a.compareTo(b) >= 0 ? a : b;
    }
}
