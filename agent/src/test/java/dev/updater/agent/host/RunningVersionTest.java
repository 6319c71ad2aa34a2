package dev.updater.agent.host;

import dev.updater.core.Sha256;
import dev.updater.core.home.InstalledRelease;
import dev.updater.core.home.UpdateHome;
import dev.updater.core.version.ReleaseVersion;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;

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

    private UpdateHome home() throws Exception {
        UpdateHome home = new UpdateHome(dir.resolve("home"));
        Files.createDirectories(home.dir());
        return home;
    }

    private Path jar(String version) throws Exception {
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        manifest.getMainAttributes().put(Attributes.Name.IMPLEMENTATION_VERSION, version);
        Path jar = dir.resolve("app.jar");
        try (OutputStream out = Files.newOutputStream(jar); JarOutputStream zip = new JarOutputStream(out, manifest)) {
            zip.closeEntry();
        }
        return jar;
    }
}
