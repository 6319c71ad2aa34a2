package dev.updater.sidecar.cli;

import dev.updater.core.testing.ChildProcess;
import dev.updater.core.home.SwapJournal;
import dev.updater.core.home.SwapState;
import dev.updater.sidecar.testhost.ContainerRuntime;
import dev.updater.sidecar.testhost.SidecarOutput;
import dev.updater.sidecar.testhost.Hosts;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code updater-sidecar watch} from the built jar beside a simulated container runtime that
 * restarts the host whenever it exits: swap first, then the host is asked to exit, then the
 * restarted host is gated.
 */
class WatchCommandIT {
    private static final Duration EXIT = Duration.ofSeconds(20);

    @TempDir
    Path dir;

    private SidecarFixture fx;
    private ContainerRuntime runtime;

    @AfterEach
    void killEverything() {
        if (runtime != null) {
            runtime.close();
        }
        if (fx != null) {
            fx.close();
        }
    }

    private ChildProcess watch(String policy) {
        return watch(policy, "10s");
    }

    private ChildProcess watch(String policy, String restartTimeout) {
        ChildProcess watcher = fx.sidecar(List.of(), new ArrayList<>(List.of("watch", "--home", fx.home.toString(),
                "--apply", policy, "--health-url", fx.healthUrl(), "--min-uptime", "300ms", "--health-timeout", "5s",
                "--stop-timeout", "2s", "--restart-timeout", restartTimeout, "--target", fx.target.toString())));
        SidecarOutput.await(watcher, "watching " + fx.home + " (apply=" + policy + ")", EXIT);
        return watcher;
    }

    private void startRuntime() {
        runtime = new ContainerRuntime(fx.hostCommand(), Duration.ofMillis(200));
        fx.awaitServing("1.0.0");
    }

    @Test
    void immediate_swapsWhileTheHostRuns_asksItToExit_andGatesTheHostTheRuntimeRestarts() throws Exception {
        fx = new SidecarFixture(dir);
        startRuntime();
        long oldPid = Hosts.recordedPid(fx.home).orElseThrow();
        ChildProcess watcher = watch("immediate");

        fx.stage(fx.v110, "1.1.0");

        fx.awaitServing("1.1.0");
        SwapJournal journal = fx.awaitFinishedJournal();
        assertEquals(SwapState.COMMITTED, journal.state(), watcher + "\n" + runtime);
        fx.assertTargetIs(fx.v110);
        fx.assertNoTempFiles();
        SidecarOutput.await(watcher, "asking the host (pid " + oldPid + ") to exit, so that the"
                + " container runtime starts it on 1.1.0", EXIT);
        assertEquals(List.of(0), runtime.exits(), "the old host exited by itself (System.exit(0) through its agent)");
        assertEquals(List.of("installed 1.1.0", "healthy 1.1.0"), fx.events());
    }

    @Test
    void aReleaseThatExitsAtStart_isSwappedBack_quarantined_andTheOldVersionComesBack() throws Exception {
        fx = new SidecarFixture(dir);
        startRuntime();
        watch("immediate");

        fx.stage(fx.v120exits, "1.2.0");

        SwapJournal journal = fx.awaitFinishedJournal();
        assertEquals(SwapState.ROLLED_BACK, journal.state(), runtime.toString());
        assertTrue(journal.gateFailure().matches("1\\.2\\.0 failed its health gate: the host exited \\(pid \\d+\\) before"
                + " it passed"), journal.gateFailure());
        fx.awaitServing("1.0.0");
        fx.assertTargetIs(fx.v100);
        assertEquals(List.of("1.2.0"), fx.quarantined());
    }

