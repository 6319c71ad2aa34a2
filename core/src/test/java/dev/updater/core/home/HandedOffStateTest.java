package dev.updater.core.home;

import dev.updater.core.Sha256;
import dev.updater.core.UpdaterException;
import dev.updater.core.testing.PosixModes;
import dev.updater.core.version.ReleaseVersion;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class HandedOffStateTest {
    private static final ReleaseVersion V100 = ReleaseVersion.tryParse("1.0.0");
    private static final ReleaseVersion V110 = ReleaseVersion.tryParse("1.1.0");
    private static final Instant SAVED = Instant.parse("2026-11-30T08:00:00Z");
    private static final Duration FRESH = HandedOffState.DEFAULT_MAX_AGE;

    @TempDir
    Path dir;

    @Test
    void of_recordsTheLengthAndHashOfTheUtf8Bytes() {
        HandedOffState state = HandedOffState.of(V110, V100, SAVED, 42, "Grüße");
        assertEquals(7, state.bytes());
        assertEquals(Sha256.ofBytes("Grüße".getBytes(StandardCharsets.UTF_8)), state.sha256());
        assertEquals(Optional.empty(), state.refusal(V110, SAVED.plusSeconds(5), FRESH));
    }

    @Test
    void of_refusesAStateAboveTheLimit_sayingBothSizes() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> HandedOffState.of(V110, V100, SAVED, 42, "x".repeat(HandedOffState.MAX_STATE_BYTES + 1)));
        assertEquals("save() returned 1,048,577 bytes, more than the 1,048,576 bytes a state hand-off may carry",
                e.getMessage());
        HandedOffState.of(V110, V100, SAVED, 42, "x".repeat(HandedOffState.MAX_STATE_BYTES)); // the limit itself is fine
    }

    @Test
    void refusal_namesAnotherVersionATamperedStateAStaleOneAndOneFromTheFuture() {
        HandedOffState good = HandedOffState.of(V110, V100, SAVED, 42, "queue: a, b");
        assertEquals(Optional.of("it was saved for 1.1.0, and this host runs 1.0.0"),
                good.refusal(V100, SAVED, FRESH));
        HandedOffState edited = new HandedOffState(V110, V100, SAVED, 42, good.bytes(), good.sha256(), "queue: a, c");
        assertEquals(Optional.of("its state does not match the SHA-256 and length it was saved with (changed or cut"
                + " short since)"), edited.refusal(V110, SAVED, FRESH));
        HandedOffState cut = new HandedOffState(V110, V100, SAVED, 42, good.bytes() + 1, good.sha256(), good.state());
        assertEquals(Optional.of("its state does not match the SHA-256 and length it was saved with (changed or cut"
                + " short since)"), cut.refusal(V110, SAVED, FRESH));
        assertEquals(Optional.of("it was saved 11 minutes ago, longer ago than the 10m a state stays fresh"),
                good.refusal(V110, SAVED.plus(Duration.ofMinutes(11)), FRESH));
        assertEquals(Optional.empty(), good.refusal(V110, SAVED.plus(FRESH), FRESH), "exactly 10 minutes is fresh");
        assertEquals(Optional.of("it says it was saved at 2026-11-30T08:00:00Z, in the future"),
                good.refusal(V110, SAVED.minusSeconds(61), FRESH));
    }

    @Test
    void theHomeWritesItOwnerOnly_underHandoff_andReadsItBack() throws UpdaterException, java.io.IOException {
        UpdateHome home = new UpdateHome(dir);
        HandedOffState state = HandedOffState.of(V110, V100, SAVED, 42, "line 1\nline 2\u0000");
        home.handedOffState(V110).write(state);

        Path file = dir.resolve("handoff").resolve("1.1.0.json");
        assertEquals(file, home.handedOffState(V110).path());
        assertEquals(Optional.of(state), home.handedOffState(V110).read());
        PosixModes.assumeSupported(dir);
        assertEquals("rw-------", PosixModes.of(file));
        assertEquals("rwx------", PosixModes.of(file.getParent()));
        assertEquals(dir.resolve("handoff").resolve("kept").resolve("1.1.0.json"), home.keptHandoff(V110));
    }

    @Test
    void aStateOfControlCharactersAtTheLimit_stillReadsBack_thoughItsJsonIsSixTimesLarger() throws Exception {
        UpdateHome home = new UpdateHome(dir);
        HandedOffState state = HandedOffState.of(V110, V100, SAVED, 42, "\u0001".repeat(HandedOffState.MAX_STATE_BYTES));
        home.handedOffState(V110).write(state);
        assertEquals(true, Files.size(home.handedOffState(V110).path()) > 6L * HandedOffState.MAX_STATE_BYTES);
        assertEquals(Optional.of(state), home.handedOffState(V110).read());
    }
}
