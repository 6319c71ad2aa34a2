package dev.updater.sidecar.cli;

import dev.updater.core.Sha256;
import dev.updater.core.home.SwapJournal;
import dev.updater.core.json.Json;
import dev.updater.core.home.SwapState;
import dev.updater.core.manifest.ArchiveFormat;
import dev.updater.core.testing.ChildProcess;
import dev.updater.core.testing.PosixModes;
import dev.updater.sidecar.swap.CrashPoint;
import dev.updater.sidecar.testhost.ContainerRuntime;
import dev.updater.sidecar.testhost.Distributions;
import dev.updater.sidecar.testhost.Hosts;
import dev.updater.sidecar.testhost.SidecarOutput;
import dev.updater.sidecar.testhost.Staging;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static dev.updater.sidecar.testhost.Distributions.hashes;
import static dev.updater.sidecar.testhost.Distributions.list;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Archive releases under {@code run} with a real host (DESIGN §5 "Archives"): a distribution
 * ({@code bin/app} script, {@code lib/app.jar}, {@code config/app.properties}) installed as
 * {@code APP/releases/<v>/} behind {@code APP/current}, the host started through {@code APP/current/bin/app}
 * ({@link Distributions#hostCommand}: {@code java -jar APP/current/lib/app.jar} on Windows);
 * a release that fails its gate; and a sidecar killed mid-swap.
 */
class ArchiveRunIT {
    private static final Duration EXIT = Duration.ofSeconds(30);
    private static final List<String> CONFIG = Distributions.CONFIG;

    @TempDir
    Path dir;

    private SidecarFixture fx;
    private Path app;
    private Path target;
    private ContainerRuntime runtime;

    @BeforeEach
    void firstReleaseUnpackedByHand() throws Exception {
        fx = new SidecarFixture(dir);
        app = Files.createDirectories(dir.resolve("app"));
        target = Distributions.installFirstByHand(dir, app, "1.0.0", fx.v100);
    }

    @AfterEach
    void killEverything() {
        if (runtime != null) {
            runtime.close();
        }
        fx.close();
    }

    @Test
    void aDistributionZip_isInstalledAsANewReleaseFolder_andAFailingTarGzMovesTheLinkBack_leavingTheFolderAsItWas()
            throws Exception {
        ChildProcess sidecar = fx.sidecar(List.of(), runArgs());
        fx.awaitServing("1.0.0");
        Files.writeString(app.resolve("current/config/app.properties"), "port=9090\n"); // the operator's edit
        Map<String, String> first = hashes(app.resolve("releases/1.0.0"));

        stage("1.1.0", fx.v110, ArchiveFormat.ZIP);

        fx.awaitServedBy(sidecar, "1.1.0");
        SwapJournal installed = fx.awaitFinishedJournal();
        assertEquals(SwapState.COMMITTED, installed.state(), fx.dump());
        assertEquals(Path.of("releases/1.1.0"), Files.readSymbolicLink(app.resolve("current")));
        assertEquals(Sha256.ofFile(fx.v110), Sha256.ofFile(app.resolve("releases/1.1.0/lib/app.jar")));
        if (PosixModes.supported(dir)) {
            assertEquals("rwxr-xr-x", PosixModes.of(app.resolve("releases/1.1.0/bin/app")));
        }
        assertEquals("port=9090\n", Files.readString(app.resolve("current/config/app.properties")), "kept");
        assertEquals("port=8080\nrelease=1.1.0\n", Files.readString(app.resolve("current/config/app.properties.new")));
        assertEquals(first, hashes(app.resolve("releases/1.0.0")), "the previous folder, the backup, is untouched");
        assertTrue(fx.history().stream().anyMatch(e -> ("releases/1.1.0: config/app.properties was changed here: kept,"
                + " the release's own is config/app.properties.new").equals(e.detail())), fx.history().toString());
        assertFalse(Files.exists(fx.home.resolve("releases/1.1.0")), "the staged copy is gone once installed");
        Map<String, String> good = hashes(app.resolve("releases/1.1.0"));

        stage("1.2.0", fx.v120exits, ArchiveFormat.TAR_GZ);

        fx.awaitOrDump("the install of 1.2.0 finished", () -> fx.journal().filter(j -> j.state().isFinished()
                && j.to().version().toString().equals("1.2.0")).isPresent());
        SwapJournal failed = fx.awaitFinishedJournal();
        assertEquals(SwapState.ROLLED_BACK, failed.state(), fx.dump());
        assertEquals("1.2.0 failed its health gate: the host exited with code 3 before it passed", failed.gateFailure());
        fx.awaitServedBy(sidecar, "1.1.0");
        assertEquals(Path.of("releases/1.1.0"), Files.readSymbolicLink(app.resolve("current")));
        assertEquals(good, hashes(app.resolve("releases/1.1.0")), "the folder rolled back to, byte for byte");
        assertEquals(List.of("1.2.0"), fx.quarantined());
        assertEquals(List.of("installed 1.1.0", "installed 1.1.0", "healthy 1.1.0", "installed 1.2.0", "installed 1.2.0", "failed 1.2.0",
                "quarantined 1.2.0", "rolled-back 1.1.0"), fx.events());
        assertEquals("1.1.0", fx.updateHome.installedRecord().read().orElseThrow().version().toString());
        fx.awaitOrDump("the failed folder dropped, the last step of settling", // kept, pruning by version would keep
                () -> List.of(".1.1.0.config.sha256", "1.0.0", "1.1.0").equals(list(app.resolve("releases")))); // it over the backups
        CliRun status = CliRun.run("status", "--home", fx.home.toString());
        assertTrue(status.out().contains("\n              release folder " + app.resolve("releases/1.1.0") + ", via "
                + app.resolve("current") + "\n"), status.out());
    }

    @Test
    void rollback_movesTheLinkBackToThePreviousFolder_holdsBackTheOther_andStatusNamesTheFolder() throws Exception {
        fx.sidecar(List.of(), runArgs());
        fx.awaitServing("1.0.0");
        Map<String, String> first = hashes(app.resolve("releases/1.0.0"));
        stage("1.1.0", fx.v110, ArchiveFormat.ZIP);
        fx.awaitServing("1.1.0");
        assertEquals(SwapState.COMMITTED, fx.awaitFinishedJournal().state(), fx.dump());
        Map<String, String> second = hashes(app.resolve("releases/1.1.0"));

        CliRun rollback = CliRun.run("rollback", "--home", fx.home.toString(), "--yes");

        assertEquals(0, rollback.exitCode(), rollback.toString());
        assertTrue(rollback.out().endsWith("to roll back to 1.0.0; waiting for its health gate (up to 5m).\n"
                + "Rolled back to 1.0.0; it passed its health gate.\n"), rollback.out());
        assertEquals("1.0.0", Hosts.version(fx.port));
        assertEquals(Path.of("releases/1.0.0"), Files.readSymbolicLink(app.resolve("current")));
        assertEquals(first, hashes(app.resolve("releases/1.0.0")), "moved back to, never written");
        assertEquals(second, hashes(app.resolve("releases/1.1.0")), "kept as it was");
        assertEquals(List.of("1.1.0"), fx.quarantined());
        assertTrue(fx.updateHome.quarantineList().read().orElseThrow().versions().get(0).held(), "held back, not failed");
        assertEquals(List.of("installed 1.1.0", "installed 1.1.0", "healthy 1.1.0", "rolled-back 1.0.0", "held 1.1.0",
                "healthy 1.0.0"), fx.events());
        assertTrue(fx.history().stream().anyMatch(e -> ("rolled back " + app.resolve("current") + " from releases/1.1.0"
                + " to releases/1.0.0 by an operator's request").equals(e.detail())), fx.history().toString());
        CliRun status = CliRun.run("status", "--home", fx.home.toString(), "--json");
        assertEquals(app.resolve("releases/1.0.0").toString(),
                Json.mapper().readTree(status.out()).at("/installed/releaseFolder").asText(), status.out());

        CliRun again = CliRun.run("rollback", "--home", fx.home.toString(), "--yes");

        assertEquals(1, again.exitCode(), again.toString());
        assertEquals("There is no release folder to roll back to in " + app.resolve("releases") + ": each install"
                + " keeps the folders it replaced (--keep-backups of them), and none older than the one "
                + app.resolve("current") + " points at is there.\n", again.err());
        assertEquals(Path.of("releases/1.0.0"), Files.readSymbolicLink(app.resolve("current")));
    }

    /** Journal {@code prepared}, {@code swapped}, and the new host started: recovery ends on a complete folder. */
    @ParameterizedTest(name = "halted at {0}")
    @EnumSource(value = CrashPoint.class, names = {"AFTER_PREPARED", "AFTER_SWAPPED", "AFTER_HOST_START"})
    void aSidecarKilledMidSwap_leavesTheLinkOnAWholeFolder_andTheNextOneFinishes(CrashPoint point) throws Exception {
        Map<String, String> old = hashes(app.resolve("releases/1.0.0"));
        List<String> crash = List.of("-D" + CrashPoint.PROPERTY + "=" + point.pointName());
        ChildProcess crashing = fx.sidecar(crash, runArgs());
        fx.awaitServing("1.0.0");

        Path staged = stage("1.1.0", fx.v110, ArchiveFormat.TAR_GZ); // the other format: installed, crashed, recovered
        Map<String, String> unpacked = hashes(staged);

        assertEquals(CrashPoint.HALT_STATUS, crashing.awaitExitAfterLine(CrashRecoveryIT.halting(point), EXIT),
                crashing.toString());
        // a first release unpacked by hand has no record of the config it shipped: its config counts as changed
        Map<String, String> installed = new TreeMap<>(unpacked);
        installed.put("config/app.properties", old.get("config/app.properties"));
        installed.put("config/app.properties.new", unpacked.get("config/app.properties"));
        Path pointsAt = Files.readSymbolicLink(app.resolve("current"));
        assertEquals(pointsAt.equals(Path.of("releases/1.0.0")) ? old : installed, hashes(app.resolve(pointsAt)),
                "after the crash current -> " + pointsAt + ", a whole folder");

        ChildProcess recovering = fx.sidecar(List.of(), runArgs());

        fx.awaitServedBy(recovering, "1.1.0");
        assertEquals(SwapState.COMMITTED, fx.awaitFinishedJournal().state(), fx.dump());
        assertEquals(Path.of("releases/1.1.0"), Files.readSymbolicLink(app.resolve("current")));
        assertEquals(installed, hashes(app.resolve("releases/1.1.0")));
        assertEquals(old, hashes(app.resolve("releases/1.0.0")));
        assertEquals(List.of(".1.1.0.config.sha256", "1.0.0", "1.1.0"), list(app.resolve("releases")),
                "no half-copied folder left");
        assertEquals(List.of("current", "releases"), list(app), "no temporary link left");
        fx.awaitOrDump("staged.json consumed", () -> !Files.exists(fx.updateHome.stagedRecord().path()));
    }

    /**
     * The fallback layout of docs/archives.md "Windows": no link, {@code APP/current.json} names the folder, and
     * the sidecar as launcher starts {@code APP/current/bin/app} from that folder at every start.
     */
    @Test
    void currentJson_anInstallRewritesTheRecord_andAFailingReleaseRewritesItBack_theHostStartedFromTheFolderNamed()
            throws Exception {
        Files.delete(app.resolve("current"));
        Files.writeString(app.resolve("current.json"), "{\"folder\": \"releases/1.0.0\"}");
        ChildProcess sidecar = fx.sidecar(List.of(), runArgs());
        fx.awaitServing("1.0.0");

        stage("1.1.0", fx.v110, ArchiveFormat.ZIP);

        fx.awaitServedBy(sidecar, "1.1.0");
        assertEquals(SwapState.COMMITTED, fx.awaitFinishedJournal().state(), fx.dump());
        assertEquals("releases/1.1.0", Json.mapper().readTree(app.resolve("current.json").toFile()).get("folder").asText());
        Map<String, String> good = hashes(app.resolve("releases/1.1.0"));

        stage("1.2.0", fx.v120exits, ArchiveFormat.TAR_GZ);

        fx.awaitOrDump("the install of 1.2.0 finished", () -> fx.journal().filter(j -> j.state().isFinished()
                && j.to().version().toString().equals("1.2.0")).isPresent());
        assertEquals(SwapState.ROLLED_BACK, fx.awaitFinishedJournal().state(), fx.dump());
        fx.awaitServedBy(sidecar, "1.1.0");
        assertEquals("releases/1.1.0", Json.mapper().readTree(app.resolve("current.json").toFile()).get("folder").asText());
        assertEquals(good, hashes(app.resolve("releases/1.1.0")), "the folder rolled back to, byte for byte");
        assertEquals(List.of("current.json", "releases"), list(app), "no link made, no temporary file left");
        assertEquals(List.of("1.2.0"), fx.quarantined());
        String from = "starting the host from " + app.resolve("releases/%s") + ", the folder " + app.resolve("current.json")
                + " names (" + app.resolve("current") + "/... in the command is run from there)";
        assertEquals(List.of(from.formatted("1.0.0"), from.formatted("1.1.0"), from.formatted("1.2.0"),
                from.formatted("1.1.0")), SidecarOutput.messages(sidecar).stream()
                .filter(m -> m.startsWith("starting the host from ")).toList(), sidecar.toString());
    }

    /** watch does not launch the host, so it cannot start it from the folder current.json names: refused at once. */
    @Test
    void watch_refusesTheCurrentJsonLayout_sayingToUseRun() throws Exception {
        Files.delete(app.resolve("current"));
        Files.writeString(app.resolve("current.json"), "{\"folder\": \"releases/1.0.0\"}");

        CliRun watch = CliRun.run("watch", "--home", fx.home.toString(), "--target", target.toString());

        assertEquals(1, watch.exitCode(), watch.toString());
        assertEquals("watch cannot update " + app + ": it uses " + app.resolve("current.json") + " instead of the link "
                + app.resolve("current") + ", and only the sidecar as launcher (run) starts the host from the folder that"
                + " record names; nothing was changed. Use run, or make current a link to releases/<version> and delete"
                + " current.json (see docs/archives.md).\n", watch.err());
        assertEquals("{\"folder\": \"releases/1.0.0\"}", Files.readString(app.resolve("current.json")));
        assertEquals(List.of("current.json", "releases"), list(app));
    }

    /** Container mode: the agent of an archive host reports its jar's hash, never the archive's. */
    @Test
    void watch_swapsTheLinkWhileTheHostRuns_andGatesTheHostTheRuntimeRestartsFromTheNewFolder() throws Exception {
        runtime = new ContainerRuntime(ChildProcess.java("-jar", target, "--home", fx.home, "--port", fx.port),
                Duration.ofMillis(200));
        fx.awaitServing("1.0.0");
        long oldPid = fx.awaitRecordedPid();
        ChildProcess watcher = fx.sidecar(List.of(), List.of("watch", "--home", fx.home.toString(), "--apply", "immediate",
                "--health-url", fx.healthUrl(), "--min-uptime", "300ms", "--health-timeout", "5s", "--stop-timeout", "2s",
                "--restart-timeout", "10s", "--target", target.toString()));

        stage("1.1.0", fx.v110, ArchiveFormat.ZIP);

        fx.awaitServing("1.1.0");
        SwapJournal journal = fx.awaitFinishedJournal();
        assertEquals(SwapState.COMMITTED, journal.state(), watcher + "\n" + runtime);
        assertEquals(Path.of("releases/1.1.0"), Files.readSymbolicLink(app.resolve("current")));
        SidecarOutput.await(watcher, "asking the host (pid " + oldPid + ") to exit, so that the container"
                + " runtime starts it on 1.1.0", EXIT);
        assertEquals(List.of(0), runtime.exits(), "the old host exited once, asked; the new one was not");
        assertEquals(List.of("installed 1.1.0", "installed 1.1.0", "healthy 1.1.0"), fx.events());
    }

    private List<String> runArgs() {
        List<String> args = new ArrayList<>(List.of("run", "--home", fx.home.toString(), "--apply", "immediate",
                "--health-url", fx.healthUrl(), "--min-uptime", "300ms", "--health-timeout", "5s", "--stop-timeout", "2s",
                "--target", target.toString(), "--"));
        args.addAll(Distributions.hostCommand(app));
        args.addAll(List.of("--home", fx.home.toString(), "--port", String.valueOf(fx.port)));
        return args;
    }

    /** Stages version's distribution as the agent does; returns the unpacked release root in the home. */
    private Path stage(String version, Path jar, ArchiveFormat format) throws Exception {
        return fx.home.resolve(Staging.stageArchive(fx.home, Distributions.write(dir, version, jar, format), version, format,
                CONFIG).tree());
    }
}
