package dev.updater.sidecar.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.updater.core.home.IncomingHostRecord;
import dev.updater.core.home.RestartRecord;
import dev.updater.core.home.SwapJournal;
import dev.updater.core.home.SwapState;
import dev.updater.core.json.Json;
import dev.updater.core.testing.ChildProcess;
import dev.updater.sidecar.overlap.OverlapSupport;
import dev.updater.sidecar.overlap.ProbePorts;
import dev.updater.sidecar.testhost.SidecarOutput;
import dev.updater.sidecar.testhost.HostJars;
import dev.updater.sidecar.testhost.Hosts;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * {@code run --restart overlap} from the built jar (DESIGN §5 "Overlap mode"), with real host JVMs and
 * a client that keeps sending requests throughout: not one of them may fail, whether the new release
 * is good (it takes over) or bad (the old host never stopped serving).
 */
class OverlapRunIT {
    private static final Duration EXIT = Duration.ofSeconds(30);
    private static final Path JDK25 = Path.of("/usr/lib/jvm/temurin-25-jdk-amd64/bin/java");

    @TempDir
    Path dir;

    private SidecarFixture fx;

    @BeforeEach
    void overlapPossibleHere() {
        assumeTrue(OverlapSupport.unavailable().isEmpty(), () -> OverlapSupport.unavailable().orElseThrow());
        assumeTrue(ProbePorts.DEFAULT.clashWithEphemeralPorts().isEmpty(),
                () -> ProbePorts.DEFAULT.clashWithEphemeralPorts().orElseThrow());
    }

    @AfterEach
    void killEverything() {
        if (fx != null) {
            fx.close();
        }
    }

    @Test
    void aGoodRelease_takesOverUnderRequests_noRequestFails_andStatusSaysOverlap_jdk17Host() throws Exception {
        fx = new SidecarFixture(dir);
        updatesUnderRequestsWithoutAFailure(fx.hostCommand());
    }

    @Test
    void aGoodRelease_takesOverUnderRequests_noRequestFails_jdk25Host() throws Exception {
        assumeTrue(Files.isExecutable(JDK25), "no JDK 25 at " + JDK25);
        fx = new SidecarFixture(dir);
        updatesUnderRequestsWithoutAFailure(fx.hostCommand(JDK25));
    }

    private void updatesUnderRequestsWithoutAFailure(List<String> host) throws Exception {
        ChildProcess sidecar = fx.sidecar(List.of(), fx.runArgs(host, "immediate", "--restart", "overlap"));
        fx.awaitServing("1.0.0");
        long oldPid = fx.awaitRecordedPid();
        RequestLoop requests = new RequestLoop(fx.port);
        fx.awaitOrDump("requests answered by 1.0.0", () -> requests.answeredBy("1.0.0") >= 20);

        fx.stage(fx.v110, "1.1.0");

        SwapJournal journal = fx.awaitFinishedJournal();
        fx.awaitOrDump("requests answered by 1.1.0", () -> requests.answeredBy("1.1.0") >= 20);
        requests.close();
        assertEquals(List.of(), requests.failures(), "failed requests; answered: " + requests.versions() + "\n" + fx.dump());
        assertEquals(SwapState.COMMITTED, journal.state(), fx.dump());
        fx.assertTargetIs(fx.v110);
        assertFalse(ProcessHandle.of(oldPid).map(ProcessHandle::isAlive).orElse(false), "the old host exited");
        String steered = "overlap: steering connections on 127.0.0.1:" + fx.port + ": from probe ports"
                + " 61000-61099 to the new host, all others to the running host (pid " + oldPid + ")";
        SidecarOutput.await(sidecar, l -> l.startsWith(steered), EXIT);
        // B answered its health URL from probe ports before any client reached it
        SidecarOutput.await(sidecar, l -> l.startsWith("overlap: cut over, every new connection on 127.0.0.1:"
                + fx.port + " goes to the new host (pid ") && l.matches(".*\\), warmed up by [1-9][0-9]* requests to "
                + java.util.regex.Pattern.quote(fx.healthUrl()) + " first"), EXIT);
        SidecarOutput.await(sidecar, "stopping the old host (pid " + oldPid + ") gracefully: the new host serves",
                EXIT);
        assertFalse(sidecar.outputText().contains("stopping the host (pid " + oldPid + ") to install"), sidecar.toString());

        fx.awaitOrDump("incoming-host.json removed once the new host is the host",
                () -> !fx.updateHome.incomingHostRecord().exists());
        RestartRecord restart = fx.updateHome.restartRecord().read().orElseThrow();
        assertEquals(RestartRecord.Mode.OVERLAP, restart.mode());
        assertEquals(null, restart.fallback());
        assertEquals("1.1.0", restart.version().toString());
        CliRun status = CliRun.run("status", "--home", fx.home.toString(), "--json");
        JsonNode json = Json.mapper().readTree(status.out());
        assertEquals("overlap", json.at("/lastRestart/mode").asText());
        assertTrue(json.at("/lastRestart/fallback").isNull());
        CliRun text = CliRun.run("status", "--home", fx.home.toString());
        assertTrue(text.out().lines().anyMatch(l -> l.startsWith("Last update:  overlap, 1.1.0 at ")), text.out());
    }

