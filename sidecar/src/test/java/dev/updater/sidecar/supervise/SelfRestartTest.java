package dev.updater.sidecar.supervise;

import dev.updater.core.Sha256;
import dev.updater.core.home.HistoryEvent;
import dev.updater.core.home.RestartRecord;
import dev.updater.core.home.SwapJournal;
import dev.updater.core.home.SwapState;
import dev.updater.core.home.UpdateHome;
import dev.updater.core.testing.TestArchives;
import dev.updater.core.version.ReleaseVersion;
import dev.updater.sidecar.health.GateResult;
import dev.updater.sidecar.health.RunningHost;
import dev.updater.sidecar.overlap.ProbePorts;
import dev.updater.sidecar.testhost.Staging;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class SelfRestartTest {
    private static final RestartSettings STOP_START = new RestartSettings(RestartRecord.Mode.STOP_START,
            ProbePorts.parse("61000-61099"));
    private static final RestartSettings OVERLAP = new RestartSettings(RestartRecord.Mode.OVERLAP,
            ProbePorts.parse("61000-61099"));

    @Test
    void onlyStopStartOnLinux_restartsInPlace_andOverlapOrAnotherOs_saysWhyNot() {
        assertNull(SelfRestart.whyNot(STOP_START, "Linux"));
        assertEquals("under --restart overlap the host never stops, so there is no gap to restart in",
                SelfRestart.whyNot(OVERLAP, "Linux"));
        assertEquals("there is no execve(2) on Windows Server 2022", SelfRestart.whyNot(STOP_START, "Windows Server 2022"));
        assertEquals("there is no execve(2) on Mac OS X", SelfRestart.whyNot(STOP_START, "Mac OS X"));
    }

    @TempDir
    Path dir;

    /**
     * SIGTERM between the loop's end and the exec: the shutdown hook's {@code stopAsked} comes first, so
     * this JVM is not replaced (were it, the test run would end here): the sidecar exits as asked, with
     * the journal left pendingStart by the transaction, and the history says both steps.
     */
    @Test
    void aStopAskedBeforeTheExec_winsOverTheRestart_execsNothing_andTheHistorySaysSo() throws Exception {
        assumeTrue(System.getProperty("os.name").equals("Linux"), "the restart in place reads /proc/self");
        Path jar = jar(dir.resolve("opt/updater/updater-sidecar.jar"), "99.0.0");
        UpdateHome home = new UpdateHome(Staging.newHome(dir.resolve("home")));
        List<String> log = new ArrayList<>();
        SelfRestart self = new SelfRestart(jar, ReleaseVersion.tryParse("1.3.0"), null, home, log::add);
        Optional<RunningHost> started = self.around(new StoppedHost()).startAfterSwap(journal(), false);
        assertEquals(Optional.empty(), started, "no host is started: the restarted sidecar starts it");
        assertTrue(self.pending());

        self.stopAsked(); // what the shutdown hook does first

        assertFalse(self.exec(), "run must return, not go on supervising");
        long pid = ProcessHandle.current().pid();
        String restarting = "restarting this sidecar (pid " + pid + ") in place to run updater 99.0.0 (was 1.3.0)"
                + " while the host is stopped for 1.2.0";
        String stopped = "did not restart this sidecar (pid " + pid + ") in place as updater 99.0.0: it was asked to"
                + " stop first; it exits running 1.3.0, and 1.2.0 is swapped in but not started: the next"
                + " 'updater-sidecar run' on " + home.dir() + " runs updater 99.0.0, starts 1.2.0 and checks its health";
        assertEquals(2, log.size(), log.toString());
        assertTrue(log.get(0).startsWith(restarting + ": execve of "), log.get(0));
        assertEquals(stopped, log.get(1));
        assertEquals(List.of(restarting, stopped), home.history().read().stream().map(HistoryEvent::detail).toList());
        assertEquals(List.of(HistoryEvent.Kind.SIDECAR_RESTART, HistoryEvent.Kind.SIDECAR_RESTART),
                home.history().read().stream().map(HistoryEvent::event).toList());
        assertFalse(self.pending());
    }

    private static SwapJournal journal() {
        Instant at = Instant.parse("2026-11-30T12:00:00Z");
        return new SwapJournal("t1", SwapJournal.Kind.INSTALL, SwapState.SWAPPED, "/opt/app/app.jar",
                new SwapJournal.Artifact(ReleaseVersion.tryParse("1.1.0"), Sha256.ofBytes(new byte[] {1}), 1),
                new SwapJournal.Artifact(ReleaseVersion.tryParse("1.2.0"), Sha256.ofBytes(new byte[] {2}), 1),
                "releases/1.2.0/app.jar", "backup/1.1.0/app.jar", false, 0, 0, false, null, null, at, at);
    }

    private static Path jar(Path jar, String version) throws Exception {
        return TestArchives.versionedJar(jar, version);
    }

    /** {@code run} at step 6 of a stop-start install: the old host has exited, nothing is stopping yet. */
    private static final class StoppedHost implements HostMode {
        @Override
        public void takeOver() {
        }

        @Override
        public boolean hostDown() {
            return true;
        }

        @Override
        public boolean startHost() {
            throw new AssertionError("no host is started");
        }

        @Override
        public OptionalInt takeExitCode() {
            return OptionalInt.empty();
        }

        @Override
        public Optional<String> hostStateUnknown() {
            return Optional.empty();
        }

        @Override
        public void stopHost(String why) {
        }

        @Override
        public boolean swapsUnderRunningHost() {
            return false;
        }

        @Override
        public Optional<RunningHost> servingHost() {
            return Optional.empty();
        }

        @Override
        public void stop() {
        }

        @Override
        public Optional<RunningHost> startAfterSwap(SwapJournal journal, boolean rollingBack) {
            throw new AssertionError("no host is started");
        }

        @Override
        public GateResult awaitHealthy(RunningHost host) {
            throw new AssertionError("no gate");
        }

        @Override
        public void stopFailed(RunningHost host) {
        }

        @Override
        public boolean stopping() {
            return false;
        }
    }

    @Test
    void watchAndASidecarNotRunFromAVersionedJar_neverRestartInPlace_soTheNoticeStaysAsItWas() {
        assertFalse(SelfRestart.never().possible(), "watch: the container runtime restarts the sidecar");
        assertFalse(new SelfRestart(null, null, null, null, s -> { }).possible(), "classes not in a jar");
        assertTrue(new SelfRestart(Path.of("/opt/updater/updater-sidecar.jar"),
                ReleaseVersion.tryParse("1.3.0"), null, null, s -> { }).possible());
        assertFalse(SelfRestart.never().pending());
    }
}
