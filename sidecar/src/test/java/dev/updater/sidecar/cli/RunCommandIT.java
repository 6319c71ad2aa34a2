package dev.updater.sidecar.cli;

import dev.updater.core.version.ReleaseVersion;
import dev.updater.core.text.HumanUnits;
import com.fasterxml.jackson.databind.JsonNode;
import dev.updater.core.Sha256;
import dev.updater.core.home.AgentRecord;
import dev.updater.core.home.HistoryEvent;
import dev.updater.core.json.Json;
import dev.updater.core.testing.ChildProcess;
import dev.updater.core.home.SwapJournal;
import dev.updater.core.home.SwapState;
import dev.updater.sidecar.testhost.Hosts;
import dev.updater.sidecar.ExitCode;
import dev.updater.sidecar.testhost.SidecarOutput;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code updater-sidecar run} from the built jar, with real host JVMs, files and signals. */
class RunCommandIT {
    /** When the records a test writes were written; the commands under test do not read these times. */
    private static final Instant RECORDED = Instant.parse("2026-03-02T09:30:00Z");

    private static final Duration EXIT = Duration.ofSeconds(20);

    @TempDir
    Path dir;

    private SidecarFixture fx;

    @AfterEach
    void killEverything() {
        if (fx != null) {
            fx.close();
        }
    }

    @Test
    void aStagedRelease_endsInstalledRunningAndCommitted_andHistoryShowsTheSteps() throws Exception {
        fx = new SidecarFixture(dir);
        ChildProcess sidecar = fx.run("immediate");
        fx.awaitServing("1.0.0");

        fx.stage(fx.v110, "1.1.0");

        fx.awaitServing("1.1.0");
        SwapJournal journal = fx.awaitFinishedJournal();
        assertEquals(SwapState.COMMITTED, journal.state());
        fx.assertTargetIs(fx.v110);
        fx.assertNoTempFiles();
        assertEquals(List.of("installed 1.1.0", "healthy 1.1.0"), fx.events());
        SidecarOutput.await(sidecar, "installing 1.1.0 over 1.0.0 at " + fx.target, EXIT);
        SidecarOutput.await(sidecar, "stopping the host (pid " + firstHostPid(sidecar)
                + ") to install 1.1.0 (apply=immediate)", EXIT);

        CliRun history = CliRun.run("history", "--home", fx.home.toString());
        assertEquals(0, history.exitCode(), history.toString());
        String[] lines = history.out().split("\n");
        assertEquals(2, lines.length, history.out());
        assertTrue(lines[0].endsWith("  installed    1.1.0 (from 1.0.0)  swapped " + fx.target
                + " to 1.1.0; the health gate decides"), lines[0]);
        assertTrue(lines[1].matches(".*  healthy      1\\.1\\.0 \\(from 1\\.0\\.0\\)  passed its health gate in \\d+ ms:"
                + " alive for 300ms, http://127\\.0\\.0\\.1:\\d+/health answered 2xx(, its agent reported ready)?"), lines[1]);

        CliRun status = CliRun.run("status", "--home", fx.home.toString(), "--json");
        assertEquals(0, status.exitCode(), status.toString());
        JsonNode json = Json.mapper().readTree(status.out());
        assertEquals("1.1.0", json.at("/installed/version").asText());
        assertEquals(Sha256.ofFile(fx.v110).hex(), json.at("/installed/sha256").asText());
        assertEquals("1.1.0", json.at("/running/version").asText());
        assertEquals(Hosts.recordedPid(fx.home).orElseThrow().longValue(), json.at("/running/pid").asLong());
        assertTrue(json.get("staged").isNull());
        assertTrue(json.get("quarantined").isArray());
        assertEquals(0, json.get("quarantined").size());
        assertTrue(json.get("lastError").isNull());
        assertTrue(json.at("/sidecar/running").asBoolean());
        assertEquals(sidecar.pid(), json.at("/sidecar/pid").asLong());
        assertEquals("committed", json.at("/lastTransaction/state").asText());
    }

