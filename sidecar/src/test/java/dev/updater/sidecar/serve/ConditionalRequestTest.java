package dev.updater.sidecar.serve;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class ConditionalRequestTest {
    private static final String TAG = "\"3e8-65c3700.0\"";
    private static final Instant MODIFIED = Instant.parse("2026-02-07T12:00:00.750Z");

    @Test
    void notModified_withoutConditions_isFalse() {
        assertFalse(ConditionalRequest.notModified(null, null, TAG, MODIFIED));
    }

    @Test
    void notModified_withTheTagInAnyFormAndPlace_isTrue() {
        assertTrue(ConditionalRequest.notModified(List.of(TAG), null, TAG, MODIFIED));
        assertTrue(ConditionalRequest.notModified(List.of("W/" + TAG), null, TAG, MODIFIED));
        assertTrue(ConditionalRequest.notModified(List.of("\"a\",\"b\" , " + TAG), null, TAG, MODIFIED));
        assertTrue(ConditionalRequest.notModified(List.of("\"a\"", TAG), null, TAG, MODIFIED));
        assertTrue(ConditionalRequest.notModified(List.of(" * "), null, TAG, MODIFIED));
    }

    @Test
    void notModified_withOtherTags_isFalseWhateverTheDate() {
        assertFalse(ConditionalRequest.notModified(List.of("\"other\""), "Sat, 07 Feb 2026 12:00:00 GMT", TAG,
                MODIFIED));
        assertFalse(ConditionalRequest.notModified(List.of("3e8-65c3700.0"), null, TAG, MODIFIED));
    }

    @Test
    void notModified_bySince_comparesWholeSeconds() {
        assertTrue(ConditionalRequest.notModified(null, "Sat, 07 Feb 2026 12:00:00 GMT", TAG, MODIFIED));
        assertTrue(ConditionalRequest.notModified(null, "Sun, 08 Feb 2026 12:00:00 GMT", TAG, MODIFIED));
        assertFalse(ConditionalRequest.notModified(null, "Sat, 07 Feb 2026 11:59:59 GMT", TAG, MODIFIED));
    }

    @Test
    void notModified_withAnUnreadableDate_isFalse() {
        assertFalse(ConditionalRequest.notModified(null, "yesterday", TAG, MODIFIED));
        assertFalse(ConditionalRequest.notModified(List.of(), "yesterday", TAG, MODIFIED));
    }

    @Test
    void rangeStillValid_withoutIfRange_isTrue() {
        assertTrue(ConditionalRequest.rangeStillValid(null, TAG, MODIFIED));
    }

    @Test
    void rangeStillValid_onlyForTheStrongTagOrTheExactDate() {
        assertTrue(ConditionalRequest.rangeStillValid(TAG, TAG, MODIFIED));
        assertTrue(ConditionalRequest.rangeStillValid("Sat, 07 Feb 2026 12:00:00 GMT", TAG, MODIFIED));
        assertFalse(ConditionalRequest.rangeStillValid("W/" + TAG, TAG, MODIFIED));
        assertFalse(ConditionalRequest.rangeStillValid("\"other\"", TAG, MODIFIED));
        assertFalse(ConditionalRequest.rangeStillValid("Sun, 08 Feb 2026 12:00:00 GMT", TAG, MODIFIED));
        assertFalse(ConditionalRequest.rangeStillValid("garbage", TAG, MODIFIED));
    }
}
