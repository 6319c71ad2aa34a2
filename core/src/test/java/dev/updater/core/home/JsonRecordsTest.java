package dev.updater.core.home;

import dev.updater.core.ErrorCode;
import dev.updater.core.UpdaterException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class JsonRecordsTest {
    @TempDir
    Path dir;

    record Sample(String version, long pid, Instant startedAt, List<String> tags, String optional) {
    }

    @Test
    void write_thenRead_roundTripsARecord_withInstantsAsIsoStrings() throws Exception {
        Path file = dir.resolve("agent.json");
        Sample sample = new Sample("1.3.0", 4242, Instant.parse("2026-02-07T12:00:00.123Z"), List.of("a"), null);

        JsonRecords.write(file, sample);

        assertEquals(Optional.of(sample), JsonRecords.read(file, Sample.class));
        String text = Files.readString(file);
        assertTrue(text.contains("\"startedAt\" : \"2026-02-07T12:00:00.123Z\""), text);
        assertTrue(text.endsWith("}\n"), text);
        assertTrue(!text.contains("optional"), "nulls are left out: " + text);
    }

    @Test
    void write_replacesAnExistingRecord_andLeavesNoTempFiles() throws Exception {
        Path file = dir.resolve("staged.json");
        JsonRecords.write(file, new Sample("1", 1, null, List.of(), null));
        JsonRecords.write(file, new Sample("2", 2, null, List.of(), null));

        assertEquals("2", JsonRecords.read(file, Sample.class).orElseThrow().version());
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(List.of(file), files.toList());
        }
    }

    @Test
    void read_missingFile_isEmpty() throws Exception {
        assertEquals(Optional.empty(), JsonRecords.read(dir.resolve("none.json"), Sample.class));
    }

    @Test
    void read_ignoresFieldsItDoesNotKnow_writtenByANewerVersion() throws Exception {
        Path file = dir.resolve("agent.json");
        Files.writeString(file, "{\"version\": \"1.0.0\", \"pid\": 7, \"addedLater\": {\"x\": 1}}");
        assertEquals("1.0.0", JsonRecords.read(file, Sample.class).orElseThrow().version());
    }

    @Test
    void read_malformedRecord_saysWhichFileAndWhatToDo() throws Exception {
        Path file = dir.resolve("journal.json");
        Files.writeString(file, "{\"version\": ");
        UpdaterException e = assertThrows(UpdaterException.class, () -> JsonRecords.read(file, Sample.class));
        assertEquals(ErrorCode.RECORD_MALFORMED, e.code());
        assertTrue(e.getMessage().startsWith("Record " + file + " is not a valid Sample ("), e.getMessage());
        assertTrue(e.getMessage().endsWith("Move it away and let updater write it again."), e.getMessage());
    }

    @Test
    void read_refusesASymlinkedRecord() throws Exception {
        Path real = dir.resolve("elsewhere.json");
        Files.writeString(real, "{\"version\": \"1.0.0\"}");
        Path link = Files.createSymbolicLink(dir.resolve("staged.json"), real);
        UpdaterException e = assertThrows(UpdaterException.class, () -> JsonRecords.read(link, Sample.class));
        assertEquals(ErrorCode.RECORD_MALFORMED, e.code());
        assertEquals("Record " + link + " is a symbolic link to " + real + "; the update home's files are plain files,"
                + " and a link could send updater's writes to any file. Nothing was opened through it. Remove it (rm "
                + link + ") and find out who planted it.", e.getMessage());
    }

    @Test
    void write_intoAMissingDirectory_failsWithIo_andWritesNothing() {
        Path file = dir.resolve("no-such-dir").resolve("agent.json");
        UpdaterException e = assertThrows(UpdaterException.class,
                () -> JsonRecords.write(file, new Sample("1", 1, null, List.of(), null)));
        assertEquals(ErrorCode.IO, e.code());
        assertTrue(e.getMessage().startsWith("Could not write " + file + ": NoSuchFileException"), e.getMessage());
        assertTrue(Files.notExists(dir.resolve("no-such-dir")));
    }
}