    @Test
    void aReleaseThatDiesBeforeItsAgentReports_isRolledBackAfterTheRestartTimeout() throws Exception {
        fx = new SidecarFixture(dir);
        Path diesEarly = dev.updater.sidecar.testhost.HostJars.build(dir.resolve("jars/app-1.4.0.jar"), "1.4.0",
                "exitBeforeAgent=1");
        startRuntime();
        watch("immediate", "3s");

        fx.stage(diesEarly, "1.4.0");

        SwapJournal journal = fx.awaitFinishedJournal();
        assertEquals(SwapState.ROLLED_BACK, journal.state(), runtime.toString());
        assertEquals("1.4.0 failed its health gate: no host running 1.4.0 reported within 3s (--restart-timeout): the"
                + " container runtime did not start one, or it exited at start before its agent reported",
                journal.gateFailure());
        fx.awaitServing("1.0.0");
        fx.assertTargetIs(fx.v100);
        assertEquals(List.of("1.4.0"), fx.quarantined());
    }

    @Test
    void onExit_swapsAhead_andTheNewVersionRunsOnceTheHostExitsOnItsOwn() throws Exception {
        fx = new SidecarFixture(dir);
        startRuntime();
        long oldPid = Hosts.recordedPid(fx.home).orElseThrow();
        ChildProcess watcher = watch("on-exit");

        fx.stage(fx.v110, "1.1.0");

        SidecarOutput.await(watcher, "swapped to 1.1.0; it starts when the host (pid " + oldPid + ") exits on"
                + " its own (apply=on-exit)", EXIT);
        fx.assertTargetIs(fx.v110);
        await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(2)).until(() -> "1.0.0".equals(Hosts.version(fx.port)));

        Hosts.get(fx.port, "/exit?code=0");

        fx.awaitServing("1.1.0");
        assertEquals(SwapState.COMMITTED, fx.awaitFinishedJournal().state());
    }

    @Test
    @DisabledOnOs(value = OS.WINDOWS, disabledReason = "the sidecar's SIGTERM is Process.destroy(), no signal"
            + " there: the host does not exit with 143")
    void aHostWhoseAgentDoesNotAnswer_getsSigtermWhenItsPidIsVisible() throws Exception {
        fx = new SidecarFixture(dir, "ignoreExitRequests=true");
        startRuntime();
        long oldPid = Hosts.recordedPid(fx.home).orElseThrow();
        ChildProcess watcher = watch("immediate");

        fx.stage(fx.v110, "1.1.0");

        fx.awaitServing("1.1.0");
        assertEquals(SwapState.COMMITTED, fx.awaitFinishedJournal().state());
        SidecarOutput.await(watcher, "the host (pid " + oldPid + ") did not exit within 2s; sending"
                + " SIGTERM", EXIT);
        assertEquals(List.of(143), runtime.exits());
    }

    @Test
    void anExitRequestLeftByAKilledSidecar_isRemovedAtStart_beforeTheRestartedHostCanObeyIt() throws Exception {
        fx = new SidecarFixture(dir);
        Path request = Files.createDirectories(fx.home.resolve("requests")).resolve("exit.json");
        // what a watcher killed mid-stop leaves behind; in a container the restarted host often has the same pid
        Files.writeString(request, "{\"reason\":\"updater-sidecar: 1.1.0 is installed\",\"pid\":1,"
                + "\"startedAt\":\"2026-02-07T12:00:00Z\"}");

        ChildProcess watcher = watch("immediate");

        SidecarOutput.await(watcher, "removed a stale exit request an earlier sidecar left behind (" + request + ")",
                EXIT);
        assertTrue(!Files.exists(request));
    }

    @Test
    @DisabledOnOs(value = OS.WINDOWS, disabledReason = "Process.destroy() is not a signal there: no shutdown hooks run")
    void sigterm_stopsTheWatcher_andLeavesTheHostRunning() throws Exception {
        fx = new SidecarFixture(dir);
        startRuntime();
        long hostPid = Hosts.recordedPid(fx.home).orElseThrow();
        ChildProcess watcher = watch("immediate");

        watcher.term();

        assertEquals(143, watcher.awaitExit(EXIT));
        assertEquals("1.0.0", Hosts.version(fx.port));
        assertEquals(hostPid, Hosts.recordedPid(fx.home).orElseThrow().longValue());
    }
}
