package dev.updater.sidecar.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.updater.core.home.HistoryEvent;
import dev.updater.core.home.UpdateHome;
import dev.updater.core.json.Json;
import dev.updater.core.text.Printable;
import dev.updater.core.version.ReleaseVersion;
import dev.updater.sidecar.testhost.Staging;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HistoryCommandTest {
    @TempDir
    Path dir;

    @Test
    void history_printsTheEventsOldestFirst() throws Exception {
        Path home = Staging.newHome(dir.resolve("home"));
        new UpdateHome(home).history().append(new HistoryEvent(Instant.parse("2026-02-07T12:00:00Z"),
                HistoryEvent.Kind.STAGED, ReleaseVersion.parse("1.1.0"), null, "staged"));
        new UpdateHome(home).history().append(new HistoryEvent(Instant.parse("2026-02-07T12:00:01Z"),
                HistoryEvent.Kind.INSTALLED, ReleaseVersion.parse("1.1.0"), ReleaseVersion.parse("1.0.0"),
                "swapped /opt/app.jar to 1.1.0; the health gate decides"));

        CliRun run = CliRun.run("history", "--home", home.toString());

        assertEquals(0, run.exitCode(), run.toString());
        assertEquals("2026-02-07T12:00:00Z  staged       1.1.0  staged\n"
                + "2026-02-07T12:00:01Z  installed    1.1.0 (from 1.0.0)  swapped /opt/app.jar to 1.1.0; the health"
                + " gate decides\n", run.out());

        CliRun json = CliRun.run("history", "--home", home.toString(), "--json");

        assertEquals(0, json.exitCode(), json.toString());
        JsonNode events = Json.mapper().readTree(json.out());
        assertEquals(2, events.size());
        assertEquals("installed", events.get(1).get("event").asText());
        assertEquals("1.0.0", events.get(1).get("from").asText());
        assertEquals("2026-02-07T12:00:01Z", events.get(1).get("at").asText());
    }

    @Test
    void history_showsTheHostsTextWithItsControlsEscaped_andSkipsLinesWhoseEventOrVersionIsNone() throws Exception {
        // history.jsonl is appended to by the host process too
        Path home = Staging.newHome(dir.resolve("home"));
        String detail = "Release notes\u001b]0;owned\u0007\u202e\nfake line";
        Files.writeString(home.resolve("history.jsonl"), """
                {"at":"2026-02-07T11:59:58Z","event":"checked\\u001b[2K","version":"1.2.0"}
                {"at":"2026-02-07T11:59:59Z","event":"checked","version":"1.2.0\\u001b[1A","from":"1.1.0\\u009b"}
                {"at":"2026-02-07T12:00:00Z","event":"checked","version":"1.2.0","from":"1.1.0",\
                "detail":"Release notes\\u001b]0;owned\\u0007\\u202e\\nfake line"}
                """);

        CliRun run = CliRun.run("history", "--home", home.toString());

        assertEquals(0, run.exitCode(), run.toString());
        assertEquals("2026-02-07T12:00:00Z  checked      1.2.0 (from 1.1.0)  Release"
                + " notes\\e]0;owned\\x07\\u202e\\nfake line\n", run.out());

        CliRun json = CliRun.run("history", "--home", home.toString(), "--json");

        assertEquals(0, json.exitCode(), json.toString());
        assertTrue(json.out().codePoints().noneMatch(c -> c != '\n' && Printable.isEscaped(c)), json.out());
        JsonNode events = Json.mapper().readTree(json.out());
        assertEquals(1, events.size(), json.out());
        assertEquals(detail, events.get(0).get("detail").asText());
        assertEquals("1.1.0", events.get(0).get("from").asText());
    }

    @Test
    void history_ofAHomeWithoutEvents_saysSo() throws Exception {
        Path home = Staging.newHome(dir.resolve("home"));
        Files.createFile(home.resolve("host.lock")); // an agent started here and has not written anything else yet

        CliRun run = CliRun.run("history", "--home", home.toString());

        assertEquals(0, run.exitCode(), run.toString());
        assertEquals("No events yet in " + home.resolve("history.jsonl") + ".\n", run.out());
    }
}
