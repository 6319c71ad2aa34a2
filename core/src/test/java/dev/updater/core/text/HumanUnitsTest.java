package dev.updater.core.text;

import dev.updater.core.Durations;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.Locale;

import static org.junit.jupiter.api.Assertions.assertEquals;

class HumanUnitsTest {

    @Test
    void setting_writesTheLargestExactUnit_thatDurationsParseReadsBack() {
        assertEquals("30d", HumanUnits.setting(Duration.ofDays(30)));
        assertEquals("90m", HumanUnits.setting(Duration.ofMinutes(90)));
        assertEquals("90s", HumanUnits.setting(Duration.ofSeconds(90)));
        assertEquals("1500ms", HumanUnits.setting(Duration.ofMillis(1500)));
        assertEquals("0s", HumanUnits.setting(Duration.ZERO));
        for (String typed : new String[] {"500ms", "5s", "10m", "1h", "30d", "1500ms", "90m"}) {
            assertEquals(typed, HumanUnits.setting(Durations.parse(typed)));
        }
    }

    @Test
    void setting_ofADurationTooLongForMilliseconds_isStillWritten_notAnOverflow() {
        assertEquals("999999999999d", HumanUnits.setting(Durations.parse("999999999999d")));
        assertEquals("-5s", HumanUnits.setting(Duration.ofSeconds(-5)));
    }

    @Test
    void duration_showsMillisecondsUnderASecond_andRoundsToTheSecondAbove() {
        assertEquals("250 ms", HumanUnits.duration(Duration.ofMillis(250)));
        assertEquals("999 ms", HumanUnits.duration(Duration.ofMillis(999)));
        assertEquals("1 s", HumanUnits.duration(Duration.ofMillis(1499)));
        assertEquals("2 s", HumanUnits.duration(Duration.ofMillis(1500)));
        assertEquals("30 s", HumanUnits.duration(Duration.ofSeconds(30)));
        assertEquals("1 min", HumanUnits.duration(Duration.ofSeconds(60)));
        assertEquals("1 min 40 s", HumanUnits.duration(Duration.ofSeconds(100)));
        assertEquals("1440 min", HumanUnits.duration(Duration.ofDays(1)));
        assertEquals("153722867280912930 min 7 s", HumanUnits.duration(Duration.ofSeconds(Long.MAX_VALUE)));
    }

    @Test
    void millis_staysInMilliseconds_atEveryLength() {
        assertEquals("7 ms", HumanUnits.millis(Duration.ofMillis(7)));
        assertEquals("12345 ms", HumanUnits.millis(Duration.ofMillis(12_345)));
    }

    @Test
    void time_isIso8601InUtc_asTheRecordHoldsIt() {
        assertEquals("2026-02-07T12:00:00Z", HumanUnits.time(Instant.parse("2026-02-07T12:00:00Z")));
        assertEquals("2026-02-07T12:00:00.336Z", HumanUnits.time(Instant.parse("2026-02-07T12:00:00.336Z")));
        assertEquals("2026-02-07T12:00:00.987654321Z", HumanUnits.time(Instant.parse("2026-02-07T12:00:00.987654321Z")));
    }

    @Test
    void bytes_areExact_withThousandsSeparators_whateverTheLocale() {
        Locale before = Locale.getDefault();
        Locale.setDefault(Locale.GERMANY);
        try {
            assertEquals("1 byte", HumanUnits.bytes(1));
            assertEquals("999 bytes", HumanUnits.bytes(999));
            assertEquals("1,234,567 bytes", HumanUnits.bytes(1_234_567));
            assertEquals("12.4 MB", HumanUnits.size(12_400_000));
        } finally {
            Locale.setDefault(before);
        }
    }

    @Test
    void size_isShownWithDecimalUnits_likeTheSeedScreens() {
        assertEquals("999 B", HumanUnits.size(999));
        assertEquals("1.0 kB", HumanUnits.size(1000));
        assertEquals("12.4 MB", HumanUnits.size(12_400_000));
        assertEquals("8.4 MB", HumanUnits.size(8_400_000));
        assertEquals("256 MB", HumanUnits.size(256_000_000));
        assertEquals("2.1 MB/s", HumanUnits.rate(2_100_000));
    }

    @Test
    void remaining_andAge_readNaturally() {
        assertEquals("2s remaining", HumanUnits.remaining(Duration.ofSeconds(2)));
        assertEquals("1m 5s remaining", HumanUnits.remaining(Duration.ofSeconds(65)));
        assertEquals("2h 10m remaining", HumanUnits.remaining(Duration.ofSeconds(2 * 3600 + 600 + 5)));
        Instant now = Instant.parse("2026-02-09T12:00:00Z");
        assertEquals("just now", HumanUnits.age(now.minusSeconds(30), now));
        assertEquals("1 minute ago", HumanUnits.age(now.minusSeconds(61), now));
        assertEquals("3 hours ago", HumanUnits.age(now.minusSeconds(3 * 3600 + 5), now));
        assertEquals("2 days ago", HumanUnits.age(Instant.parse("2026-02-07T11:00:00Z"), now));
        assertEquals("1 day ago", HumanUnits.age(now.minusSeconds(86_400), now));
    }
}
