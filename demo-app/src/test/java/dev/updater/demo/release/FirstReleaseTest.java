package dev.updater.demo.release;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.updater.demo.Status;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class FirstReleaseTest {
    private static final Status STATUS = new Status("1.0.0", Duration.ofSeconds(5), 3, Optional.empty());

    @Test
    void homePage_isLightWithTheFirstMessageAndNothingNew() {
        String html = new FirstRelease().homePage(STATUS);

        assertTrue(html.contains("<p id=\"message\">Hello from the first release of demo-app.</p>"), html);
        assertTrue(html.contains("background: #fafafa"), html);
        assertFalse(html.contains("whats-new"), html);
        assertFalse(html.contains("/api/stats"), html);
    }

    @Test
    void answer_hasNoOtherPaths() {
        assertEquals(Optional.empty(), new FirstRelease().answer("/api/stats", STATUS));
    }

    @Test
    void checkStartup_passes() {
        assertDoesNotThrow(new FirstRelease()::checkStartup);
    }
}
