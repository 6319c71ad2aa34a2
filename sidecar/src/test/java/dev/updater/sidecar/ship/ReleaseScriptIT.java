package dev.updater.sidecar.ship;

import dev.updater.core.Sha256;
import dev.updater.sidecar.channel.KeyFiles;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.jar.JarFile;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Runs the release procedure, scripts/release.sh, as release.yml does but with a test key, on the
 * jars this build packaged, and checks the result the way a host and install.sh would.
 */
@DisabledOnOs(value = OS.WINDOWS, disabledReason = "scripts/release.sh is a bash script; releases are cut on"
        + " Linux by release.yml")
class ReleaseScriptIT {
    private static final List<String> RELEASE_FILES = List.of("SHA256SUMS", "VERSION", "install.sh",
            "manifest.json", "manifest.json.sig", "updater-sidecar.jar", "updater.jar");

    @TempDir
    Path temp;

    private Path key;
    private Path pub;
    private Path site;
    private String version;

    @BeforeEach
    void testKeyAndBuiltJars() throws Exception {
        assumeTrue(Files.isRegularFile(ShipFiles.SIDECAR_JAR), "run after 'package': " + ShipFiles.SIDECAR_JAR);
        KeyFiles.Written keys = KeyFiles.create(temp.resolve("keys"));
        key = keys.privateKey();
        pub = keys.publicKey();
        site = temp.resolve("site");
        try (JarFile jar = new JarFile(ShipFiles.SIDECAR_JAR.toFile())) {
            version = jar.getManifest().getMainAttributes().getValue("Implementation-Version");
        }
    }

