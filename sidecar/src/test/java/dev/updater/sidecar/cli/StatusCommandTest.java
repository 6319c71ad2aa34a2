package dev.updater.sidecar.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.updater.core.Sha256;
import dev.updater.core.home.AgentRecord;
import dev.updater.core.home.InstalledRelease;
import dev.updater.core.home.JsonRecords;
import dev.updater.core.home.Quarantine;
import dev.updater.core.home.UpdateHome;
import dev.updater.core.json.Json;
import dev.updater.sidecar.testhost.Staging;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class StatusCommandTest {
    private static final Instant T = Instant.parse("2026-02-07T12:00:00Z");

    @TempDir
    Path dir;

    private Path home;
    private String staged;

    private void aHomeWithEverything() throws Exception {
        home = Staging.newHome(dir.resolve("home"));
        UpdateHome h = new UpdateHome(home);
        JsonRecords.write(h.agentRecord(), new AgentRecord(4242, T, "1.1.0", "manifest", "/opt/app.jar", null,
                List.of("java", "-jar", "/opt/app.jar"), "0.1.0", "host-1", true, T, T.plusSeconds(60),
                "1.2.0 is staged", "1.2.0", "manifest expired", false, null, T));
        JsonRecords.write(h.installedRecord(), new InstalledRelease("1.1.0", "ab".repeat(32), "/opt/app.jar", "1.0.0", T));
        JsonRecords.write(h.quarantine(), new Quarantine(List.of(new Quarantine.Entry("1.0.5", "failed its health gate", T))));
        Path jar = Files.write(dir.resolve("1.2.0.jar"), "release 1.2.0".getBytes(StandardCharsets.UTF_8));
        staged = Sha256.ofFile(jar).hex();
        Staging.stage(home, jar, "1.2.0", true, "breaking changes: run 'updater-sidecar apply'");
    }

    @Test
    void status_showsHostInstalledStagedCheckErrorAndQuarantine() throws Exception {
        aHomeWithEverything();

        CliRun run = CliRun.run("status", "--home", home.toString());

        assertEquals(0, run.exitCode(), run.toString());
        assertEquals("Home:         " + home + "\n"
                + "Sidecar:      not running\n"
                + "Host:         not running (last: 1.1.0, pid 4242)\n"
                + "Installed:    1.1.0  sha256 " + "ab".repeat(32) + "  /opt/app.jar\n"
                + "Staged:       1.2.0 (13 bytes), waits for 'updater-sidecar apply': breaking changes: run"
                + " 'updater-sidecar apply'\n"
                + "Last check:   2026-02-07T12:01:00Z  1.2.0 is staged\n"
                + "Last error:   manifest expired\n"
                + "Quarantined:  1.0.5 (failed its health gate)\n"
                + "Backups:      none\n"
                + "Last swap:    none\n", run.out());
    }

    @Test
    void statusJson_printsOneObjectWithTheDocumentedFields() throws Exception {
        aHomeWithEverything();

        CliRun run = CliRun.run("status", "--home", home.toString(), "--json");

        assertEquals(0, run.exitCode(), run.toString());
        JsonNode json = Json.mapper().readTree(run.out());
        assertEquals("1.1.0", json.at("/installed/version").asText());
        assertEquals("ab".repeat(32), json.at("/installed/sha256").asText());
        assertTrue(json.at("/running/version").isNull(), "no host holds host.lock: nothing runs");
        assertTrue(json.at("/running/pid").isNull());
        assertEquals(false, json.at("/running/alive").asBoolean());
        assertEquals("1.2.0", json.at("/staged/version").asText());
        assertEquals(staged, json.at("/staged/sha256").asText());
        assertEquals(true, json.at("/staged/needsApproval").asBoolean());
        assertEquals("breaking changes: run 'updater-sidecar apply'", json.at("/staged/approvalReason").asText());
        assertEquals(1, json.get("quarantined").size());
        assertEquals("1.0.5", json.at("/quarantined/0/version").asText());
        assertEquals("manifest expired", json.get("lastError").asText());
        assertTrue(json.get("lastTransaction").isNull());
        assertEquals(false, json.at("/sidecar/running").asBoolean());
    }

    @Test
    void statusJson_ofAnEmptyHome_hasNullsWhereNothingIsKnown() throws Exception {
        home = Staging.newHome(dir.resolve("home"));

        CliRun run = CliRun.run("status", "--home", home.toString(), "--json");

        assertEquals(0, run.exitCode(), run.toString());
        JsonNode json = Json.mapper().readTree(run.out());
        assertTrue(json.at("/installed/version").isNull());
        assertTrue(json.at("/installed/sha256").isNull());
        assertTrue(json.get("staged").isNull());
        assertEquals(0, json.get("quarantined").size());
        assertTrue(json.get("lastError").isNull());
    }

    @Test
    void status_ofAMissingHome_failsWithOneSentence() {
        CliRun run = CliRun.run("status", "--home", dir.resolve("nowhere").toString());

        assertEquals(1, run.exitCode());
        assertEquals("There is no update home at " + dir.resolve("nowhere") + "; check --home (the agent's home=).\n",
                run.err());
    }

    @Test
    void status_ofAHomeOthersCanWrite_isRefused() throws Exception {
        home = Staging.newHome(dir.resolve("home"));
        Files.setPosixFilePermissions(home, PosixFilePermissions.fromString("rwxrwxrwx"));

        CliRun run = CliRun.run("status", "--home", home.toString());

        assertEquals(1, run.exitCode());
        assertEquals("The update home " + home + " is writable by others (rwxrwxrwx), so they could make updater"
                + " install anything; run 'chmod 700 " + home + "' and start again.\n", run.err());
    }
}
