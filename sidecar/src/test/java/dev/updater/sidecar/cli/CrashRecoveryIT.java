package dev.updater.sidecar.cli;

import dev.updater.core.home.InstalledRelease;
import dev.updater.core.home.JsonRecords;
import dev.updater.sidecar.swap.CrashPoint;
import dev.updater.sidecar.swap.SwapJournal;
import dev.updater.sidecar.swap.SwapState;
import dev.updater.sidecar.testhost.ChildJvm;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The crash-safety matrix (DESIGN §5): a sidecar halted at every named point of the swap — each
 * journal state and between the file operations, on the install path with a good release and on
 * the rollback path with one that exits at start — and a fresh sidecar that recovers. Whatever the
 * point, the target is byte for byte the old or the new artifact, recovery completes, and the host serves.
 */
class CrashRecoveryIT {
    private static final Duration EXIT = Duration.ofSeconds(30);
    private static final String CRASH = "-D" + CrashPoint.PROPERTY + "=";

    @TempDir
    Path dir;

    private SidecarFixture fx;

    @AfterEach
    void killEverything() {
        if (fx != null) {
            fx.close();
        }
    }

    @ParameterizedTest(name = "halted at {0}")
    @EnumSource(CrashPoint.class)
    void aSidecarHaltedMidSwap_leavesTheOldOrTheNewBytes_andTheNextSidecarFinishesTheJob(CrashPoint point)
            throws Exception {
        fx = new SidecarFixture(dir);
        boolean failing = point.onRollbackPath();
        Path release = failing ? fx.v120exits : fx.v110;
        String version = failing ? "1.2.0" : "1.1.0";
        ChildJvm crashing = fx.sidecar(List.of(CRASH + point.pointName()), fx.runArgs("immediate"));
        fx.awaitServing("1.0.0");

        fx.stage(release, version);

        assertEquals(CrashPoint.HALT_STATUS, crashing.awaitExit(EXIT), crashing.toString());
        assertTrue(crashing.hasLine("updater-sidecar: halting at crash point " + point.pointName()
                + " (updater.test.crashAt, test only)"), crashing.toString());
        byte[] onDisk = Files.readAllBytes(fx.target);
        assertTrue(Arrays.equals(onDisk, Files.readAllBytes(fx.v100)) || Arrays.equals(onDisk, Files.readAllBytes(release)),
                "after the crash the target is byte for byte 1.0.0 or " + version);

        ChildJvm recovering = fx.run("immediate");

        String expected = failing ? "1.0.0" : version;
        fx.awaitServedBy(recovering, expected);
        SwapJournal journal = fx.awaitFinishedJournal();
        assertEquals(failing ? SwapState.ROLLED_BACK : SwapState.COMMITTED, journal.state(), recovering.toString());
        await().atMost(EXIT).until(() -> !Files.exists(fx.updateHome.stagedRecord()));
        fx.assertTargetIs(failing ? fx.v100 : release);
        fx.assertNoTempFiles();
        assertEquals(expected, JsonRecords.read(fx.updateHome.installedRecord(), InstalledRelease.class)
                .orElseThrow().version());
        assertEquals(failing ? List.of("1.2.0") : List.of(), fx.quarantined());

        recovering.term();
        assertEquals(143, recovering.awaitExit(EXIT), recovering.toString());
    }

    @Test
    void aSwapThatKeepsBeingCutShort_isRolledBackAndQuarantinedByTheLoopBreaker() throws Exception {
        fx = new SidecarFixture(dir);
        List<String> crashInGate = List.of(CRASH + CrashPoint.AFTER_VERIFYING.pointName());
        ChildJvm first = fx.sidecar(crashInGate, fx.runArgs("immediate"));
        fx.awaitServing("1.0.0");
        fx.stage(fx.v110, "1.1.0");
        assertEquals(CrashPoint.HALT_STATUS, first.awaitExit(EXIT), first.toString());
        for (int resume = 1; resume <= 2; resume++) {
            ChildJvm again = fx.sidecar(crashInGate, fx.runArgs("immediate"));
            assertEquals(CrashPoint.HALT_STATUS, again.awaitExit(EXIT), again.toString());
            assertTrue(again.hasLine("updater-sidecar: found an unfinished install of 1.1.0 over 1.0.0 (verifying);"
                    + " the target holds 1.1.0; resume " + resume + " of 2"), again.toString());
        }

        ChildJvm last = fx.sidecar(crashInGate, fx.runArgs("immediate"));

        SwapJournal journal = fx.awaitFinishedJournal();
        assertEquals(SwapState.ROLLED_BACK, journal.state());
        assertEquals("gave up the install of 1.1.0 over 1.0.0: a sidecar stopped during it 3 times",
                journal.gateFailure());
        fx.awaitServedBy(last, "1.0.0");
        fx.assertTargetIs(fx.v100);
        assertEquals(List.of("1.1.0"), fx.quarantined());
        assertTrue(last.hasLine("updater-sidecar: gave up the install of 1.1.0 over 1.0.0: a sidecar stopped during"
                + " it 3 times"), last.toString());
    }
}
