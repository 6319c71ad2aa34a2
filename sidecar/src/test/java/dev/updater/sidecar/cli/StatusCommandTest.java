package dev.updater.sidecar.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.updater.core.Sha256;
import dev.updater.core.home.AgentRecord;
import dev.updater.core.home.InstalledRelease;
import dev.updater.core.home.JsonRecords;
import dev.updater.core.home.Quarantine;
import dev.updater.core.home.RestartRecord;
import dev.updater.core.home.UpdateHome;
import dev.updater.core.json.Json;
import dev.updater.core.testing.PosixModes;
import dev.updater.core.text.Printable;
import dev.updater.core.version.ReleaseVersion;
import dev.updater.sidecar.testhost.Staging;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class StatusCommandTest {
    private static final Instant T = Instant.parse("2026-02-07T12:00:00Z");
    /** Clears the screen, moves the cursor home, turns the rest right-to-left, and floods. */
    private static final String HOSTILE_ERROR = "manifest expired\u001b[2J\u001b[H\u202e" + "!".repeat(5000);

    /** The last line, from classes of a development build (no jar, no channel built in): nothing is asked of a network. */
    private static final String UPDATER = "Updater:      updater-sidecar development build (no self-update channel built in)\n";

    @TempDir
    Path dir;

    private Path home;
    private String staged;

    private void aHomeWithEverything() throws Exception {
        home = Staging.newHome(dir.resolve("home"));
        UpdateHome h = new UpdateHome(home);
        h.agentRecord().write(new AgentRecord(4242, T, ReleaseVersion.parse("1.1.0"), "manifest", "/opt/app.jar", null,
                List.of("java", "-jar", "/opt/app.jar"), "0.1.0", "host-1", true, T, T.plusSeconds(60),
                "1.2.0 is staged", ReleaseVersion.parse("1.2.0"), "manifest expired", false, null, T));
        h.installedRecord().write(new InstalledRelease(ReleaseVersion.parse("1.1.0"),
                new Sha256("ab".repeat(32)), "/opt/app.jar", ReleaseVersion.parse("1.0.0"), T));
        JsonRecords.write(h.quarantine(), new Quarantine(List.of(new Quarantine.Entry(ReleaseVersion.tryParse("1.0.5"), "failed its health gate", T))));
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
                + "Staged:       1.2.0 (13 bytes), waits for 'updater-sidecar apply --home " + home + "': breaking changes: run"
                + " 'updater-sidecar apply'\n"
                + "Last check:   2026-02-07T12:01:00Z  1.2.0 is staged\n"
                + "Last error:   manifest expired\n"
                + "Quarantined:  1.0.5 (failed its health gate)\n"
                + "Backups:      none\n"
                + "Last swap:    none\n"
                + UPDATER, run.out());
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
        assertTrue(json.at("/running/lockProblem").isNull(), "host.lock could be probed");
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

    /** Records other processes wrote: agent.json by the host, the rest by whoever can write the home. */
    private void aHomeWithTerminalControlsInItsRecords() throws Exception {
        home = Staging.newHome(dir.resolve("home"));
        UpdateHome h = new UpdateHome(home);
        h.agentRecord().write(new AgentRecord(4242, T, ReleaseVersion.parse("1.1.0"), "manifest", "/opt/app.jar",
                null, List.of("java", "-jar", "/opt/app.jar"), "0.1.0", "host-1", false, null, T.plusSeconds(60),
                "ok\u009b2J", ReleaseVersion.parse("1.2.0"), HOSTILE_ERROR, false, null, T));
        h.installedRecord().write(new InstalledRelease(ReleaseVersion.parse("1.1.0"),
                new Sha256("ab".repeat(32)), "/opt/\u202eraj.jar",
                ReleaseVersion.parse("1.0.0"), T));
        JsonRecords.write(h.quarantine(), new Quarantine(List.of(new Quarantine.Entry(ReleaseVersion.parse("1.0.5"), "gate\r\nfailed", T))));
        Path jar = Files.write(dir.resolve("1.2.0.jar"), "release 1.2.0".getBytes(StandardCharsets.UTF_8));
        Staging.stage(home, jar, "1.2.0", true, "breaking\u001b]0;owned\u0007");
    }

    @Test
    void status_showsWhatOtherProcessesWrote_withTheirControlsEscaped_andAFloodCut() throws Exception {
        aHomeWithTerminalControlsInItsRecords();

        CliRun run = CliRun.run("status", "--home", home.toString());

        assertEquals(0, run.exitCode(), run.toString());
        String error = "manifest expired\\e[2J\\e[H\\u202e";
        assertEquals("Home:         " + home + "\n"
                + "Sidecar:      not running\n"
                + "Host:         not running (last: 1.1.0, pid 4242)\n"
                + "Installed:    1.1.0  sha256 " + "ab".repeat(32) + "  /opt/\\u202eraj.jar\n"
                + "Staged:       1.2.0 (13 bytes), waits for 'updater-sidecar apply --home " + home + "': breaking\\e]0;owned\\x07\n"
                + "Last check:   2026-02-07T12:01:00Z  ok\\u009b2J\n"
                + "Last error:   " + error + "!".repeat(Printable.MAX_LINE_LENGTH - 3 - error.length()) + "...\n"
                + "Quarantined:  1.0.5 (gate\\r\\nfailed)\n"
                + "Backups:      none\n"
                + "Last swap:    none\n"
                + UPDATER, run.out());
    }

    @Test
    void statusJson_escapesEveryTerminalControl_andKeepsTheValuesExact() throws Exception {
        aHomeWithTerminalControlsInItsRecords();

        CliRun run = CliRun.run("status", "--home", home.toString(), "--json");

        assertEquals(0, run.exitCode(), run.toString());
        assertTrue(run.out().codePoints().noneMatch(c -> c != '\n' && Printable.isEscaped(c)), run.out());
        assertTrue(run.out().contains("\"approvalReason\" : \"breaking\\u001B]0;owned\\u0007\""), run.out());
        assertTrue(run.out().contains("/opt/\\u202eraj.jar"), run.out());
        JsonNode json = Json.mapper().readTree(run.out());
        assertEquals(HOSTILE_ERROR, json.get("lastError").asText());
        assertEquals("/opt/\u202eraj.jar", json.at("/installed/target").asText());
        assertEquals("breaking\u001b]0;owned\u0007", json.at("/staged/approvalReason").asText());
        assertEquals("gate\r\nfailed", json.at("/quarantined/0/reason").asText());
    }

    @Test
    void status_ofAnAgentRecordWhoseVersionIsNoVersion_saysWhichRecordAndField_escaped() throws Exception {
        home = Staging.newHome(dir.resolve("home"));
        Path agent = Files.writeString(home.resolve("agent.json"), "{\"pid\" : 4242, \"runningVersion\" : \"1.1.0\\u001b[1A\"}");

        CliRun run = CliRun.run("status", "--home", home.toString());

        assertEquals(1, run.exitCode(), run.toString());
        assertEquals("", run.out());
        assertTrue(run.err().contains("Record " + agent + " is not a valid AgentRecord (its runningVersion"
                + " \"1.1.0\\e[1A\" is not a semantic version); it was changed by hand or by another version. Move it"
                + " away and let updater write it again."), run.err());
        assertFalse(run.err().contains("\u001b"), "no raw ESC on the terminal");
    }

    @Test
    void status_ofAQuarantineWhoseVersionIsNoVersion_saysWhichRecordAndField_escaped() throws Exception {
        aHomeWithEverything();
        Path quarantine = Files.writeString(home.resolve("quarantine.json"), "{\"versions\" : [ {\"version\" : \"1.0.5\\u001b[2J\","
                + " \"reason\" : \"failed\", \"at\" : \"2026-02-07T12:00:00Z\", \"held\" : false} ]}");

        CliRun run = CliRun.run("status", "--home", home.toString());

        assertEquals(1, run.exitCode(), run.toString());
        assertEquals("", run.out());
        assertTrue(run.err().contains("Record " + quarantine + " is not a valid Quarantine (its versions.0.version"
                + " \"1.0.5\\e[2J\" is not a semantic version); it was changed by hand or by another version. Move it"
                + " away and let updater write it again."), run.err());
        assertFalse(run.err().contains("\u001b"), "no raw ESC on the terminal");
    }

    @Test
    void status_whenHostLockCannotBeProbed_saysTheHostIsUnknown_notStopped() throws Exception {
        aHomeWithEverything();
        Path hostLock = Files.createDirectory(home.resolve("host.lock")); // opening it fails with EISDIR

        CliRun run = CliRun.run("status", "--home", home.toString());
        CliRun json = CliRun.run("status", "--home", home.toString(), "--json");

        assertEquals(0, run.exitCode(), run.toString());
        String unknown = "Cannot tell whether the host is running: " + hostLock + " cannot be locked (Is a directory)";
        assertTrue(run.out().contains("\nHost:         unknown: " + unknown + "\n"), run.out());
        JsonNode node = Json.mapper().readTree(json.out());
        assertEquals(unknown, node.at("/running/lockProblem").asText());
        assertEquals(false, node.at("/running/alive").asBoolean());
    }

    @Test
    void status_showsHowTheLastUpdateRestartedTheHost_andWhyItFellBack() throws Exception {
        aHomeWithEverything();
        new UpdateHome(home).restartRecord().write(new RestartRecord(RestartRecord.Mode.STOP_START,
                "the running host's listener on 127.0.0.1:8080 was bound without SO_REUSEPORT",
                ReleaseVersion.parse("1.1.0"), true, T, null));

        CliRun run = CliRun.run("status", "--home", home.toString());

        assertEquals(0, run.exitCode(), run.toString());
        assertTrue(run.out().endsWith("Last swap:    none\n"
                + "Last update:  stop-start (the running host's listener on 127.0.0.1:8080 was bound without"
                + " SO_REUSEPORT), 1.1.0 at 2026-02-07T12:00:00Z, net.ipv4.tcp_migrate_req on\n" + UPDATER), run.out());
    }

    @Test
    void status_saysAnOverlapSteeredThroughTheSidecarsOwnSocket() throws Exception {
        aHomeWithEverything();
        new UpdateHome(home).restartRecord().write(new RestartRecord(RestartRecord.Mode.OVERLAP, null,
                ReleaseVersion.parse("1.1.0"), false, T, RestartRecord.SteeringPath.SIDECAR_SOCKET));

        CliRun run = CliRun.run("status", "--home", home.toString());

        assertEquals(0, run.exitCode(), run.toString());
        assertTrue(run.out().endsWith("Last update:  overlap (steered through a socket of the sidecar's own: pidfd"
                + " refused), 1.1.0 at 2026-02-07T12:00:00Z\n" + UPDATER), run.out());
    }

    @Test
    void statusJson_showsTheLastRestart() throws Exception {
        aHomeWithEverything();
        new UpdateHome(home).restartRecord().write(new RestartRecord(RestartRecord.Mode.OVERLAP, null,
                ReleaseVersion.parse("1.1.0"), false, T, RestartRecord.SteeringPath.PIDFD));

        CliRun run = CliRun.run("status", "--home", home.toString(), "--json");

        JsonNode json = Json.mapper().readTree(run.out());
        assertEquals("overlap", json.at("/lastRestart/mode").asText());
        assertTrue(json.at("/lastRestart/fallback").isNull());
        assertEquals("1.1.0", json.at("/lastRestart/version").asText());
        assertEquals(false, json.at("/lastRestart/tcpMigrateReq").asBoolean());
        assertEquals(T.toString(), json.at("/lastRestart/at").asText());
        assertEquals("pidfd", json.at("/lastRestart/steering").asText());
        CliRun text = CliRun.run("status", "--home", home.toString());
        assertTrue(text.out().endsWith("Last update:  overlap, 1.1.0 at 2026-02-07T12:00:00Z\n" + UPDATER), text.out());
    }

    @Test
    void status_ofAReleaseRebuiltFromADelta_showsTheBytesTheDeltaFetched_andARecordWithoutTheFieldShowsNone()
            throws Exception {
        home = Staging.newHome(dir.resolve("home"));
        Path jar = Files.write(dir.resolve("1.2.0.jar"), "release 1.2.0".getBytes(StandardCharsets.UTF_8));
        dev.updater.core.home.StagedRelease whole = Staging.stage(home, jar, "1.2.0");
        UpdateHome h = new UpdateHome(home);
        h.stagedRecord().write(new dev.updater.core.home.StagedRelease(whole.version(), whole.file(), 23_695_433L,
                whole.sha256(), whole.platform(), whole.features(), whole.fixes(), null, false, false, null,
                whole.manifestUrl(), whole.releaseDate(), whole.stagedAt(), 44_279L));

        CliRun run = CliRun.run("status", "--home", home.toString());
        assertTrue(run.out().contains("\nStaged:       1.2.0 (23,695,433 bytes; a delta fetched 44,279 bytes),"
                + " installs as the apply policy says\n"), run.out());
        JsonNode json = Json.mapper().readTree(CliRun.run("status", "--home", home.toString(), "--json").out());
        assertEquals(44_279L, json.at("/staged/deltaFetched").asLong());

        // staged.json written by an agent that predates the field
        com.fasterxml.jackson.databind.node.ObjectNode record =
                (com.fasterxml.jackson.databind.node.ObjectNode) Json.mapper().readTree(home.resolve("staged.json").toFile());
        record.remove("deltaFetched");
        Files.write(home.resolve("staged.json"), Json.mapper().writeValueAsBytes(record));
        assertTrue(CliRun.run("status", "--home", home.toString()).out().contains(
                "\nStaged:       1.2.0 (23,695,433 bytes), installs as the apply policy says\n"));
        json = Json.mapper().readTree(CliRun.run("status", "--home", home.toString(), "--json").out());
        assertTrue(json.at("/staged/deltaFetched").isNull(), json.toString());
    }

    @Test
    void statusJson_ofAHomeWithOnlyALock_hasNullsWhereNothingIsKnown() throws Exception {
        home = Staging.newHome(dir.resolve("home"));
        Files.createFile(home.resolve("host.lock")); // an agent started here and has not written anything else yet

        CliRun run = CliRun.run("status", "--home", home.toString(), "--json");

        assertEquals(0, run.exitCode(), run.toString());
        JsonNode json = Json.mapper().readTree(run.out());
        assertTrue(json.at("/installed/version").isNull());
        assertTrue(json.at("/installed/sha256").isNull());
        assertTrue(json.get("staged").isNull());
        assertEquals(0, json.get("quarantined").size());
        assertTrue(json.get("lastError").isNull());
        assertTrue(json.get("lastRestart").isNull());
    }

    @Test
    void status_ofAMissingHome_failsWithOneSentence() {
        CliRun run = CliRun.run("status", "--home", dir.resolve("nowhere").toString());

        assertEquals(1, run.exitCode());
        assertEquals("There is no update home at " + dir.resolve("nowhere") + "; check --home (the agent's home=).\n",
                run.err());
    }

    @Test
    void status_ofAFolderWithNoHomeFiles_isNotAnUpdateHome_andGetsNoPermissionAdvice() throws Exception {
        PosixModes.assumeSupported(dir);
        Path tmp = PosixModes.set(Files.createDirectories(dir.resolve("tmp")), "rwxrwxrwx");
        // as the system's temp folder: sticky, everyone's (the JDK cannot set the sticky bit)
        assertEquals(0, new ProcessBuilder("chmod", "1777", tmp.toString()).inheritIO().start().waitFor());
        Files.writeString(tmp.resolve("someone-elses.txt"), "not ours");
        String modeBefore = PosixModes.of(tmp);

        CliRun status = CliRun.run("status", "--home", tmp.toString());
        CliRun json = CliRun.run("status", "--home", tmp.toString(), "--json");
        CliRun history = CliRun.run("history", "--home", tmp.toString());
        CliRun run = CliRun.run("run", "--home", tmp.toString(), "--target", dir.resolve("app.jar").toString(), "--",
                "touch", dir.resolve("started").toString());

        String notAHome = tmp + " is not an update home: it holds none of the files an agent or a sidecar keeps in one"
                + " (agent.json, history.jsonl, sidecar.lock, ...); ";
        assertEquals(1, status.exitCode(), status.toString());
        assertEquals(notAHome + "check --home (the agent's home=).\n", status.err());
        assertEquals(status.err(), json.err());
        assertEquals(status.err(), history.err());
        assertEquals(1, run.exitCode(), run.toString());
        assertEquals(notAHome + "it is a shared folder (sticky bit, like /tmp), never a home. Give --home a folder of"
                + " its own (it is created, mode 700, when missing), for example --home /var/lib/app/updates.\n",
                run.err());
        for (CliRun r : List.of(status, json, history, run)) {
            assertFalse(r.err().contains("chmod"), r.toString());
        }
        assertEquals(modeBefore, PosixModes.of(tmp));
        try (var files = Files.list(tmp)) {
            assertEquals(List.of("someone-elses.txt"), files.map(p -> p.getFileName().toString()).toList(),
                    "nothing was created in it");
        }
    }

    @Test
    void status_ofAHomeOthersCanWrite_isRefused() throws Exception {
        PosixModes.assumeSupported(dir);
        home = PosixModes.set(Staging.newHome(dir.resolve("home")), "rwxrwxrwx");
        Files.createFile(home.resolve("agent.json"));

        CliRun run = CliRun.run("status", "--home", home.toString());

        assertEquals(1, run.exitCode());
        assertEquals("The update home " + home + " is writable by others (rwxrwxrwx), so they could make updater"
                + " install anything; run 'chmod 700 " + home + "' and start again.\n", run.err());
    }
}
