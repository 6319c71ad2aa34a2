package dev.updater.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class VersionChangeTest {
    private static final Instant AT = Instant.parse("2026-02-07T12:00:00Z");

    @ParameterizedTest(name = "{0} -> {1}: {2}")
    @CsvSource({
        "1.0.0, 1.1.0, updated from 1.0.0",
        "1.9.0, 1.10.0, updated from 1.9.0",
        "1.1.0, 1.0.0, downgraded from 1.1.0",
        "1.10.0, 1.9.0, downgraded from 1.10.0",
        "1.0, 1.0.1, updated from 1.0",
        "1.0.1, 1.0, downgraded from 1.0.1",
        "1.0.0-rc1, 1.0.0-rc2, updated from 1.0.0-rc1",
    })
    void describe_saysWhichWayTheVersionMoved(String from, String to, String description) {
        assertEquals(description, new VersionChange(from, to, AT).describe());
    }

    @Test
    void sameVersion_isNoChange() {
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
                () -> new VersionChange("1.0.0", "1.0.0", AT));

        assertEquals("not a change: from and to are both 1.0.0", error.getMessage());
    }
}