    static ProcessRun release(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("bash", "scripts/release.sh", "--no-build"));
        command.addAll(List.of(args));
        return ProcessRun.run(command, Map.of("JAVA", ShipFiles.java()));
    }

    @Test
    void release_withATestKey_producesAChannelThatVerifyAccepts() throws Exception {
        ProcessRun release = release("--key", key.toString(), "--out", site.toString(), "--verify-key", pub.toString());
        assertEquals(0, release.exitCode(), release.toString());
        assertTrue(release.out().contains("Released updater " + version + " into " + site + "\n"), release.toString());

        ProcessRun verify = ProcessRun.run(ShipFiles.java(), "-jar", ShipFiles.SIDECAR_JAR.toString(), "verify",
                "--manifest", site.toString(), "--key-file", pub.toString(), "--artifacts");

        assertEquals(0, verify.exitCode(), verify.toString());
        assertTrue(verify.out().endsWith("Verified " + site.resolve("manifest.json") + ": release " + version + ".\n"),
                verify.toString());
        assertTrue(verify.out().contains("artifact any: " + Files.size(ShipFiles.SIDECAR_JAR)
                + " bytes, sha256 matches"), verify.toString());
    }

    @Test
    void release_laysOutTheFilesInstallShReads_withTheirChecksums() throws Exception {
        ProcessRun release = release("--key", key.toString(), "--out", site.toString(),
                "--base-url", "https://github.com/example/updater/releases");
        assertEquals(0, release.exitCode(), release.toString());
        Path dir = site.resolve("download/v" + version);

        assertEquals(RELEASE_FILES, list(dir));
        assertArrayEquals(Files.readAllBytes(ShipFiles.SIDECAR_JAR), Files.readAllBytes(dir.resolve("updater-sidecar.jar")));
        assertArrayEquals(Files.readAllBytes(ShipFiles.AGENT_JAR), Files.readAllBytes(dir.resolve("updater.jar")),
                "the released agent jar is the agent module's, byte for byte");
        assertEquals(version + "\n", Files.readString(dir.resolve("VERSION")));
        assertArrayEquals(Files.readAllBytes(site.resolve("manifest.json")), Files.readAllBytes(dir.resolve("manifest.json")));
        assertArrayEquals(Files.readAllBytes(site.resolve("manifest.json.sig")),
                Files.readAllBytes(dir.resolve("manifest.json.sig")));

        StringBuilder sums = new StringBuilder();
        for (String file : List.of("install.sh", "manifest.json", "manifest.json.sig", "updater-sidecar.jar",
                "updater.jar", "VERSION")) {
            sums.append(Sha256.ofFile(dir.resolve(file)).hex()).append("  ").append(file).append('\n');
        }
        assertEquals(sums.toString(), Files.readString(dir.resolve("SHA256SUMS")));

        String installer = Files.readString(dir.resolve("install.sh"));
        assertEquals(Files.readString(ShipFiles.file("install.sh")).replace("\nDEFAULT_BASE_URL=\"\"\n",
                "\nDEFAULT_BASE_URL=\"https://github.com/example/updater/releases\"\n"), installer,
                "the released install.sh is the repository's, with the release's base URL as its default");
        assertTrue(Files.isExecutable(dir.resolve("install.sh")));

        if (isPreRelease(version)) {
            assertFalse(Files.exists(site.resolve("latest")), "like GitHub, a pre-release is not the latest");
            assertTrue(release.out().contains("Pre-release " + version + " is not made the latest (pass --latest"
                    + " for that).\n"), release.toString());
        } else {
            assertSameFiles(dir, site.resolve("latest/download"));
        }
    }

    @Test
    void release_withLatest_makesItTheLatest() throws Exception {
        ProcessRun release = release("--key", key.toString(), "--out", site.toString(), "--latest");
        assertEquals(0, release.exitCode(), release.toString());

        assertSameFiles(site.resolve("download/v" + version), site.resolve("latest/download"));
        assertEquals(version + "\n", Files.readString(site.resolve("latest/download/VERSION")));
    }

    @Test
    void release_ofAnotherVersionThanTheJars_isRefused_beforeWritingAnything() throws Exception {
        ProcessRun release = release("--key", key.toString(), "--out", site.toString(), "--version", "v99.0.0");

        assertEquals(1, release.exitCode(), release.toString());
        assertEquals("release.sh: asked to release 99.0.0, but the jars are version " + version + "; set the project"
                + " version first (./mvnw versions:set -DnewVersion=99.0.0) and build again.\n", release.err());
        assertFalse(Files.exists(site));
    }

    @Test
    void releasingTheSameVersionTwice_isRefused_andTheFirstReleaseStays() throws Exception {
        assertEquals(0, release("--key", key.toString(), "--out", site.toString()).exitCode());
        Path dir = site.resolve("download/v" + version);
        byte[] sums = Files.readAllBytes(dir.resolve("SHA256SUMS"));

        ProcessRun again = release("--key", key.toString(), "--out", site.toString());

        assertEquals(1, again.exitCode(), again.toString());
        assertEquals("release.sh: " + dir + " already exists; a released version never changes. Release a newer"
                + " version.\n", again.err());
        assertArrayEquals(sums, Files.readAllBytes(dir.resolve("SHA256SUMS")));
    }

    @Test
    void release_checkedAgainstAnotherKey_fails_andLeavesNoReleaseDirectory() throws Exception {
        Path otherPub = KeyFiles.create(temp.resolve("other")).publicKey();

        ProcessRun release = release("--key", key.toString(), "--out", site.toString(), "--verify-key", otherPub.toString());

        assertEquals(1, release.exitCode(), release.toString());
        assertTrue(release.err().endsWith("release.sh: the channel in " + site + " does not verify with " + otherPub
                + " (see above); was it signed with the wrong key?\n"), release.toString());
        assertEquals(List.of(), list(site.resolve("download")), "no release directory, no staging left behind");
        assertFalse(Files.exists(site.resolve("latest")));
    }

    @Test
    void release_withoutAKey_isAUsageError() throws Exception {
        ProcessRun release = release("--out", site.toString());

        assertEquals(2, release.exitCode(), release.toString());
        assertTrue(release.err().startsWith("release.sh: --key KEYFILE is required\nUsage: scripts/release.sh"),
                release.toString());
    }

    private static boolean isPreRelease(String version) {
        return version.split("\\+", 2)[0].contains("-");
    }

    private static List<String> list(Path dir) throws Exception {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(f -> f.getFileName().toString()).sorted().toList();
        }
    }

    private static void assertSameFiles(Path expected, Path actual) throws Exception {
        assertEquals(list(expected), list(actual));
        for (String name : list(expected)) {
            assertArrayEquals(Files.readAllBytes(expected.resolve(name)), Files.readAllBytes(actual.resolve(name)), name);
        }
    }
}