    @Test
    void anInstall_saysOneLinePerStep_eachStampedWithTheLocalTimeToTheSecond() throws Exception {
        fx = new SidecarFixture(dir);
        LocalDateTime before = LocalDateTime.now().truncatedTo(ChronoUnit.SECONDS);
        ChildProcess sidecar = fx.run("immediate");
        fx.awaitServing("1.0.0");
        long oldPid = Hosts.recordedPid(fx.home).orElseThrow();

        fx.stage(fx.v110, "1.1.0");

        assertEquals(SwapState.COMMITTED, fx.awaitFinishedJournal().state());
        SidecarOutput.await(sidecar, l -> l.startsWith("1.1.0 passed its health gate in "), EXIT);
        long newPid = Hosts.recordedPid(fx.home).orElseThrow();
        List<String> said = SidecarOutput.messages(sidecar);
        assertEquals(List.of(
                "supervising " + fx.hostCommand() + " on " + fx.home + " (apply=immediate)",
                "the host command has no updater agent (-javaagent:…updater.jar=home=" + fx.home + ",manifest=…,key=…):"
                        + " nothing will check for releases or stage them, and this sidecar has nothing to install. Add"
                        + " it to the command after '--' (see docs/agent.md).", // the fake host plays its agent
                "started the host (pid " + oldPid + ")",
                "checking the health gate against the serving host (pid " + oldPid + "): " + fx.healthUrl()
                        + " answering 2xx within 5s",
                "the health gate passes for the serving host (pid " + oldPid + "): " + fx.healthUrl() + " answered 2xx",
                "stopping the host (pid " + oldPid + ") to install 1.1.0 (apply=immediate)",
                "installing 1.1.0 over 1.0.0 at " + fx.target,
                "started 1.1.0 (pid " + newPid + ")",
                "health gate: alive 300ms, " + fx.healthUrl() + " answering 2xx, within 5s"),
                said.subList(0, said.size() - 1), sidecar.toString());
        assertTrue(said.get(said.size() - 1).matches("1\\.1\\.0 passed its health gate in \\d+ ms \\(alive for 300ms, "
                + Pattern.quote(fx.healthUrl()) + " answered 2xx(, its agent reported ready)?\\); committed\\."),
                said.get(said.size() - 1));
        LocalDateTime after = LocalDateTime.now();
        for (String line : sidecar.output()) {
            Matcher m = SidecarOutput.LINE.matcher(line);
            if (m.matches()) {
                LocalDateTime at = LocalDateTime.parse(m.group(1), DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss"));
                assertTrue(!at.isBefore(before) && !at.isAfter(after), before + " <= " + at + " <= " + after);
            }
        }
        assertTrue(sidecar.output().stream().noneMatch(l -> l.contains("exited with code")), sidecar.toString());
    }

    @Test
    void logFormatJson_writesOneObjectPerLine_withTimeLevelEventMessageAndFields() throws Exception {
        fx = new SidecarFixture(dir);
        ChildProcess sidecar = fx.run("immediate", "--log-format", "json");
        fx.awaitServing("1.0.0");

        fx.stage(fx.v110, "1.1.0");

        assertEquals(SwapState.COMMITTED, fx.awaitFinishedJournal().state());
        sidecar.awaitLine(l -> l.contains("\"event\":\"installed\""), EXIT);
        List<JsonNode> objects = new ArrayList<>();
        for (String line : sidecar.output()) {
            if (line.startsWith("{\"time\":")) {
                objects.add(Json.mapper().readTree(line));
            }
        }
        assertEquals(List.of("supervising", "agent-missing", "host-started", "gate-check", "gate-passes",
                "host-stopping", "installing", "version-started", "health-gate", "installed"),
                objects.stream().map(o -> o.get("event").asText()).toList());
        for (JsonNode o : objects) {
            assertEquals(List.of("time", "level", "event", "message", "fields"), iterate(o.fieldNames()), o.toString());
            assertTrue(OffsetDateTime.parse(o.get("time").asText()).getNano() == 0, o.toString());
            // the fake host has no -javaagent, which the sidecar warns about; every step is INFO
            assertEquals(o.get("event").asText().equals("agent-missing") ? "WARN" : "INFO", o.get("level").asText(),
                    o.toString());
        }
        JsonNode installing = objects.get(6);
        assertEquals("installing 1.1.0 over 1.0.0 at " + fx.target, installing.get("message").asText());
        assertEquals("1.1.0", installing.at("/fields/version").asText());
        assertEquals("1.0.0", installing.at("/fields/from").asText());
        assertEquals(fx.target.toString(), installing.at("/fields/target").asText());
        assertEquals(Hosts.recordedPid(fx.home).orElseThrow().longValue(), objects.get(7).at("/fields/pid").asLong());
        assertTrue(sidecar.output().stream().noneMatch(l -> l.contains("updater-sidecar: ")), sidecar.toString());
    }

    @Test
    @DisabledOnOs(value = OS.WINDOWS, disabledReason = "sends SIGINT with kill(1)")
    void sigint_stopsTheHostFirst_andRunExits130_asItsHelpSays() throws Exception {
        fx = new SidecarFixture(dir);
        ChildProcess sidecar = fx.run("on-exit");
        fx.awaitServing("1.0.0");
        long hostPid = Hosts.recordedPid(fx.home).orElseThrow();

        ChildProcess.Finished kill = ChildProcess.run(List.of("kill", "-INT", String.valueOf(sidecar.pid())), EXIT);

        assertEquals(0, kill.exitCode(), kill.toString());
        assertEquals(ExitCode.INTERRUPTED.code(), sidecar.awaitExit(EXIT), sidecar.toString());
        assertFalse(ProcessHandle.of(hostPid).map(ProcessHandle::isAlive).orElse(false), "the host is gone");
        assertTrue(SidecarOutput.has(sidecar, "stopping: forwarding SIGTERM to the host (pid " + hostPid + ")"),
                sidecar.toString());
    }

    /** When the history's one {@code kind} event of {@code version} happened. */
    private Instant event(HistoryEvent.Kind kind, String version) throws Exception {
        List<Instant> at = fx.history().stream().filter(e -> e.event() == kind && e.version() != null
                && version.equals(e.version().toString())).map(HistoryEvent::at).toList();
        assertEquals(1, at.size(), kind + " " + version + " in " + fx.history());
        return at.get(0);
    }

    private static List<String> iterate(java.util.Iterator<String> names) {
        List<String> list = new ArrayList<>();
        names.forEachRemaining(list::add);
        return list;
    }

    @Test
    void aReleaseThatExitsAtStart_isRolledBack_quarantined_andNeverTriedAgain() throws Exception {
        fx = new SidecarFixture(dir);
        ChildProcess sidecar = fx.run("immediate");
        fx.awaitServing("1.0.0");

        fx.stage(fx.v120exits, "1.2.0");

        SwapJournal journal = fx.awaitFinishedJournal();
        assertEquals(SwapState.ROLLED_BACK, journal.state());
        assertEquals("1.2.0 failed its health gate: the host exited with code 3 before it passed", journal.gateFailure());
        fx.awaitServing("1.0.0");
        fx.assertTargetIs(fx.v100);
        fx.assertNoTempFiles();
        assertEquals(List.of("1.2.0"), fx.quarantined());
        assertEquals(List.of("installed 1.2.0", "failed 1.2.0", "quarantined 1.2.0", "rolled-back 1.0.0"), fx.events());
        SidecarOutput.await(sidecar, "Rolled back to 1.0.0; 1.2.0 is quarantined and will not be installed"
                + " again automatically.", EXIT);
        long pid = Hosts.recordedPid(fx.home).orElseThrow();

        fx.stage(fx.v120exits, "1.2.0"); // staged again (an agent would not; a person might)

        SidecarOutput.await(sidecar, "1.2.0 is staged but quarantined (1.2.0 failed its health gate: the host"
                + " exited with code 3 before it passed); it is not installed automatically. To allow it again:"
                + " 'updater-sidecar allow 1.2.0 --home " + fx.home + "'", EXIT);
        await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(3))
                .until(() -> Hosts.recordedPid(fx.home).orElse(-1L) == pid && "1.0.0".equals(Hosts.version(fx.port)));
        fx.assertTargetIs(fx.v100);
    }

