package dev.updater.agent.host;

import dev.updater.core.Sha256;
import dev.updater.core.home.InstalledRelease;
import dev.updater.core.home.UpdateHome;
import dev.updater.core.testing.TestArchives;
import dev.updater.core.version.ReleaseVersion;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;

import static org.junit.jupiter.api.Assertions.assertEquals;

class RunningVersionTest {
    @TempDir
    Path dir;

    @Test
    void revertRelease_runsAsTheVersionItWasInstalledAs_notTheOneItsJarSays() throws Exception {
        Path target = jar("1.1.0");
        UpdateHome home = home();
        Sha256 sha = Sha256.ofFile(target);
        home.installedRecord().write(new InstalledRelease(ReleaseVersion.parse("1.2.1"), sha, target.toString(),
                ReleaseVersion.parse("1.2.0"), Instant.parse("2026-03-01T00:00:00Z")));

        RunningVersion.Found found = RunningVersion.find(null, target, sha, home);

        assertEquals(ReleaseVersion.parse("1.2.1"), found.version());
        assertEquals("installed.json (the bytes of app.jar were installed as 1.2.1; their Implementation-Version"
                + " 1.1.0 is the release they were taken from)", found.source());
    }

    @Test
    void jarVersion_winsWhenInstalledJsonNamesOtherBytes() throws Exception {
        Path target = jar("1.1.0");
        UpdateHome home = home();
        home.installedRecord().write(new InstalledRelease(ReleaseVersion.parse("1.2.1"), Sha256.ofBytes(new byte[] {1}),
                target.toString(), null, null));

        RunningVersion.Found found = RunningVersion.find(null, target, Sha256.ofFile(target), home);

        assertEquals(ReleaseVersion.parse("1.1.0"), found.version(), "installed.json describes bytes no longer there");
        assertEquals("Implementation-Version of app.jar", found.source());
    }

    @Test
    void revertRelease_inTheCurrentJsonLayout_isMatchedThroughTheFolderTheRecordNames() throws Exception {
        Path app = dir.resolve("app");
        Path running = jarAt(app.resolve("releases/1.2.1/lib/app.jar"), "1.1.0"); // what run starts the host from
        Files.writeString(app.resolve("current.json"), "{\"folder\": \"releases/1.2.1\"}");
        UpdateHome home = home();
        Sha256 sha = Sha256.ofFile(running);
        home.installedRecord().write(new InstalledRelease(ReleaseVersion.parse("1.2.1"), sha,
                app.resolve("current/lib/app.jar").toString(), ReleaseVersion.parse("1.2.0"), null));

        RunningVersion.Found found = RunningVersion.find(null, running, sha, home);

        assertEquals(ReleaseVersion.parse("1.2.1"), found.version(), found.source());
        assertEquals("installed.json (the bytes of app.jar were installed as 1.2.1; their Implementation-Version"
                + " 1.1.0 is the release they were taken from)", found.source());
    }

    @Test
    void currentJsonNamingAnotherFolder_holdingTheSameBytes_isNotTheFileTheHostRuns() throws Exception {
        Path app = dir.resolve("app");
        Path running = jarAt(app.resolve("releases/1.2.1/lib/app.jar"), "1.1.0");
        Files.createDirectories(app.resolve("releases/1.2.2/lib"));
        Files.copy(running, app.resolve("releases/1.2.2/lib/app.jar"));
        Files.writeString(app.resolve("current.json"), "{\"folder\": \"releases/1.2.2\"}");
        UpdateHome home = home();
        Sha256 sha = Sha256.ofFile(running);
        home.installedRecord().write(new InstalledRelease(ReleaseVersion.parse("1.2.2"), sha,
                app.resolve("current/lib/app.jar").toString(), null, null));

        RunningVersion.Found found = RunningVersion.find(null, running, sha, home);

        assertEquals(ReleaseVersion.parse("1.1.0"), found.version(), found.source());
        assertEquals("Implementation-Version of app.jar", found.source());
    }

    @Test
    void revertRelease_inTheLinkLayout_isMatchedThroughTheLink() throws Exception {
        Path app = dir.resolve("app");
        Path running = jarAt(app.resolve("releases/1.2.1/lib/app.jar"), "1.1.0");
        Files.createSymbolicLink(app.resolve("current"), Path.of("releases/1.2.1"));
        UpdateHome home = home();
        Sha256 sha = Sha256.ofFile(running);
        home.installedRecord().write(new InstalledRelease(ReleaseVersion.parse("1.2.1"), sha,
                app.resolve("current/lib/app.jar").toString(), null, null));

        RunningVersion.Found found = RunningVersion.find(null, running, sha, home);

        assertEquals(ReleaseVersion.parse("1.2.1"), found.version(), found.source());
    }

    private UpdateHome home() throws Exception {
        UpdateHome home = new UpdateHome(dir.resolve("home"));
        Files.createDirectories(home.dir());
        return home;
    }

    private Path jar(String version) throws Exception {
        return jarAt(dir.resolve("app.jar"), version);
    }

    private static Path jarAt(Path jar, String version) throws Exception {
        return TestArchives.versionedJar(jar, version);
    }
}
