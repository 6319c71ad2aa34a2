package dev.updater.core;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class DurationsTest {

    @Test
    void parse_readsEveryUnit_andIso8601() {
        assertEquals(Duration.ofMillis(500), Durations.parse("500ms"));
        assertEquals(Duration.ofSeconds(5), Durations.parse("5s"));
        assertEquals(Duration.ofMinutes(10), Durations.parse("10m"));
        assertEquals(Duration.ofHours(1), Durations.parse(" 1h "));
        assertEquals(Duration.ofDays(30), Durations.parse("30d"));
        assertEquals(Duration.ofMinutes(90), Durations.parse("PT1H30M"));
        assertEquals(Duration.ofMinutes(90), Durations.parse("pt1h30m"));
    }

    @Test
    void parse_refusesOtherText_sayingWhatIsAccepted() {
        for (String bad : new String[] {"", "5", "5 weeks", "-5s", "1.5h", "PT-1H", "soon"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Durations.parse(bad), bad);
            assertEquals("\"" + bad + "\" is not a duration; write a number and a unit: 500ms, 5s, 10m, 1h or 30d",
                    e.getMessage());
        }
    }
}