    @Test
    void aReleaseThatNeverAnswersItsHealthUrl_isRolledBackWithinTheGateTimeout() throws Exception {
        fx = new SidecarFixture(dir);
        fx.run("immediate");
        fx.awaitServing("1.0.0");

        fx.stage(fx.v130neverHealthy, "1.3.0");

        SwapJournal journal = fx.awaitFinishedJournal();
        assertEquals(SwapState.ROLLED_BACK, journal.state());
        assertEquals("1.3.0 failed its health gate: the host did not pass within 5s: " + fx.healthUrl()
                + " never answered 2xx (last: connection refused)", journal.gateFailure());
        // The gate's length by the sidecar's own clock, from the swap (just before 1.3.0's start) to its verdict:
        // not the test's, whose wait also held the restart of 1.0.0 (a JVM start, seconds on a loaded machine).
        Duration gate = Duration.between(event(HistoryEvent.Kind.INSTALLED, "1.3.0"), event(HistoryEvent.Kind.FAILED, "1.3.0"));
        assertTrue(gate.compareTo(Duration.ofSeconds(5)) >= 0 && gate.compareTo(Duration.ofSeconds(5 + 3)) < 0,
                "gave up " + gate + " after the swap, gate 5 s");
        fx.awaitServing("1.0.0");
        fx.assertTargetIs(fx.v100);
        assertEquals(List.of("1.3.0"), fx.quarantined());
    }

