package dev.updater.sidecar.cli;

import dev.updater.core.testing.ChildProcess;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code kill -9} of the sidecar at random moments of real swaps, again and again: after each kill
 * the target is byte for byte the old or the new artifact, and a fresh sidecar finishes the
 * install. Every other kill takes the host along (systemd kills a service's whole cgroup); the
 * others leave it running, and the new sidecar must stop that orphan first: never two hosts at once.
 */
class KillLoopIT {
    private static final int KILLS = Integer.getInteger("killLoop.kills", 30);
    /** Staging to commit takes about this long here; kills land anywhere in it, and a bit after. */
    private static final int WINDOW_MILLIS = 1_200;

    @TempDir
    Path dir;

    private SidecarFixture fx;

    @AfterEach
    void killEverything() {
        if (fx != null) {
            fx.close();
        }
    }

    /** Odd kills take the host along, even kills leave it running. */
    @Test
    void kill9AtRandomMomentsOfRealSwaps_alwaysLeavesTheOldOrNewBytes_andTheNextSidecarFinishes() throws Exception {
        fx = new SidecarFixture(dir);
        long seed = System.nanoTime();
        Random random = new Random(seed);
        Path current = fx.v100;
        ChildProcess sidecar = fx.run("immediate");
        fx.awaitServing("1.0.0");
        for (int kill = 1; kill <= KILLS; kill++) {
            Path next = current == fx.v100 ? fx.v110 : fx.v100;
            String nextVersion = next == fx.v100 ? "1.0.0" : "1.1.0";
            fx.stage(next, nextVersion);
            int after = random.nextInt(WINDOW_MILLIS);
            Thread.sleep(after); // the random moment is the point of this test: no condition to wait for

            boolean hostToo = kill % 2 == 1;
            if (hostToo) {
                sidecar.kill9WithChildren();
            } else {
                sidecar.kill9();
            }

            String where = "kill " + kill + " of " + KILLS + (hostToo ? " (host too)" : " (host left running)")
                    + ", " + after + " ms after staging " + nextVersion + " (seed " + seed + ")";
            byte[] onDisk = Files.readAllBytes(fx.target);
            assertTrue(Arrays.equals(onDisk, Files.readAllBytes(current)) || Arrays.equals(onDisk, Files.readAllBytes(next)),
                    where + ": the target is neither the old nor the new artifact");
            sidecar = fx.run("immediate");
            fx.awaitServedBy(sidecar, nextVersion);
            await().atMost(SidecarFixture.PATIENCE).alias(where + ": staged.json consumed and the journal finished")
                    .until(() -> !Files.exists(fx.updateHome.stagedRecord().path())
                            && fx.journal().map(j -> j.state().isFinished()).orElse(true));
            fx.assertTargetIs(next);
            fx.assertNoTempFiles();
            current = next;
        }
    }
}
