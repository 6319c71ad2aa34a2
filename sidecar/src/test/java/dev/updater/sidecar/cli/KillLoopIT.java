package dev.updater.sidecar.cli;

import dev.updater.core.archive.ArchiveLimits;
import dev.updater.core.archive.Unpacker;
import dev.updater.core.home.SwapState;
import dev.updater.core.manifest.ArchiveFormat;
import dev.updater.core.testing.ChildProcess;
import dev.updater.sidecar.testhost.Distributions;
import dev.updater.sidecar.testhost.Staging;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

import static dev.updater.sidecar.testhost.Distributions.hashes;
import static dev.updater.sidecar.testhost.Distributions.list;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * {@code kill -9} of the sidecar at random moments of real swaps, again and again, of a single jar and of
 * a distribution zip behind {@code APP/current}: after each kill the target is the old or the new release,
 * whole, and a fresh sidecar finishes the install. Every other kill takes the host along (systemd kills a
 * service's whole cgroup); the others leave it running, and the new sidecar must stop that orphan first:
 * never two hosts at once.
 *
 * <p>The moments are stratified, not merely random: kill {@code k} of {@code n} lands at a random
 * moment of the {@code k}-th of {@code n} equal slices of the window, so every run hits every slice once
 * (30 uniform kills would miss a given 100 ms slice in 7% of runs). The narrow windows between two steps
 * are halted at deterministically by {@code CrashRecoveryIT} and {@code ArchiveRunIT}. The property
 * {@code killLoop.kills} sets the number of kills of both variants.
 */
class KillLoopIT {
    private static final Integer KILLS = Integer.getInteger("killLoop.kills");
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

    @Test
    void kill9AtRandomMomentsOfRealSwaps_alwaysLeavesTheOldOrNewBytes_andTheNextSidecarFinishes() throws Exception {
        fx = new SidecarFixture(dir);
        loop(new SingleJar(), KILLS == null ? 12 : KILLS);
    }

    @Test
    void kill9AtRandomMomentsOfDistributionSwaps_alwaysLeavesCurrentOnAWholeFolder_andTheNextSidecarFinishes()
            throws Exception {
        fx = new SidecarFixture(dir);
        loop(new Distribution(), KILLS == null ? 8 : KILLS);
    }

    /** Swaps between 1.0.0 and 1.1.0, killing the sidecar during each; odd kills take the host along. */
    private void loop(Layout layout, int kills) throws Exception {
        long seed = System.nanoTime();
        Random random = new Random(seed);
        Map<String, Integer> landedAt = new TreeMap<>();
        String current = "1.0.0";
        ChildProcess sidecar = fx.sidecar(List.of(), layout.runArgs());
        fx.awaitServing(current);
        int slice = WINDOW_MILLIS / kills;
        for (int kill = 1; kill <= kills; kill++) {
            String next = current.equals("1.0.0") ? "1.1.0" : "1.0.0";
            layout.stage(next);
            int after = (kill - 1) * slice + random.nextInt(slice);
            Thread.sleep(after); // the random moment is the point of this test: no condition to wait for

            boolean hostToo = kill % 2 == 1;
            if (hostToo) {
                sidecar.kill9WithChildren();
            } else {
                sidecar.kill9();
            }

            String where = "kill " + kill + " of " + kills + (hostToo ? " (host too)" : " (host left running)")
                    + ", " + after + " ms after staging " + next + " (seed " + seed + ")";
            landedAt.merge(fx.journal().filter(j -> j.to().version().toString().equals(next))
                    .map(j -> j.state().label()).orElse("not begun"), 1, Integer::sum);
            layout.assertOldOrNew(where, current, next);
            sidecar = fx.sidecar(List.of(), layout.runArgs());
            fx.awaitServedBy(sidecar, next);
            await().atMost(SidecarFixture.PATIENCE).alias(where + ": staged.json consumed and the journal finished")
                    .until(() -> !Files.exists(fx.updateHome.stagedRecord().path())
                            && !Files.exists(fx.updateHome.release(next))
                            && fx.journal().map(j -> j.state().isFinished()).orElse(true));
            assertEquals(SwapState.COMMITTED, fx.journal().orElseThrow().state(), where + "\n" + fx.dump());
            layout.assertInstalled(where, current, next);
            current = next;
        }
        System.out.println(layout.getClass().getSimpleName() + ": the " + kills + " kills landed with the journal "
                + landedAt + " (seed " + seed + ")"); // shows which steps a run hit
    }

    /** What a variant installs and checks. */
    private interface Layout {
        List<String> runArgs();

        void stage(String version) throws Exception;

        /** Right after the kill, before the next sidecar starts. */
        void assertOldOrNew(String where, String current, String next) throws Exception;

        /** Once the next sidecar finished the install. */
        void assertInstalled(String where, String previous, String next) throws Exception;
    }

    /** The target {@code opt/app.jar} is replaced by a rename. */
    private final class SingleJar implements Layout {
        @Override
        public List<String> runArgs() {
            return fx.runArgs("immediate");
        }

        @Override
        public void stage(String version) throws Exception {
            fx.stage(jar(version), version);
        }

        @Override
        public void assertOldOrNew(String where, String current, String next) throws Exception {
            byte[] onDisk = Files.readAllBytes(fx.target);
            assertTrue(Arrays.equals(onDisk, Files.readAllBytes(jar(current))) || Arrays.equals(onDisk, Files.readAllBytes(jar(next))),
                    where + ": the target is neither the old nor the new artifact");
        }

        @Override
        public void assertInstalled(String where, String previous, String next) throws Exception {
            fx.assertTargetIs(jar(next));
            fx.assertNoTempFiles();
        }

        private Path jar(String version) {
            return version.equals("1.0.0") ? fx.v100 : fx.v110;
        }
    }

    /**
     * A {@code bin/}+{@code lib/}+{@code config/} zip installed as {@code APP/releases/<v>/} behind the link
     * {@code APP/current}, the host started through {@code APP/current/bin/app} ({@link Distributions#hostCommand};
     * {@code java -jar APP/current/lib/app.jar} on Windows). The operator changed the
     * config of the first release, so every install keeps that change and writes the release's own as
     * {@code config/app.properties.new}.
     */
    private final class Distribution implements Layout {
        private static final String CONFIG = Distributions.CONFIG.get(0);

        private final Path app;
        private final Path target;
        /** What each release folder holds once installed over a folder with the operator's config. */
        private final Map<String, Map<String, String>> installed = new HashMap<>();
        /** What each release folder holds now, as far as the test knows: the backup must stay as it is. */
        private final Map<String, Map<String, String>> folders = new HashMap<>();

        Distribution() throws Exception {
            app = Files.createDirectories(dir.resolve("app"));
            target = Distributions.installFirstByHand(dir, app, "1.0.0", fx.v100);
            Files.writeString(app.resolve("current").resolve(CONFIG), "port=9090\n"); // the operator's edit
            folders.put("1.0.0", hashes(app.resolve("releases/1.0.0")));
            String edited = folders.get("1.0.0").get(CONFIG);
            for (String version : List.of("1.0.0", "1.1.0")) {
                Path unpacked = Unpacker.unpack(archive(version), ArchiveFormat.ZIP, dir.resolve("expected-" + version),
                        ArchiveLimits.DEFAULT).folder();
                Map<String, String> files = new TreeMap<>(hashes(Unpacker.releaseRoot(unpacked)));
                files.put(CONFIG + ".new", files.get(CONFIG));
                files.put(CONFIG, edited);
                installed.put(version, files);
            }
        }

        @Override
        public List<String> runArgs() {
            List<String> args = new ArrayList<>(List.of("run", "--home", fx.home.toString(), "--apply", "immediate",
                    "--health-url", fx.healthUrl(), "--min-uptime", "300ms", "--health-timeout", "5s", "--stop-timeout",
                    "2s", "--target", target.toString(), "--"));
            args.addAll(Distributions.hostCommand(app));
            args.addAll(List.of("--home", fx.home.toString(), "--port", String.valueOf(fx.port)));
            return args;
        }

        @Override
        public void stage(String version) throws Exception {
            Staging.stageArchive(fx.home, archive(version), version, ArchiveFormat.ZIP, Distributions.CONFIG);
        }

        @Override
        public void assertOldOrNew(String where, String current, String next) throws Exception {
            Path pointsAt = Files.readSymbolicLink(app.resolve("current"));
            if (pointsAt.equals(Path.of("releases", current))) {
                assertEquals(folders.get(current), hashes(app.resolve(pointsAt)), where + ": the old folder changed");
            } else if (pointsAt.equals(Path.of("releases", next))) {
                assertEquals(installed.get(next), hashes(app.resolve(pointsAt)), where + ": the new folder is not whole");
            } else {
                fail(where + ": current -> " + pointsAt + ", neither releases/" + current + " nor releases/" + next);
            }
        }

        @Override
        public void assertInstalled(String where, String previous, String next) throws Exception {
            assertEquals(Path.of("releases", next), Files.readSymbolicLink(app.resolve("current")), where);
            assertEquals(installed.get(next), hashes(app.resolve("releases").resolve(next)), where + ": the installed folder");
            assertEquals(folders.get(previous), hashes(app.resolve("releases").resolve(previous)),
                    where + ": the previous folder, the backup");
            assertEquals(List.of("current", "releases"), list(app), where + ": no temporary link left");
            assertEquals(List.of("1.0.0", "1.1.0"), list(app.resolve("releases")).stream()
                    .filter(name -> !name.endsWith(".config.sha256")).toList(), where + ": no .installing folder left");
            folders.put(next, installed.get(next));
        }

        private Path archive(String version) throws Exception {
            return Distributions.write(dir, version, version.equals("1.0.0") ? fx.v100 : fx.v110, ArchiveFormat.ZIP);
        }
    }
}
