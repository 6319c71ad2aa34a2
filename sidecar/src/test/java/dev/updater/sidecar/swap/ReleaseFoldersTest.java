package dev.updater.sidecar.swap;

import dev.updater.core.home.Quarantine;
import dev.updater.core.version.ReleaseVersion;
import dev.updater.core.testing.PosixModes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

class ReleaseFoldersTest {
    private static final List<String> CONFIG = List.of("config/app.properties", "config/logging.properties");

    @TempDir
    Path dir;

    @Test
    void install_thenPointCurrent_runsTheHostFromTheNewFolder_withModesKept() throws Exception {
        Path app = Files.createDirectories(dir.resolve("app"));
        Path tree = staged("1.0.0", "port=8080\n");

        ReleaseFolders.Installed installed = ReleaseFolders.install(tree, app, v("1.0.0"), CONFIG, null, null);
        ReleaseFolders.pointCurrent(app, v("1.0.0"), "t1");

        assertEquals(app.resolve("releases/1.0.0"), installed.folder());
        assertEquals(Path.of("releases/1.0.0"), Files.readSymbolicLink(app.resolve("current")), "a relative link");
        assertEquals(Optional.of("1.0.0"), ReleaseFolders.current(app));
        assertEquals("echo 1.0.0\n", Files.readString(app.resolve("current/bin/app")));
        assertEquals(List.of(".1.0.0.config.sha256", "1.0.0"), list(app.resolve("releases")), "no temporary folder left");
        assertEquals(List.of("current", "releases"), list(app), "no temporary link left");
        if (PosixModes.supported(dir)) {
            assertEquals("rwxr-xr-x", PosixModes.of(app.resolve("current/bin/app")));
        }
    }

    @Test
    void install_keepsAConfigFileTheOperatorChanged_writingTheReleasesOwnAsDotNew_andReplacesAnUnchangedOne()
            throws Exception {
        Path app = Files.createDirectories(dir.resolve("app"));
        Path first = ReleaseFolders.install(staged("1.0.0", "port=8080\n"), app, v("1.0.0"), CONFIG, null, null).folder();
        ReleaseFolders.pointCurrent(app, v("1.0.0"), "t1");
        Files.writeString(app.resolve("current/config/app.properties"), "port=9090\n"); // the operator's edit

        ReleaseFolders.Installed second = ReleaseFolders.install(staged("1.1.0", "port=8080\nthreads=4\n"), app,
                v("1.1.0"), CONFIG, first, null);

        Path folder = second.folder();
        assertEquals("port=9090\n", Files.readString(folder.resolve("config/app.properties")), "the operator's kept");
        assertEquals("port=8080\nthreads=4\n", Files.readString(folder.resolve("config/app.properties.new")));
        assertEquals("level=1.1.0\n", Files.readString(folder.resolve("config/logging.properties")),
                "unchanged since 1.0.0 shipped it: replaced");
        assertFalse(Files.exists(folder.resolve("config/logging.properties.new")));
        assertEquals(List.of("config/app.properties was changed here: kept, the release's own is"
                + " config/app.properties.new"), second.keptConfig());
        assertEquals("port=9090\n", Files.readString(first.resolve("config/app.properties")), "the old folder as it was");
        assertEquals(Optional.of("1.0.0"), ReleaseFolders.current(app), "installing a folder does not move the link");
    }

    @Test
    void pointCurrent_back_isTheRollback_andPruneKeepsTheNewestAndTheCurrent() throws Exception {
        Path app = Files.createDirectories(dir.resolve("app"));
        for (String version : List.of("1.0.0", "1.1.0", "1.2.0", "1.3.0")) {
            ReleaseFolders.install(staged(version, "port=1\n"), app, v(version), CONFIG, null, null);
        }
        ReleaseFolders.pointCurrent(app, v("1.3.0"), "t1");
        ReleaseFolders.pointCurrent(app, v("1.0.0"), "t2");

        assertEquals("echo 1.0.0\n", Files.readString(app.resolve("current/bin/app")));
        assertEquals(List.of("1.1.0"), ReleaseFolders.prune(app, 2, Quarantine.NONE), "1.0.0 is current, 1.3.0 and 1.2.0 the newest");
        assertEquals(List.of(".1.0.0.config.sha256", ".1.2.0.config.sha256", ".1.3.0.config.sha256", "1.0.0", "1.2.0",
                "1.3.0"), list(app.resolve("releases")));
    }

    @Test
    void prune_deletesTheFoldersOfQuarantinedVersions_whichTakeNoPlaceAmongTheKept() throws Exception {
        Path app = Files.createDirectories(dir.resolve("app"));
        for (String version : List.of("1.0.0", "1.1.0", "1.2.0", "1.3.0")) {
            ReleaseFolders.install(staged(version, "port=1\n"), app, v(version), CONFIG, null, null);
        }
        ReleaseFolders.pointCurrent(app, v("1.3.0"), "t1");
        Quarantine quarantine = Quarantine.NONE.withHeld(v("1.2.0"), "rolled back by an operator", Instant.EPOCH).orElseThrow()
                .with(v("1.3.0"), "failed its health gate", Instant.EPOCH).orElseThrow();

        assertEquals(List.of("1.2.0", "1.0.0"), ReleaseFolders.prune(app, 2, quarantine),
                "1.3.0 is current, so kept though quarantined; 1.1.0 is the newest backup");
        assertEquals(List.of(".1.1.0.config.sha256", ".1.3.0.config.sha256", "1.1.0", "1.3.0"), list(app.resolve("releases")));
    }

    @Test
    void install_ofTheVersionCurrentPointsAt_leavesTheRunningFolderAlone() throws Exception {
        Path app = Files.createDirectories(dir.resolve("app"));
        ReleaseFolders.install(staged("1.0.0", "port=1\n"), app, v("1.0.0"), CONFIG, null, null);
        ReleaseFolders.pointCurrent(app, v("1.0.0"), "t1");
        Files.writeString(app.resolve("current/data.txt"), "the host's");

        ReleaseFolders.install(stagedAgain("1.0.0", "port=2\n"), app, v("1.0.0"), CONFIG, null, null);

        assertEquals("the host's", Files.readString(app.resolve("current/data.txt")));
        assertEquals("port=1\n", Files.readString(app.resolve("current/config/app.properties")));
    }

    private Path stagedAgain(String version, String appProperties) throws Exception {
        return staged(dir.resolve("again"), version, appProperties);
    }

    private Path staged(String version, String appProperties) throws Exception {
        return staged(dir.resolve("staged"), version, appProperties);
    }

    private static Path staged(Path root, String version, String appProperties) throws Exception {
        Path tree = Files.createDirectories(root.resolve(version + "/app-" + version));
        Files.createDirectories(tree.resolve("bin"));
        Files.createDirectories(tree.resolve("lib"));
        Files.createDirectories(tree.resolve("config"));
        Files.writeString(tree.resolve("bin/app"), "echo " + version + "\n");
        PosixModes.setWhereSupported(tree.resolve("bin/app"), "rwxr-xr-x");
        Files.writeString(tree.resolve("lib/app.jar"), "jar " + version);
        Files.createSymbolicLink(tree.resolve("lib/current.jar"), Path.of("app.jar"));
        Files.writeString(tree.resolve("config/app.properties"), appProperties);
        Files.writeString(tree.resolve("config/logging.properties"), "level=" + version + "\n");
        return tree;
    }

    private static ReleaseVersion v(String version) {
        return ReleaseVersion.tryParse(version);
    }

    private static List<String> list(Path folder) throws Exception {
        try (Stream<Path> files = Files.list(folder)) {
            return files.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }
}
