package dev.updater.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class StatusTest {

    @ParameterizedTest
    @CsvSource({
        "0, 0s",
        "45, 45s",
        "185, 3m 05s",
        "7207, 2h 00m 07s",
        "273600, 3d 04h 00m 00s",
    })
    void uptimeText_readsLikeAPersonWouldSayIt(long seconds, String text) {
        Status status = new Status("1.0.0", Duration.ofSeconds(seconds).plusMillis(999), 0, Optional.empty());

        assertEquals(text, status.uptimeText());
    }

    @Test
    void negativeVisits_cannotExist() {
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
                () -> new Status("1.0.0", Duration.ZERO, -1, Optional.empty()));

        assertEquals("visits is negative: -1", error.getMessage());
    }

    @Test
    void negativeUptime_cannotExist() {
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
                () -> new Status("1.0.0", Duration.ofSeconds(-1), 0, Optional.empty()));

        assertEquals("uptime is negative: PT-1S", error.getMessage());
    }
}