    @Test
    void aReleaseThatExitsAtStart_isRolledBack_whileTheOldHostServesEveryRequest() throws Exception {
        rolledBackWhileServing(fx -> fx.v120exits, "1.2.0", "1.2.0 failed its health gate: the host exited with code 3"
                + " before it passed");
    }

    @Test
    void aReleaseThatAnswers500Everywhere_isRolledBack_whileTheOldHostServesEveryRequest() throws Exception {
        rolledBackWhileServing(fx -> HostJars.build(dir.resolve("jars/app-1.4.0.jar"), "1.4.0",
                        HostJars.ANSWERS_500.toArray(String[]::new)), "1.4.0",
                "1.4.0 failed its health gate: the host did not pass within 5s: http://127.0.0.1:%d/health never"
                        + " answered 2xx from a probe port (last: HTTP 500)");
    }

    @Test
    void aReleaseThatNeverListens_isRolledBack_whileTheOldHostServesEveryRequest() throws Exception {
        rolledBackWhileServing(fx -> fx.v130neverHealthy, "1.3.0", "1.3.0 failed its health gate: the host did not"
                + " pass within 5s: it never listened on 127.0.0.1:%d");
    }

    private interface Release {
        Path jar(SidecarFixture fx) throws Exception;
    }

    private void rolledBackWhileServing(Release release, String version, String gateFailure) throws Exception {
        fx = new SidecarFixture(dir);
        Path bad = release.jar(fx);
        ChildProcess sidecar = fx.run("immediate", "--restart", "overlap");
        fx.awaitServing("1.0.0");
        long oldPid = fx.awaitRecordedPid();
        RequestLoop requests = new RequestLoop(fx.port);
        fx.awaitOrDump("requests answered by 1.0.0", () -> requests.answeredBy("1.0.0") >= 20);

        fx.stage(bad, version);

        SwapJournal journal = fx.awaitFinishedJournal();
        int before = requests.answeredBy("1.0.0");
        fx.awaitOrDump("more requests answered by 1.0.0", () -> requests.answeredBy("1.0.0") >= before + 20);
        requests.close();
        assertEquals(List.of(), requests.failures(), "failed requests; answered: " + requests.versions() + "\n" + fx.dump());
        assertEquals(List.of("1.0.0"), List.copyOf(requests.versions().keySet()), "only the old host answered");
        assertEquals(SwapState.ROLLED_BACK, journal.state(), fx.dump());
        assertEquals(String.format(gateFailure, fx.port), journal.gateFailure());
        fx.assertTargetIs(fx.v100);
        assertEquals(List.of(version), fx.quarantined());
        assertTrue(ProcessHandle.of(oldPid).map(ProcessHandle::isAlive).orElse(false), "the old host never stopped");
        assertEquals(List.of("installed " + version, "failed " + version, "quarantined " + version,
                "rolled-back 1.0.0"), fx.events());
        SidecarOutput.await(sidecar, l -> l.contains("the new host (pid ")
                && l.endsWith("; the old host (pid " + oldPid + ") kept serving"), EXIT);
        assertFalse(sidecar.outputText().contains("stopping the host (pid " + oldPid + ")"), sidecar.toString());
        fx.awaitOrDump("incoming-host.json removed once the new host was stopped",
                () -> !fx.updateHome.incomingHostRecord().exists());
    }

