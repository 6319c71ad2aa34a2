package dev.updater.sidecar.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class HttpDateTest {
    @Test
    void format_writesImfFixdateWithTwoDigitDaysAndWholeSeconds() {
        assertEquals("Tue, 03 Feb 2026 04:05:06 GMT", HttpDate.format(Instant.parse("2026-02-03T04:05:06.999Z")));
    }

    @Test
    void parse_readsWhatFormatWrites() {
        assertEquals(Optional.of(Instant.parse("2026-02-03T04:05:06Z")), HttpDate.parse("Tue, 03 Feb 2026 04:05:06 GMT"));
    }

    @Test
    void parse_ofAnythingElse_isEmpty() {
        assertEquals(Optional.empty(), HttpDate.parse(null));
        assertEquals(Optional.empty(), HttpDate.parse("2026-02-03T04:05:06Z"));
        assertEquals(Optional.empty(), HttpDate.parse("Tuesday, 03-Feb-26 04:05:06 GMT"));
    }
}
