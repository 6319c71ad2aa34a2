package dev.updater.sidecar.console;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;

import static org.junit.jupiter.api.Assertions.assertEquals;

class AmountsTest {

    @Test
    void bytes_areShownWithDecimalUnits_likeTheSeedScreens() {
        assertEquals("999 B", Amounts.bytes(999));
        assertEquals("1.0 kB", Amounts.bytes(1000));
        assertEquals("12.4 MB", Amounts.bytes(12_400_000));
        assertEquals("8.4 MB", Amounts.bytes(8_400_000));
        assertEquals("256 MB", Amounts.bytes(256_000_000));
        assertEquals("2.1 MB/s", Amounts.rate(2_100_000));
    }

    @Test
    void remaining_andAge_readNaturally() {
        assertEquals("2s remaining", Amounts.remaining(Duration.ofSeconds(2)));
        assertEquals("1m 5s remaining", Amounts.remaining(Duration.ofSeconds(65)));
        Instant now = Instant.parse("2026-02-09T12:00:00Z");
        assertEquals("just now", Amounts.age(now.minusSeconds(30), now));
        assertEquals("1 minute ago", Amounts.age(now.minusSeconds(61), now));
        assertEquals("3 hours ago", Amounts.age(now.minusSeconds(3 * 3600 + 5), now));
        assertEquals("2 days ago", Amounts.age(Instant.parse("2026-02-07T11:00:00Z"), now));
        assertEquals("1 day ago", Amounts.age(now.minusSeconds(86_400), now));
    }
}
