package dev.updater.demo.release;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.updater.demo.Response;
import dev.updater.demo.Status;
import dev.updater.demo.VersionChange;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class DarkThemeReleaseTest {
    private static final Status UPDATED = new Status("1.1.0", Duration.ofMillis(12_700), 3,
            Optional.of(new VersionChange("1.0.0", "1.1.0", Instant.parse("2026-02-07T12:00:00Z"))));

    @Test
    void homePage_isDarkWithItsMessageAndWhatsNew() {
        String html = new DarkThemeRelease().homePage(UPDATED);

        assertTrue(html.contains("<p id=\"message\">Hello from demo-app 1.1.0, now in a dark theme and with a JSON API.</p>"),
                html);
        assertTrue(html.contains("background: #15181d"), html);
        assertTrue(html.contains("<section id=\"whats-new\"><strong>New in 1.1.0:</strong> this dark theme, and the same"
                + " facts as JSON at <a href=\"/api/stats\">/api/stats</a>.</section>"), html);
        assertTrue(html.contains("updated from 1.0.0"), html);
    }

    @Test
    void answer_stats_givesThePageFactsAsJson() {
        Optional<Response> response = new DarkThemeRelease().answer("/api/stats", UPDATED);

        assertEquals(Optional.of(new Response(200, "application/json",
                "{\"version\":\"1.1.0\",\"uptimeSeconds\":12,\"visits\":3,\"updatedFrom\":\"1.0.0\","
                        + "\"updatedAt\":\"2026-02-07T12:00:00Z\"}\n")), response);
    }

    @Test
    void answer_statsBeforeAnyUpdate_hasNulls() {
        Status first = new Status("1.1.0", Duration.ZERO, 0, Optional.empty());

        assertEquals("{\"version\":\"1.1.0\",\"uptimeSeconds\":0,\"visits\":0,\"updatedFrom\":null,\"updatedAt\":null}\n",
                DarkThemeRelease.statsJson(first));
    }

    @Test
    void statsJson_escapesStrings() {
        Status odd = new Status("1.1.0\"\\\n\u0001", Duration.ZERO, 0, Optional.empty());

        assertTrue(DarkThemeRelease.statsJson(odd).startsWith("{\"version\":\"1.1.0\\\"\\\\\\n\\u0001\","),
                DarkThemeRelease.statsJson(odd));
    }

    @Test
    void answer_otherPaths_areNotFound() {
        assertEquals(Optional.empty(), new DarkThemeRelease().answer("/api/stats/", UPDATED));
        assertEquals(Optional.empty(), new DarkThemeRelease().answer("/favicon.ico", UPDATED));
    }

    @Test
    void checkStartup_passes() {
        assertDoesNotThrow(new DarkThemeRelease()::checkStartup);
    }
}
