package dev.updater.agent;

import dev.updater.core.ErrorCode;
import dev.updater.core.UpdaterException;
import dev.updater.core.download.ServerPushback;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;

import static org.junit.jupiter.api.Assertions.assertEquals;

class BackoffTest {
    private static final UpdaterException NETWORK = new UpdaterException(ErrorCode.NETWORK, "refused");

    /** Always draws the top of the range: the ceiling itself. */
    private static final RandomGenerator HIGHEST = new RandomGenerator() {
        @Override
        public long nextLong() {
            throw new UnsupportedOperationException();
        }

        @Override
        public long nextLong(long origin, long bound) {
            return bound - 1;
        }
    };

    /** Always draws the bottom of the range. */
    private static final RandomGenerator LOWEST = new RandomGenerator() {
        @Override
        public long nextLong() {
            throw new UnsupportedOperationException();
        }

        @Override
        public long nextLong(long origin, long bound) {
            return origin;
        }
    };

    private static ServerPushback busy(Duration retryAfter) {
        return new ServerPushback(503, retryAfter, "busy");
    }

    @Test
    void failures_doubleTheCeiling_fromTwoSeconds_upToTheInterval() {
        Backoff backoff = new Backoff(Duration.ofSeconds(15), HIGHEST);
        assertEquals(Duration.ofSeconds(2), backoff.failed(NETWORK));
        assertEquals(Duration.ofSeconds(4), backoff.failed(NETWORK));
        assertEquals(Duration.ofSeconds(8), backoff.failed(NETWORK));
        assertEquals(Duration.ofSeconds(15), backoff.failed(NETWORK));
        assertEquals(Duration.ofSeconds(15), backoff.failed(NETWORK));
    }

    @Test
    void fullJitter_drawsBetweenTwoSecondsAndTheCeiling() {
        Backoff lowest = new Backoff(Duration.ofMinutes(15), LOWEST);
        for (int i = 0; i < 5; i++) {
            assertEquals(Duration.ofSeconds(2), lowest.failed(NETWORK));
        }
        Backoff random = new Backoff(Duration.ofMinutes(15), new SplittableRandom(42));
        long distinct = java.util.stream.IntStream.range(0, 8).mapToObj(i -> random.failed(NETWORK)).distinct().count();
        assertEquals(8, distinct, "hosts that failed together do not retry in step");
    }

    @Test
    void aChannelDownForDays_neverOverflowsTheWait() {
        Backoff backoff = new Backoff(Duration.ofMinutes(15), HIGHEST);
        for (int i = 0; i < 10_000; i++) {
            backoff.failed(NETWORK);
        }
        assertEquals(Duration.ofMinutes(15), backoff.failed(NETWORK));
    }

    @Test
    void aSuccess_startsAgainFromTwoSeconds() {
        Backoff backoff = new Backoff(Duration.ofMinutes(15), HIGHEST);
        backoff.failed(NETWORK);
        backoff.failed(NETWORK);
        backoff.succeeded();
        assertEquals(Duration.ofSeconds(2), backoff.failed(NETWORK));
    }

    @Test
    void anIntervalShorterThanTwoSeconds_capsEvenTheFirstWait() {
        assertEquals(Duration.ofMillis(300), new Backoff(Duration.ofMillis(300), HIGHEST).failed(NETWORK));
    }

    @Test
    void retryAfter_isObeyed_plusUpToTenPercentOfJitter_neverLess() {
        assertEquals(Duration.ofSeconds(120), new Backoff(Duration.ofMinutes(15), LOWEST).failed(busy(Duration.ofSeconds(120))));
        assertEquals(Duration.ofSeconds(132), new Backoff(Duration.ofMinutes(15), HIGHEST).failed(busy(Duration.ofSeconds(120))));
    }

    @Test
    void retryAfter_longerThanTheInterval_isStillObeyed() {
        assertEquals(Duration.ofHours(1), new Backoff(Duration.ofMinutes(15), LOWEST).failed(busy(Duration.ofHours(1))));
    }

    @Test
    void retryAfter_ofDays_isBoundedBySixHours() {
        assertEquals(Backoff.MAX_RETRY_AFTER, new Backoff(Duration.ofMinutes(15), LOWEST).failed(busy(Duration.ofDays(400))));
        assertEquals(Duration.ofHours(24), new Backoff(Duration.ofHours(24), LOWEST).failed(busy(Duration.ofDays(400))),
                "an interval longer than the maximum raises it");
    }

    @Test
    void retryAfter_zero_stillWaitsTwoSeconds() {
        assertEquals(Duration.ofSeconds(2), new Backoff(Duration.ofMinutes(15), LOWEST).failed(busy(Duration.ZERO)));
    }

    @Test
    void pushbackWithoutRetryAfter_backsOffLikeAnyFailure() {
        Backoff backoff = new Backoff(Duration.ofMinutes(15), HIGHEST);
        assertEquals(Duration.ofSeconds(2), backoff.failed(busy(null)));
        assertEquals(Duration.ofSeconds(4), backoff.failed(busy(null)));
    }

    @Test
    void retryAfter_advancesTheCeilingForTheFailuresAfterIt() {
        Backoff backoff = new Backoff(Duration.ofMinutes(15), HIGHEST);
        backoff.failed(busy(Duration.ofSeconds(60)));
        assertEquals(Duration.ofSeconds(4), backoff.failed(NETWORK));
    }
}
