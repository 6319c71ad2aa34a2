package dev.updater.core.home;

import dev.updater.core.ErrorCode;
import dev.updater.core.UpdaterException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MirrorMemoryTest {
    private static final Instant NOW = Instant.parse("2026-11-30T06:00:00Z");
    private static final String A = "https://a.example:-1";
    private static final String B = "https://b.example:-1";

    @TempDir
    Path dir;

    @Test
    void recall_givesTheLastGoodMirror_untilItIsAWeekOld() {
        MirrorMemory memory = MirrorMemory.EMPTY.remember(A, B, NOW);

        assertEquals(Optional.of(B), memory.recall(A, NOW.plus(Duration.ofDays(7))));
        assertEquals(Optional.empty(), memory.recall(A, NOW.plus(Duration.ofDays(7)).plusSeconds(1)), "forgotten");
        assertEquals(Optional.empty(), memory.recall(B, NOW), "kept per primary origin");
        assertEquals(Optional.empty(), memory.recall(A, NOW.minus(Duration.ofDays(2))),
                "written more than a day in the future (the clock was set back): not trusted");
    }

    @Test
    void holds_anUnchangedMirror_forADay_thenAsksForAFreshWrite() {
        MirrorMemory memory = MirrorMemory.EMPTY.remember(A, B, NOW);

        assertTrue(memory.holds(A, B, NOW.plus(Duration.ofHours(23))));
        assertFalse(memory.holds(A, B, NOW.plus(Duration.ofDays(1)).plusSeconds(1)), "refreshed daily, never aging out");
        assertFalse(memory.holds(A, A, NOW), "another mirror is a change");
    }

    @Test
    void remember_keepsTheNewest32_andDropsForgottenOnes() {
        MirrorMemory memory = MirrorMemory.EMPTY.remember("https://old.example:-1", B, NOW.minus(Duration.ofDays(8)));
        for (int i = 0; i < 40; i++) {
            memory = memory.remember("https://p" + i + ".example:-1", B, NOW.plusSeconds(i));
        }

        assertEquals(MirrorMemory.MAX_ENTRIES, memory.entries().size());
        assertEquals("https://p39.example:-1", memory.entries().get(0).primary(), "newest first");
        assertEquals(Optional.empty(), memory.recall("https://p7.example:-1", NOW.plusSeconds(40)), "the oldest went");
        assertEquals(Optional.of(B), memory.recall("https://p8.example:-1", NOW.plusSeconds(40)));
        assertTrue(memory.entries().stream().noneMatch(e -> e.primary().contains("old")));
    }

    @Test
    void theRecord_roundTripsThroughTheHome_andOneListingTooManyEntriesIsMalformed() throws Exception {
        UpdateHome home = new UpdateHome(dir);
        MirrorMemory memory = MirrorMemory.EMPTY.remember(A, B, NOW);
        home.mirrorRecord().write(memory);

        assertEquals(Optional.of(memory), home.mirrorRecord().read());
        assertEquals("{\"entries\":[{\"primary\":\"https://a.example:-1\",\"lastGood\":\"https://b.example:-1\","
                + "\"at\":\"2026-11-30T06:00:00Z\"}]}", Files.readString(home.mirrorRecord().path()).replaceAll("\\s", ""));

        String entry = "{\"primary\":\"https://a.example:-1\",\"lastGood\":\"https://b.example:-1\",\"at\":\"2026-11-30T06:00:00Z\"}";
        Files.writeString(home.mirrorRecord().path(), "{\"entries\":[" + IntStream.range(0, 33).mapToObj(i -> entry)
                .collect(Collectors.joining(",")) + "]}");
        UpdaterException e = assertThrows(UpdaterException.class, () -> home.mirrorRecord().read());
        assertEquals(ErrorCode.RECORD_MALFORMED, e.code());
        assertTrue(JsonRecords.reason(e).endsWith("mirrors.json lists at most 32 entries, got 33"), JsonRecords.reason(e));
    }
}
