package dev.updater.sidecar.ship;

import dev.updater.core.Sha256;
import dev.updater.core.testing.ChildProcess.Finished;
import dev.updater.core.testing.OtherUser;
import dev.updater.core.testing.TestChannel;
import dev.updater.sidecar.channel.KeyFiles;
import dev.updater.sidecar.testhost.Distributions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Base64;
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
    private static final List<String> RELEASE_FILES = List.of("SHA256SUMS", "SHA256SUMS.sig", "VERSION", "install.sh",
            "manifest.json", "manifest.json.sig", "manifest.signed", "updater-sidecar.jar", "updater.jar");

    /** The three plain base URLs, one per shared release; release.sh drops the trailing slash. */
    private static final String CDN_URL = "https://cdn.example.com:8443/app/releases";
    private static final String LOOPBACK_URL = "http://127.0.0.1:8080/r";
    private static final String IPV6_LOOPBACK_URL = "http://[::1]:9000";

    /**
     * A release takes about 10 s (four JVM starts, publish hashes and indexes the jar), so the tests
     * that only read what a release wrote share three releases made once for the class. Tests that
     * must show a refusal wrote nothing run in their own {@link #temp}.
     */
    @TempDir
    static Path shared;

    @TempDir
    Path temp;

    private static Path key;
    private static Path pub;
    private static String keyText;
    private static String version;
    /** Pre-release defaults: not made the latest. */
    private static Released plain;
    /** Run from a shell with umask 077, and with --latest. */
    private static Released umask077Latest;
    /** With --channel-url served by {@link #served} and --verify-key. */
    private static Released withChannel;
    private static TestChannel served;

    /** A release's site (its --out) and how release.sh ended. */
    private record Released(Path site, Finished run) {
        Path dir() {
            return site.resolve("download/v" + version);
        }

        /** The release, after checking release.sh succeeded (every test on a shared release starts here). */
        Released ok() {
            assertEquals(0, run.exitCode(), run.toString());
            return this;
        }
    }

    @BeforeAll
    static void testKeyAndSharedReleases() throws Exception {
        assumeTrue(Files.isRegularFile(ShipFiles.SIDECAR_JAR), "run after 'package': " + ShipFiles.SIDECAR_JAR);
        KeyFiles.Written keys = KeyFiles.create(shared.resolve("keys"));
        key = keys.privateKey();
        pub = keys.publicKey();
        keyText = keys.key().text();
        try (JarFile jar = new JarFile(ShipFiles.SIDECAR_JAR.toFile())) {
            version = jar.getManifest().getMainAttributes().getValue("Implementation-Version");
        }
        Path plainSite = shared.resolve("plain/site");
        plain = new Released(plainSite, release("--key", key.toString(), "--out", plainSite.toString(),
                "--base-url", CDN_URL + "/"));
        Path umaskSite = shared.resolve("umask077/site");
        umask077Latest = new Released(umaskSite, releaseUnderUmask077("--key", key.toString(), "--out",
                umaskSite.toString(), "--latest", "--base-url", LOOPBACK_URL + "/"));
        Path channelSite = shared.resolve("channel/site");
        served = TestChannel.start(channelSite);
        withChannel = new Released(channelSite, release("--key", key.toString(), "--out", channelSite.toString(),
                "--verify-key", pub.toString(), "--channel-url", served.signedManifestUri().toString(),
                "--base-url", IPV6_LOOPBACK_URL + "/"));
    }

    @AfterAll
    static void stopChannel() {
        if (served != null) {
            served.close();
        }
    }

    static Finished release(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("bash", "scripts/release.sh", "--no-build"));
        command.addAll(List.of(args));
        return ShipFiles.run(command, Map.of("JAVA", ShipFiles.java()));
    }

    /** As {@link #release}, from a shell whose umask lets nobody else read what it creates. */
    private static Finished releaseUnderUmask077(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("bash", "-c", "umask 077 && exec bash scripts/release.sh"
                + " --no-build \"$@\"", "release"));
        command.addAll(List.of(args));
        return ShipFiles.run(command, Map.of("JAVA", ShipFiles.java()));
    }

    /**
     * With --channel-url the released jar carries its channel (URL and release key), and its
     * self-update checks the channel release.sh published, served here on 127.0.0.1.
     */
    @Test
    void release_withATestKey_producesAChannelThatVerifyAccepts_andThatTheReleasedJarChecksForItself() throws Exception {
        Path site = withChannel.ok().site();
        assertTrue(withChannel.run().out().contains("Released updater " + version + " into " + site + "\n"),
                withChannel.run().toString());
        Path released = withChannel.dir().resolve("updater-sidecar.jar");
        try (JarFile jar = new JarFile(released.toFile())) {
            assertEquals("# The updater's own release channel, written by scripts/release.sh"
                    + " (docs/sidecar.md#self-update)\nmanifest=" + served.signedManifestUri() + "\nkey=" + keyText + "\n",
                    new String(jar.getInputStream(jar.getEntry("dev/updater/sidecar/self-update.properties"))
                            .readAllBytes(), java.nio.charset.StandardCharsets.UTF_8));
        }

        Finished verify = ShipFiles.run(ShipFiles.java(), "-jar", ShipFiles.SIDECAR_JAR.toString(), "verify",
                "--manifest", site.toString(), "--key-file", pub.toString(), "--artifacts");
        assertEquals(0, verify.exitCode(), verify.toString());
        assertTrue(verify.out().endsWith("Verified " + site.resolve("manifest.json") + ": release " + version
                + ".\n"), verify.toString());
        assertTrue(verify.out().contains("artifact any: " + Files.size(released) + " bytes, sha256 matches"),
                verify.toString());

        Finished check = ShipFiles.run(List.of(ShipFiles.java(), "-jar", released.toString(), "self-update",
                "--check"), Map.of("XDG_CACHE_HOME", temp.resolve("cache").toString()));
        assertEquals(0, check.exitCode(), check.toString());
        assertTrue(check.out().startsWith("Checking " + served.signedManifestUri() + " (built into this jar"
                + " (dev/updater/sidecar/self-update.properties))\n"), check.toString());
        assertTrue(check.out().contains("UP TO DATE"), check.toString());
        assertEquals(1, served.requests("/manifest.signed"), "self-update reads manifest.signed in one GET: " + check);
        assertEquals(0, served.requests("/manifest.json") + served.requests("/manifest.json.sig"), check.toString());
    }

    @Test
    void release_laysOutTheFilesInstallShReads_withTheirChecksums() throws Exception {
        Path site = plain.ok().site();
        Finished release = plain.run();
        Path dir = plain.dir();

        assertEquals(RELEASE_FILES, list(dir));
        assertArrayEquals(Files.readAllBytes(ShipFiles.SIDECAR_JAR), Files.readAllBytes(dir.resolve("updater-sidecar.jar")));
        assertArrayEquals(Files.readAllBytes(ShipFiles.AGENT_JAR), Files.readAllBytes(dir.resolve("updater.jar")),
                "the released agent jar is the agent module's, byte for byte");
        assertEquals(version + "\n", Files.readString(dir.resolve("VERSION")));
        assertArrayEquals(Files.readAllBytes(site.resolve("manifest.json")), Files.readAllBytes(dir.resolve("manifest.json")));
        assertArrayEquals(Files.readAllBytes(site.resolve("manifest.json.sig")),
                Files.readAllBytes(dir.resolve("manifest.json.sig")));
        assertArrayEquals(Files.readAllBytes(site.resolve("manifest.signed")), Files.readAllBytes(dir.resolve("manifest.signed")));

        // The files that never change; manifest.json and its signature are renewed by 'publish --resign'.
        StringBuilder sums = new StringBuilder();
        for (String file : List.of("install.sh", "updater-sidecar.jar", "updater.jar", "VERSION")) {
            sums.append(Sha256.ofFile(dir.resolve(file)).hex()).append("  ").append(file).append('\n');
        }
        assertEquals(sums.toString(), Files.readString(dir.resolve("SHA256SUMS")));

        String installer = Files.readString(dir.resolve("install.sh"));
        assertEquals(Files.readString(ShipFiles.file("install.sh")).replace(
                "\nDEFAULT_BASE_URL=\"\"\nDEFAULT_PUBLIC_KEY=\"\"\n",
                "\nDEFAULT_BASE_URL='" + CDN_URL + "'\nDEFAULT_PUBLIC_KEY='" + keyText + "'\n"),
                installer, "the released install.sh is the repository's, with the release's base URL and key as defaults");
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
        Path site = umask077Latest.ok().site();

        assertSameFiles(umask077Latest.dir(), site.resolve("latest/download"));
        assertEquals(version + "\n", Files.readString(site.resolve("latest/download/VERSION")));
    }

    @Test
    void release_ofAnotherVersionThanTheJars_isRefused_beforeWritingAnything() throws Exception {
        Path site = temp.resolve("site");
        Finished release = release("--key", key.toString(), "--out", site.toString(), "--version", "v99.0.0");

        assertEquals(1, release.exitCode(), release.toString());
        assertEquals("release.sh: asked to release 99.0.0, but the jars are version " + version + "; set the project"
                + " version first (./mvnw versions:set -DnewVersion=99.0.0) and build again.\n", release.err());
        assertFalse(Files.exists(site));
    }

    @Test
    void releasingTheSameVersionTwice_isRefused_andTheFirstReleaseStays() throws Exception {
        Path dir = plain.ok().dir();
        Map<String, String> before = Distributions.hashes(plain.site());

        Finished again = release("--key", key.toString(), "--out", plain.site().toString());

        assertEquals(1, again.exitCode(), again.toString());
        assertEquals("release.sh: " + dir + " already exists; a released version never changes. Release a newer"
                + " version.\n", again.err());
        assertEquals(before, Distributions.hashes(plain.site()), "every file of the first release, byte for byte");
    }

    @Test
    void release_checkedAgainstAnotherKey_fails_andLeavesNoReleaseDirectory() throws Exception {
        Path site = temp.resolve("site");
        Path otherPub = KeyFiles.create(temp.resolve("other")).publicKey();

        Finished release = release("--key", key.toString(), "--out", site.toString(), "--verify-key", otherPub.toString());

        assertEquals(1, release.exitCode(), release.toString());
        assertTrue(release.err().endsWith("release.sh: the channel in " + site + " does not verify with " + otherPub
                + " (see above); was it signed with the wrong key?\n"), release.toString());
        assertEquals(List.of(), list(site.resolve("download")), "no release directory, no staging left behind");
        assertFalse(Files.exists(site.resolve("latest")));
    }

    @Test
    void release_withoutAKey_isAUsageError() throws Exception {
        Path site = temp.resolve("site");
        Finished release = release("--out", site.toString());

        assertEquals(2, release.exitCode(), release.toString());
        assertTrue(release.err().startsWith("release.sh: --key KEYFILE is required\nUsage: scripts/release.sh"),
                release.toString());
    }

    @Test
    void sha256sumsSig_isTheReleaseKeysSignatureOfSha256sums_checkedByOpenssl() throws Exception {
        Path dir = plain.ok().dir();
        String sig = Files.readString(dir.resolve("SHA256SUMS.sig"));
        assertTrue(sig.matches("[A-Za-z0-9+/]{86}==\\n"), "Base64 of 64 bytes and a newline, like manifest.json.sig: " + sig);
        Path raw = Files.write(temp.resolve("sig.bin"), Base64.getDecoder().decode(sig.strip()));

        Finished good = ShipFiles.run("openssl", "pkeyutl", "-verify", "-pubin", "-inkey", pub.toString(), "-rawin",
                "-in", dir.resolve("SHA256SUMS").toString(), "-sigfile", raw.toString());
        String sums = Files.readString(dir.resolve("SHA256SUMS"));
        Path tampered = Files.writeString(temp.resolve("SHA256SUMS"), (sums.charAt(0) == '0' ? "1" : "0") + sums.substring(1));
        Finished bad = ShipFiles.run("openssl", "pkeyutl", "-verify", "-pubin", "-inkey", pub.toString(), "-rawin",
                "-in", tampered.toString(), "-sigfile", raw.toString());

        assertEquals(0, good.exitCode(), good.toString());
        assertEquals("Signature Verified Successfully\n", good.out());
        assertEquals(1, bad.exitCode(), "one changed hash character: " + bad);
    }

    @Test
    void underUmask077_everyReleasedFileIsWorldReadable_andReadableByAnotherUser() throws Exception {
        Path site = umask077Latest.ok().site();

        List<Path> files = new ArrayList<>();
        try (Stream<Path> walk = Files.walk(site)) {
            for (Path path : walk.sorted().toList()) {
                String mode = PosixFilePermissions.toString(Files.getPosixFilePermissions(path));
                if (Files.isDirectory(path)) {
                    assertEquals("rwxr-xr-x", mode, path.toString());
                } else {
                    assertEquals(path.getFileName().toString().equals("install.sh") ? "rwxr-xr-x" : "rw-r--r--", mode,
                            path.toString());
                    files.add(path);
                }
            }
        }
        // vV/ and latest/, the channel's manifest and signature, the sidecar jar's entry index and its
        // objects/ (delta downloads, docs/deltas.md): every one readable by the web server
        List<Path> named = files.stream().filter(f -> !f.getParent().getFileName().toString().equals("objects")).toList();
        assertEquals(2 * RELEASE_FILES.size() + 5, named.size(), "vV, latest and the channel: " + named);
        assertTrue(named.stream().anyMatch(f -> f.getFileName().toString().equals("updater-sidecar.jar.index")), named.toString());
        assertTrue(files.size() > named.size(), "the index's objects are published too");
        OtherUser.assumeCanRunAs();
        OtherUser.openToOthers(shared);
        OtherUser.openToOthers(site.getParent());
        assertEquals(List.of(), OtherUser.unreadable(files), "uid 65534, as a web server, reads every released file");
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "https://releases.example.com/$(touch MARKER)",
            "https://releases.example.com/`touch MARKER`",
            "https://releases.example.com/${HOME}",
            "https://releases.example.com/a\"b",
            "https://releases.example.com/a'b",
            "https://releases.example.com/a\\b",
            "https://releases.example.com/a b",
            "https://releases.example.com/a\tb",
            "https://releases.example.com/a\nb",
            "https://releases.example.com/a|b",
            "https://releases.example.com/a&b",
            "https://releases.example.com/a;b",
            "http://127.0.0.1:@192.0.2.1",
            "https://user:secret@releases.example.com",
            "http://releases.example.com",
            "ftp://releases.example.com",
            "releases.example.com/app"
    })
    void aBaseUrlThatIsNotAPlainUrl_isRefused_beforeAnythingIsWritten(String attack) throws Exception {
        Path site = temp.resolve("site");
        Path marker = temp.resolve("pwned");
        String baseUrl = attack.replace("MARKER", marker.toString());

        Finished release = release("--key", key.toString(), "--out", site.toString(), "--base-url", baseUrl);

        assertEquals(1, release.exitCode(), release.toString());
        assertEquals("release.sh: --base-url " + baseUrl.replaceAll("[^\\x20-\\x7e]", "?") + " is not a plain URL:"
                + " give https://HOST[:PORT]/PATH (plain http only to 127.0.0.1, localhost or [::1]) without a user"
                + " name, the path in letters, digits and ._~/%+=,:- only; it is written into the released"
                + " install.sh.\n", release.err());
        assertFalse(Files.exists(site), "nothing written");
        assertFalse(Files.exists(marker), "nothing run");
    }

    /** The channel URL goes into the released jar's properties: a newline there would add a key= of its own. */
    @Test
    void aChannelUrlThatIsNotAPlainUrl_isRefused_beforeAnythingIsWritten() throws Exception {
        Path site = temp.resolve("site");
        String attack = "https://updates.example.com/m.json\nkey=ed25519:MCowBQYDK2VwAyEAattackerattackerattackerattackerattack=";

        Finished release = release("--key", key.toString(), "--out", site.toString(), "--channel-url", attack);

        assertEquals(1, release.exitCode(), release.toString());
        assertEquals("release.sh: --channel-url " + attack.replace('\n', '?') + " is not a plain URL: give"
                + " https://HOST[:PORT]/PATH (plain http only to 127.0.0.1, localhost or [::1]) without a user name,"
                + " the path in letters, digits and ._~/%+=,:- only; it is written into the released"
                + " updater-sidecar.jar.\n", release.err());
        assertFalse(Files.exists(site), "nothing written");
    }

    /** Each shared release was given one of these, with a trailing slash. */
    @ParameterizedTest
    @ValueSource(strings = {CDN_URL, LOOPBACK_URL, IPV6_LOOPBACK_URL})
    void aPlainBaseUrl_isWrittenIntoTheInstallerInSingleQuotes(String baseUrl) throws Exception {
        Released release = Map.of(CDN_URL, plain, LOOPBACK_URL, umask077Latest, IPV6_LOOPBACK_URL, withChannel)
                .get(baseUrl).ok();

        assertTrue(Files.readString(release.dir().resolve("install.sh"))
                .contains("\nDEFAULT_BASE_URL='" + baseUrl + "'\n"), baseUrl);
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
