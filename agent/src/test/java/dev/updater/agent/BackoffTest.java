package dev.updater.agent;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;

class BackoffTest {

    @Test
    void failures_doubleTheWait_fromTwoSeconds_upToTheInterval() {
        Backoff backoff = new Backoff(Duration.ofSeconds(15));
        assertEquals(Duration.ofSeconds(2), backoff.failed());
        assertEquals(Duration.ofSeconds(4), backoff.failed());
        assertEquals(Duration.ofSeconds(8), backoff.failed());
        assertEquals(Duration.ofSeconds(15), backoff.failed());
        assertEquals(Duration.ofSeconds(15), backoff.failed());
    }

    @Test
    void aChannelDownForDays_neverOverflowsTheWait() {
        Backoff backoff = new Backoff(Duration.ofMinutes(15));
        for (int i = 0; i < 10_000; i++) {
            backoff.failed();
        }
        assertEquals(Duration.ofMinutes(15), backoff.failed());
    }

    @Test
    void aSuccess_startsAgainFromTwoSeconds() {
        Backoff backoff = new Backoff(Duration.ofMinutes(15));
        backoff.failed();
        backoff.failed();
        backoff.succeeded();
        assertEquals(Duration.ofSeconds(2), backoff.failed());
    }

    @Test
    void anIntervalShorterThanTwoSeconds_capsEvenTheFirstWait() {
        assertEquals(Duration.ofMillis(300), new Backoff(Duration.ofMillis(300)).failed());
    }
}
