package dev.updater.core.check;

import dev.updater.core.home.UpdateHome;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HomeMirrorMemoryTest {
    private static final Instant NOW = Instant.parse("2026-11-30T06:00:00Z");
    private static final String A = "https://a.example:-1";
    private static final String B = "https://b.example:-1";

    @TempDir
    Path dir;

    private final List<String> warnings = new ArrayList<>();

    @Test
    void aMirrorRemembered_isRecalledByTheNextAgent_andAnUnchangedOneIsNotWrittenAgain() throws Exception {
        UpdateHome home = new UpdateHome(dir);
        HomeMirrorMemory first = memory(home, NOW);
        assertEquals(Optional.empty(), first.recall(A));
        assertFalse(Files.exists(home.mirrorRecord().path()), "reading writes nothing");

        first.remember(A, B);
        byte[] written = Files.readAllBytes(home.mirrorRecord().path());
        memory(home, NOW.plus(Duration.ofHours(1))).remember(A, B);

        assertArrayEquals(written, Files.readAllBytes(home.mirrorRecord().path()), "an unchanged mirror costs no write");
        assertEquals(Optional.of(B), memory(home, NOW.plus(Duration.ofDays(6))).recall(A), "a restart recalls it");
        assertEquals(Optional.empty(), memory(home, NOW.plus(Duration.ofDays(8))).recall(A), "forgotten after a week");
        assertEquals(List.of(), warnings);
    }

    @Test
    void aMalformedRecord_isIgnoredWithOneWarning_andWrittenAgainWhenAMirrorAnswers() throws Exception {
        UpdateHome home = new UpdateHome(dir);
        Files.writeString(home.mirrorRecord().path(), "{\"entries\":[{\"primary\":\"nonsense\"}]}");
        HomeMirrorMemory memory = memory(home, NOW);

        assertEquals(Optional.empty(), memory.recall(A));
        assertEquals(Optional.empty(), memory.recall(A));
        assertEquals(1, warnings.size(), warnings.toString());
        assertTrue(warnings.get(0).startsWith("Ignoring " + home.mirrorRecord().path() + " (it is not a valid record: "),
                warnings.get(0));
        assertTrue(warnings.get(0).endsWith("): this host tries its mirrors in its own order, and the file is written"
                + " again when a mirror answers."), warnings.get(0));

        memory.remember(A, B);

        assertEquals(Optional.of(B), home.mirrorRecord().read().orElseThrow().recall(A, NOW));
        assertEquals(1, warnings.size(), "said once");
    }

    private HomeMirrorMemory memory(UpdateHome home, Instant now) {
        return new HomeMirrorMemory(home, Clock.fixed(now, ZoneOffset.UTC), warnings::add);
    }
}