    @Test
    void onExit_installsWhenTheHostExitsOnItsOwn_andRunExitsWithTheHostsCodeWhenNothingIsStaged() throws Exception {
        fx = new SidecarFixture(dir);
        ChildProcess sidecar = fx.run("on-exit");
        fx.awaitServing("1.0.0");
        fx.stage(fx.v110, "1.1.0");
        await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(3)).until(() -> "1.0.0".equals(Hosts.version(fx.port)));

        Hosts.get(fx.port, "/exit?code=0");

        fx.awaitServing("1.1.0");
        assertEquals(SwapState.COMMITTED, fx.awaitFinishedJournal().state());
        SidecarOutput.await(sidecar, "the host exited with code 0; installing the staged release"
                + " (apply=on-exit)", EXIT);

        Hosts.get(fx.port, "/exit?code=7");

        assertEquals(7, sidecar.awaitExit(EXIT));
        assertEquals(Optional.of("the host exited with code 7; the sidecar exits with it"),
                SidecarOutput.message(sidecar.output().get(sidecar.output().size() - 1)));
        fx.assertTargetIs(fx.v110);
    }

    @Test
    void manual_installsOnlyOnApply_andExit42OnlyRestarts() throws Exception {
        fx = new SidecarFixture(dir);
        ChildProcess sidecar = fx.run("manual");
        fx.awaitServing("1.0.0");
        long firstPid = Hosts.recordedPid(fx.home).orElseThrow();
        fx.stage(fx.v110, "1.1.0");

        Hosts.get(fx.port, "/exit?code=42");

        SidecarOutput.await(sidecar, "the host asked for a restart (exit code 42)", EXIT);
        await().atMost(EXIT).until(() -> Hosts.recordedPid(fx.home).orElse(firstPid) != firstPid
                && "1.0.0".equals(Hosts.version(fx.port)));
        assertTrue(Files.exists(fx.updateHome.stagedRecord().path()), "1.1.0 stays staged under apply=manual");

        CliRun apply = CliRun.run("apply", "--home", fx.home.toString(), "--yes");

        assertEquals(0, apply.exitCode(), apply.toString());
        // The command reads the system clock (the CLI takes no Clock): the real time is what it compares with.
        long days = Duration.between(Instant.parse("2026-02-07T12:00:00Z"), Instant.now()).toDays();
        long size = Files.size(fx.v110);
        String sha = dev.updater.core.Sha256.ofFile(fx.v110).hex().substring(0, 8);
        assertEquals("UPDATE AVAILABLE:\n"
                + "  Current version: 1.0.0\n"
                + "  New version:     1.1.0 (released " + days + " days ago)\n"
                + "  What's new:\n  + Feature of 1.1.0\n  * Fix of 1.1.0\n"
                + "  Download size: " + HumanUnits.size(size)
                + " (already downloaded and verified)\n"
                + "INSTALLING UPDATE:\n"
                + "  [ok] Download complete (" + HumanUnits.size(size) + ")\n"
                + "  [ok] Checksum verified (" + sha + "...)\n"
                + "  Asked the sidecar (pid " + sidecar.pid() + ") to install 1.1.0 (waiting up to 5m).\n"
                + "  [ok] Backup created\n  [ok] Artifact replaced\n  [ok] Restarted\n"
                + "  [ok] Healthy: passed its health gate\n"
                + "UPDATED:\n  [ok] Updated from 1.0.0 to 1.1.0\n", apply.out());
        assertEquals("1.1.0", Hosts.version(fx.port));
        fx.assertTargetIs(fx.v110);
        SidecarOutput.await(sidecar, "apply: installing 1.1.0 as an operator asked", EXIT);
    }

    @Test
    @DisabledOnOs(value = OS.WINDOWS, disabledReason = "it stops the first sidecar with SIGTERM, so that it"
            + " stops its host; Process.destroy() is no signal there")
    void exit42_installsWhatIsStaged_evenOutsideTheWindow_whileAWindowAroundNowInstallsAtOnce() throws Exception {
        fx = new SidecarFixture(dir);
        LocalTime now = LocalTime.now();
        DateTimeFormatter hhmm = DateTimeFormatter.ofPattern("HH:mm");
        String elsewhere = "window=" + hhmm.format(now.plusHours(3)) + "-" + hhmm.format(now.plusHours(4));
        ChildProcess sidecar = fx.run(elsewhere);
        fx.awaitServing("1.0.0");
        fx.stage(fx.v110, "1.1.0");
        await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(3)).until(() -> "1.0.0".equals(Hosts.version(fx.port)));

        Hosts.get(fx.port, "/exit?code=42");

        fx.awaitServing("1.1.0");
        assertEquals(SwapState.COMMITTED, fx.awaitFinishedJournal().state());
        sidecar.term();
        assertEquals(143, sidecar.awaitExit(EXIT));

        String around = "window=" + hhmm.format(now.minusHours(1)) + "-" + hhmm.format(now.plusHours(1));
        ChildProcess second = fx.run(around);
        fx.awaitServing("1.1.0");
        fx.stage(fx.v100, "1.0.0");
        fx.awaitServing("1.0.0");
        fx.assertTargetIs(fx.v100);
        SidecarOutput.await(second, "installing 1.0.0 over 1.1.0 at " + fx.target, EXIT);
    }

    @Test
    @DisabledOnOs(value = OS.WINDOWS, disabledReason = "Process.destroy() is not a signal there: no shutdown hooks run")
    void sigterm_isForwardedToTheHost_andRunExits143() throws Exception {
        fx = new SidecarFixture(dir);
        ChildProcess sidecar = fx.run("on-exit");
        fx.awaitServing("1.0.0");
        long hostPid = Hosts.recordedPid(fx.home).orElseThrow();

        sidecar.term(); // kill -TERM <sidecar pid>

        assertEquals(143, sidecar.awaitExit(EXIT));
        assertFalse(ProcessHandle.of(hostPid).map(ProcessHandle::isAlive).orElse(false), "the host is gone");
        assertTrue(Files.readString(fx.home.resolve("agent.json")).contains("\"exiting\" : true"),
                "the host's shutdown hooks ran");
        assertTrue(SidecarOutput.has(sidecar, "stopping: forwarding SIGTERM to the host (pid " + hostPid + ")"),
                sidecar.toString());
        assertTrue(sidecar.output().stream().noneMatch(line -> line.contains("exited with code")), sidecar.toString());
    }

    @Test
    @DisabledOnOs(value = OS.WINDOWS, disabledReason = "Process.destroy() is not a signal there: no shutdown hooks run")
    void aHostThatIgnoresSigterm_isKilledAfterTheStopTimeout() throws Exception {
        fx = new SidecarFixture(dir, "ignoreSigterm=true");
        ChildProcess sidecar = fx.run("on-exit");
        fx.awaitServing("1.0.0");
        long hostPid = Hosts.recordedPid(fx.home).orElseThrow();
        long start = System.nanoTime();

        sidecar.term();

        assertEquals(143, sidecar.awaitExit(EXIT));
        long millis = (System.nanoTime() - start) / 1_000_000;
        assertTrue(millis >= 2_000 && millis < 10_000, "stopped after " + millis + " ms with --stop-timeout 2s");
        assertFalse(ProcessHandle.of(hostPid).map(ProcessHandle::isAlive).orElse(false), "the host is gone");
        assertTrue(SidecarOutput.has(sidecar, "the host (pid " + hostPid + ") did not exit within 2s of SIGTERM; killed"
                + " it"), sidecar.toString());
    }

    @Test
    void aSecondSidecarOnTheSameHome_exits1WithOneSentence() throws Exception {
        fx = new SidecarFixture(dir);
        ChildProcess first = fx.run("on-exit");
        fx.awaitServing("1.0.0");

        ChildProcess second = fx.run("on-exit");

        assertEquals(1, second.awaitExit(EXIT));
        assertEquals(List.of("Another sidecar (pid " + first.pid() + ") already runs on the update home " + fx.home
                + "; stop it first, or give this one another --home."), second.output());
        assertEquals("1.0.0", Hosts.version(fx.port));
    }

    @Test
    void aSymlinkedTarget_isRolledBackAndUpdated_byRenamingOverTheLink_neverWritingItsDestination() throws Exception {
        fx = new SidecarFixture(dir);
        Path deployed = fx.linkTarget();
        ChildProcess sidecar = fx.run("immediate");
        fx.awaitServing("1.0.0");

        fx.stage(fx.v120exits, "1.2.0");

        SwapJournal failed = fx.awaitFinishedJournal();
        assertEquals(SwapState.ROLLED_BACK, failed.state(), sidecar.toString());
        assertEquals(fx.target.toString(), failed.target());
        fx.awaitServing("1.0.0");
        assertFalse(Files.isSymbolicLink(fx.target), "the old bytes came back as a file, from the backup");
        fx.assertTargetIs(fx.v100);

        fx.stage(fx.v110, "1.1.0");

        fx.awaitServing("1.1.0");
        fx.awaitOrDump("1.1.0 committed", () -> fx.journal().map(j -> "1.1.0".equals(String.valueOf(j.to().version()))
                && j.state() == SwapState.COMMITTED).orElse(false));
        fx.assertTargetIs(fx.v110);
        fx.assertNoTempFiles();
        assertEquals(Sha256.ofFile(fx.v100).hex(), Sha256.ofFile(deployed).hex(), "the link's destination is never written");
        assertEquals(List.of("installed 1.2.0", "failed 1.2.0", "quarantined 1.2.0", "rolled-back 1.0.0",
                "installed 1.1.0", "healthy 1.1.0"), fx.events());
    }

    @Test
    void rollbackCommand_reinstallsThePreviousVersionThroughTheRunningSidecar_andHoldsBackTheOther() throws Exception {
        fx = new SidecarFixture(dir);
        fx.run("immediate");
        fx.awaitServing("1.0.0");
        fx.stage(fx.v110, "1.1.0");
        fx.awaitServing("1.1.0");
        fx.awaitFinishedJournal();

        CliRun rollback = CliRun.run("rollback", "--home", fx.home.toString(), "--yes");

        assertEquals(0, rollback.exitCode(), rollback.toString());
        assertTrue(rollback.out().endsWith("to roll back to 1.0.0; waiting for its health gate (up to 5m).\n"
                + "Rolled back to 1.0.0; it passed its health gate.\n"), rollback.out());
        assertEquals("1.0.0", Hosts.version(fx.port));
        fx.assertTargetIs(fx.v100);
        assertEquals(List.of("1.1.0"), fx.quarantined());
        assertTrue(fx.updateHome.quarantineList().read().orElseThrow().versions().get(0).held(), "held back, not failed");
        assertEquals(List.of("installed 1.1.0", "healthy 1.1.0", "rolled-back 1.0.0", "held 1.1.0", "healthy 1.0.0"),
                fx.events());
    }

    @Test
    void whenThePreviousVersionAlsoFailsAfterARollback_runStopsRestartingAndExits1() throws Exception {
        Path broken = dir.resolve("broken");
        fx = new SidecarFixture(dir, "failIfExists=" + broken);
        ChildProcess sidecar = fx.run("immediate");
        fx.awaitServing("1.0.0");
        Files.createFile(broken); // from now on 1.0.0 exits at start too

        fx.stage(fx.v120exits, "1.2.0");

        assertEquals(1, sidecar.awaitExit(EXIT));
        assertEquals("the previous version 1.0.0 also failed its health gate after the rollback: the host exited with"
                + " code 4 before it passed. The sidecar stops restarting it: fix the host, then start the sidecar"
                + " again.", sidecar.output().get(sidecar.output().size() - 1));
        fx.assertTargetIs(fx.v100);
        assertEquals(List.of("1.2.0"), fx.quarantined());
    }

    @Test
    void afterTheAppMoved_aStaleAgentJson_neverMakesRunInstallOverTheOldPath() throws Exception {
        fx = new SidecarFixture(dir);
        // the app used to run from old/app.jar; its last agent.json still says so
        Path oldJar = Files.createDirectories(dir.resolve("old")).resolve("app.jar");
        Files.copy(fx.v100, oldJar);
        String oldSha = Sha256.ofFile(oldJar).hex();
        Process gone = new ProcessBuilder(ChildProcess.exitingAtOnce()).start();
        gone.waitFor();
        fx.updateHome.agentRecord().write(new AgentRecord(gone.pid(), RECORDED, ReleaseVersion.parse("1.0.0"), "manifest",
                oldJar.toString(), new Sha256(oldSha), List.of(), "test", "host-1", true, null, null, null, null, null, false,
                null, RECORDED));
        fx.stage(fx.v110, "1.1.0");
        List<String> args = new ArrayList<>(fx.runArgs("immediate"));
        args.subList(args.indexOf("--target"), args.indexOf("--target") + 2).clear(); // the target is the -jar

        ChildProcess sidecar = fx.sidecar(List.of(), args);

        SidecarOutput.await(sidecar, "The host's " + fx.updateHome.agentRecord() + " says it runs " + oldJar
                + ", but this sidecar's target is " + fx.target + " (the host command's -jar); nothing is installed"
                + " while they disagree. If the app moved, start the host once so that its agent records the new path;"
                + " otherwise give --target the file the host runs.", EXIT);
        // the host starts, its agent records where it runs now, and the release goes there
        fx.awaitServing("1.1.0");
        assertEquals(SwapState.COMMITTED, fx.awaitFinishedJournal().state());
        fx.assertTargetIs(fx.v110);
        assertEquals(oldSha, Sha256.ofFile(oldJar).hex(), "the old path is untouched");
        assertEquals(List.of("installed 1.1.0", "healthy 1.1.0"), fx.events());
    }

    private static long firstHostPid(ChildProcess sidecar) {
        String prefix = "started the host (pid ";
        String line = SidecarOutput.messages(sidecar).stream().filter(l -> l.startsWith(prefix)).findFirst().orElseThrow();
        return Long.parseLong(line.substring(prefix.length(), line.length() - 1));
    }
}