    @Test
    void aNewHostLeftRunningByASidecarKilledMidOverlap_isStoppedByTheNextSidecarFirst() throws Exception {
        fx = new SidecarFixture(dir);
        ChildProcess killed = fx.run("immediate", "--restart", "overlap");
        fx.awaitServing("1.0.0");
        long oldPid = fx.awaitRecordedPid();
        fx.stage(fx.v130neverHealthy, "1.3.0"); // in its gate for 5 s: time to kill the sidecar mid-overlap
        fx.awaitOrDump("incoming-host.json", () -> fx.updateHome.incomingHostRecord().exists());
        IncomingHostRecord b = fx.updateHome.incomingHostRecord().read().orElseThrow();
        ProcessHandle incoming = ProcessHandle.of(b.pid()).orElseThrow();
        try {
            killed.process().destroyForcibly(); // SIGKILL: no shutdown hook stops B
            killed.process().waitFor();
            assertTrue(incoming.isAlive(), "B outlives its sidecar");
            assertEquals("1.3.0", b.version().toString());

            ChildProcess next = fx.run("immediate", "--restart", "overlap");

            SidecarOutput.await(next, "the new host of an overlap update that a previous sidecar left unfinished (pid "
                    + b.pid() + ", 1.3.0) still runs; stopping it before anything else", EXIT);
            SidecarOutput.await(next, "stopped the left-over new host (pid " + b.pid() + ")", EXIT);
            assertFalse(incoming.isAlive());
            assertFalse(fx.updateHome.incomingHostRecord().exists());
            SidecarOutput.await(next, l -> l.startsWith("a host (pid " + oldPid + ") runs on this home without its"
                    + " sidecar; stopping it"), EXIT);
            fx.awaitServing("1.0.0");
        } finally {
            incoming.destroyForcibly();
        }
    }

    @Test
    void anOldHostBoundWithoutSoReusePort_fallsBackToStopStart_andSaysWhy() throws Exception {
        fx = new SidecarFixture(dir, "reusePort=false");
        ChildProcess sidecar = fx.run("immediate", "--restart", "overlap");
        fx.awaitServing("1.0.0");
        long oldPid = fx.awaitRecordedPid();

        fx.stage(fx.v110, "1.1.0");

        SwapJournal journal = fx.awaitFinishedJournal();
        assertEquals(SwapState.COMMITTED, journal.state(), fx.dump());
        fx.awaitServing("1.1.0");
        String why = "the running host's listener on 127.0.0.1:" + fx.port + " was bound without SO_REUSEPORT (hosts"
                + " started under --restart overlap get UPDATER_REUSE_PORT=true; the next update can overlap)";
        SidecarOutput.await(sidecar, "overlap is not possible for this update, so it is a stop-start: " + why, EXIT);
        SidecarOutput.await(sidecar, "stopping the host (pid " + oldPid + ") to start 1.1.0 (stop-start)", EXIT);
        RestartRecord restart = fx.updateHome.restartRecord().read().orElseThrow();
        assertEquals(RestartRecord.Mode.STOP_START, restart.mode());
        assertEquals(why, restart.fallback());
        CliRun text = CliRun.run("status", "--home", fx.home.toString());
        assertTrue(text.out().lines().anyMatch(l -> l.equals("Last update:  stop-start (" + why + "), 1.1.0 at "
                + l.substring(l.lastIndexOf(" at ") + 4))), text.out());
    }

    @Test
    void aNewHostThatListensOnAnotherPortToo_isStopped_andTheUpdateIsAStopStart() throws Exception {
        fx = new SidecarFixture(dir);
        Path extra = HostJars.build(dir.resolve("jars/app-1.5.0.jar"), "1.5.0", "extraPort=true");
        ChildProcess sidecar = fx.run("immediate", "--restart", "overlap");
        fx.awaitServing("1.0.0");
        long oldPid = fx.awaitRecordedPid();

        fx.stage(extra, "1.5.0");

        SwapJournal journal = fx.awaitFinishedJournal();
        assertEquals(SwapState.COMMITTED, journal.state(), fx.dump());
        fx.awaitServing("1.5.0");
        String why = "the new host listens on 127.0.0.1:" + (fx.port + 1) + ", where the old host does not (it listens"
                + " on 127.0.0.1:" + fx.port + ")";
        SidecarOutput.await(sidecar, "overlap is not possible for this update, so it is a stop-start: " + why, EXIT);
        SidecarOutput.await(sidecar, "stopping the host (pid " + oldPid + ") to start 1.5.0 (stop-start)", EXIT);
        assertEquals(why, fx.updateHome.restartRecord().read().orElseThrow().fallback());
    }
}
