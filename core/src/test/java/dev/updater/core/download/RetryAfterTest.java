package dev.updater.core.download;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;

class RetryAfterTest {
    private static final Instant NOW = Instant.parse("2026-11-30T08:00:00Z");

    @Test
    void deltaSeconds_isThatManySeconds() {
        assertEquals(Optional.of(Duration.ofSeconds(120)), RetryAfter.parse("120", NOW));
        assertEquals(Optional.of(Duration.ZERO), RetryAfter.parse("0", NOW));
        assertEquals(Optional.of(Duration.ofSeconds(7)), RetryAfter.parse("  7 ", NOW), "surrounding blanks are not part of the value");
    }

    @Test
    void imfFixdate_isTheTimeUntilThen() {
        assertEquals(Optional.of(Duration.ofMinutes(30)), RetryAfter.parse("Mon, 30 Nov 2026 08:30:00 GMT", NOW));
    }

    @Test
    void obsoleteDateForms_areReadAsRfc9110Requires() {
        assertEquals(Optional.of(Duration.ofHours(1)), RetryAfter.parse("Monday, 30-Nov-26 09:00:00 GMT", NOW));
        assertEquals(Optional.of(Duration.ofHours(2)), RetryAfter.parse("Mon Nov 30 10:00:00 2026", NOW));
        assertEquals(Optional.of(Duration.ofDays(1)), RetryAfter.parse("Tue Dec  1 08:00:00 2026", NOW), "asctime pads the day with a blank");
    }

    @Test
    void aDateInThePast_asksForNoWait() {
        assertEquals(Optional.of(Duration.ZERO), RetryAfter.parse("Sun, 06 Nov 1994 08:49:37 GMT", NOW));
    }

    @Test
    void hugeValues_becomeHuge_notAnOverflow() {
        assertEquals(Optional.of(RetryAfter.HUGE), RetryAfter.parse("99999999999999999999999999999999999999", NOW));
        assertEquals(Optional.of(RetryAfter.HUGE), RetryAfter.parse("9223372036854775807", NOW));
        assertEquals(Optional.of(RetryAfter.HUGE), RetryAfter.parse("Fri, 31 Dec 9999 23:59:59 GMT", NOW));
        assertEquals(Optional.of(RetryAfter.HUGE), RetryAfter.parse("9999999999", NOW));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", " ", "-5", "+5", "1.5", "5s", "0x10", "soon", "120, 60", "Mon, 30 Nov 2026 08:30:00 PST",
            "Mon, 32 Nov 2026 08:30:00 GMT", "\u0661\u0662"})
    void garbage_isIgnored(String value) {
        assertEquals(Optional.empty(), RetryAfter.parse(value, NOW));
    }

    @Test
    void noHeader_isNoWait() {
        assertEquals(Optional.empty(), RetryAfter.parse(null, NOW));
    }
}
