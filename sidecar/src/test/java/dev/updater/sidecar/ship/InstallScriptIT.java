package dev.updater.sidecar.ship;

import dev.updater.core.Sha256;
import dev.updater.core.download.LoopbackHttpServer;
import dev.updater.core.download.SelfSignedTls;
import dev.updater.core.testing.ChildProcess;
import dev.updater.core.testing.ChildProcess.Finished;
import dev.updater.sidecar.channel.KeyFiles;
import dev.updater.sidecar.testhost.SidecarJar;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.condition.DisabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.jar.JarFile;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Installs a release the way the README says, {@code curl … | sh}, from a release made by
 * scripts/release.sh and served by {@code updater-sidecar serve} on 127.0.0.1.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@DisabledOnOs(value = OS.WINDOWS, disabledReason = "install.sh is a POSIX shell script (curl ... | sh); on Windows"
        + " the jars are downloaded directly")
class InstallScriptIT {
    private static final Pattern SERVING = Pattern.compile("Serving .+ at (http://127\\.0\\.0\\.1:\\d+)/");

    private ChildProcess server;
    private String baseUrl;
    private Path release;
    private String version;
    private String keyText;

    @BeforeAll
    void releaseServedOnLoopback(@TempDir Path temp) throws Exception {
        SidecarJar.assumeBuilt();
        Path site = Files.createDirectory(temp.resolve("site"));
        server = SidecarJar.start(List.of(), List.of("serve", site.toString(), "--port", "0"));
        server.awaitLine(SERVING.asPredicate(), Duration.ofSeconds(30));
        Matcher serving = SERVING.matcher(server.output().get(0));
        assertTrue(serving.find(), server.toString());
        baseUrl = serving.group(1);

        KeyFiles.Written keys = KeyFiles.create(temp.resolve("keys"));
        Path key = keys.privateKey();
        keyText = keys.key().text();
        Finished made = ReleaseScriptIT.release("--key", key.toString(), "--out", site.toString(), "--base-url", baseUrl,
                "--latest");
        assertEquals(0, made.exitCode(), made.toString());
        try (JarFile jar = new JarFile(ShipFiles.SIDECAR_JAR.toFile())) {
            version = jar.getManifest().getMainAttributes().getValue("Implementation-Version");
        }
        release = site.resolve("download/v" + version);
    }

    @AfterAll
    void stopServer() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void curlPipeSh_installsTheLatestRelease_verified_andPrintsTheNextStep(@TempDir Path temp) throws Exception {
        Path prefix = temp.resolve("opt/updater");

        Finished install = sh("curl -fsSL \"$0/latest/download/install.sh\" | sh -s -- --prefix \"$1\"",
                baseUrl, prefix.toString());

        assertEquals(0, install.exitCode(), install.toString());
        assertArrayEquals(Files.readAllBytes(ShipFiles.SIDECAR_JAR), Files.readAllBytes(prefix.resolve("updater-sidecar.jar")));
        assertArrayEquals(Files.readAllBytes(ShipFiles.AGENT_JAR), Files.readAllBytes(prefix.resolve("updater.jar")));
        assertEquals(version + "\n", Files.readString(prefix.resolve("VERSION")));
        assertEquals("Downloading updater " + version + " from " + baseUrl + "/download/v" + version + "/\n"
                + "  verified SHA256SUMS  signed by the release key " + keyText + "\n"
                + "  verified updater-sidecar.jar  sha256 " + Sha256.ofFile(ShipFiles.SIDECAR_JAR).hex() + "\n"
                + "  verified updater.jar  sha256 " + Sha256.ofFile(ShipFiles.AGENT_JAR).hex() + "\n"
                + "Installed updater " + version + " into " + prefix + ":\n"
                + "  " + prefix + "/updater-sidecar.jar   the sidecar (run, watch, status, publish, ...)\n"
                + "  " + prefix + "/updater.jar           the agent, for the service's -javaagent option\n"
                + "  " + prefix + "/bin/updater-sidecar   runs the sidecar: " + prefix + "/bin/updater-sidecar --help\n"
                + "Next: create a signing key, then follow docs/getting-started.md:\n"
                + "  " + prefix + "/bin/updater-sidecar keygen --out ./keys\n", install.out());
        assertEquals("", install.err());

        Finished wrapper = ShipFiles.run(List.of(prefix.resolve("bin/updater-sidecar").toString(), "--version"),
                Map.of("JAVA", ShipFiles.java()));
        assertEquals(0, wrapper.exitCode(), wrapper.toString());
        assertEquals("updater-sidecar " + version + "\n", wrapper.out());
    }

    @Test
    void theRepositorysScript_installsAGivenVersion(@TempDir Path temp) throws Exception {
        Path prefix = temp.resolve("updater");

        Finished install = installSh("--base-url", baseUrl + "/", "--version", "v" + version, "--prefix", prefix.toString());

        assertEquals(0, install.exitCode(), install.toString());
        assertArrayEquals(Files.readAllBytes(ShipFiles.AGENT_JAR), Files.readAllBytes(prefix.resolve("updater.jar")));
        assertEquals("install.sh: warning: could not verify the signature of SHA256SUMS: no release key is known (pass"
                + " --public-key ed25519:... or set UPDATER_PUBLIC_KEY); the jars are checked against SHA256SUMS alone,"
                + " which catches a broken download but not a tampered release.\n", install.err());
    }

    @Test
    void theRepositorysScript_givenTheReleaseKey_verifiesTheSignatureOfSha256sums(@TempDir Path temp) throws Exception {
        Finished install = installSh("--base-url", baseUrl, "--public-key", keyText, "--prefix",
                temp.resolve("u").toString());

        assertEquals(0, install.exitCode(), install.toString());
        assertTrue(install.out().contains("\n  verified SHA256SUMS  signed by the release key " + keyText + "\n"),
                install.toString());
        assertEquals("", install.err());
    }

    @Test
    void aReleaseWithTamperedJarAndMatchingChecksums_isRefusedByTheSignature_andNothingIsInstalled(@TempDir Path temp)
            throws Exception {
        Path prefix = temp.resolve("updater");
        Path jar = release.resolve("updater.jar");
        Path sums = release.resolve("SHA256SUMS");
        byte[] originalJar = Files.readAllBytes(jar);
        byte[] originalSums = Files.readAllBytes(sums);
        try {
            // Whoever can write to the release host replaces a jar and lists its hash: checksums alone pass it.
            byte[] tampered = originalJar.clone();
            tampered[tampered.length / 2] ^= 0x01;
            Files.write(jar, tampered);
            Files.writeString(sums, Files.readString(sums).replace(Sha256.ofFile(ShipFiles.AGENT_JAR).hex(),
                    Sha256.ofFile(jar).hex()));

            Finished install = releasedInstallSh(Map.of(), "--base-url", baseUrl, "--prefix", prefix.toString());

            assertEquals(1, install.exitCode(), install.toString());
            assertEquals("install.sh: SHA256SUMS of " + version + " is not signed by the release key " + keyText
                    + "; nothing was installed. The release or a mirror may have been tampered with: report it.\n",
                    install.err());
            assertFalse(Files.exists(prefix), "nothing installed, not even the directory");
        } finally {
            Files.write(jar, originalJar);
            Files.write(sums, originalSums);
        }
    }

    @Test
    void aReleaseWithoutItsSignature_isRefused_byAnInstallerThatKnowsTheKey(@TempDir Path temp) throws Exception {
        Path sig = release.resolve("SHA256SUMS.sig");
        Path aside = Files.move(sig, temp.resolve("SHA256SUMS.sig"));
        try {
            Finished install = releasedInstallSh(Map.of(), "--base-url", baseUrl, "--prefix", temp.resolve("u").toString());

            assertEquals(1, install.exitCode(), install.toString());
            assertTrue(install.err().endsWith("install.sh: could not download " + baseUrl + "/download/v" + version
                    + "/SHA256SUMS.sig, the signature of SHA256SUMS; nothing was installed.\n"), install.toString());
            assertFalse(Files.exists(temp.resolve("u")));
        } finally {
            Files.move(aside, sig);
        }
    }

    @Test
    void anotherReleaseKey_isRefused(@TempDir Path temp) throws Exception {
        String otherKey = KeyFiles.create(temp.resolve("other")).key().text();

        Finished install = installSh("--base-url", baseUrl, "--public-key", otherKey, "--prefix",
                temp.resolve("u").toString());

        assertEquals(1, install.exitCode(), install.toString());
        assertEquals("install.sh: SHA256SUMS of " + version + " is not signed by the release key " + otherKey
                + "; nothing was installed. The release or a mirror may have been tampered with: report it.\n",
                install.err());
    }

    @Test
    void withoutOpenssl_itInstallsOnTheChecksums_andSaysItCouldNotVerifyTheSignature(@TempDir Path temp)
            throws Exception {
        Path prefix = temp.resolve("updater");
        Path tools = tools(temp, "curl");

        Finished install = releasedInstallSh(Map.of("PATH", tools.toString()), "--base-url", baseUrl,
                "--prefix", prefix.toString());

        assertEquals(0, install.exitCode(), install.toString());
        assertEquals("install.sh: warning: could not verify the signature of SHA256SUMS: openssl is not installed; the"
                + " jars are checked against SHA256SUMS alone, which catches a broken download but not a tampered"
                + " release. Install OpenSSL 3 or newer for the full check.\n", install.err());
        assertArrayEquals(Files.readAllBytes(ShipFiles.AGENT_JAR), Files.readAllBytes(prefix.resolve("updater.jar")));
    }

    @ParameterizedTest
    @ValueSource(strings = {"OpenSSL 1.1.1w  11 Sep 2023", "LibreSSL 3.3.6"})
    void withAnOpensslThatCannotCheckEd25519_itSaysSo(String reported, @TempDir Path temp) throws Exception {
        Path tools = tools(temp, "curl");
        Path fake = Files.writeString(tools.resolve("openssl"), "#!/bin/sh\nprintf '%s\\n' '" + reported + "'\n");
        Files.setPosixFilePermissions(fake, PosixFilePermissions.fromString("rwxr-xr-x"));

        Finished install = releasedInstallSh(Map.of("PATH", tools.toString()), "--base-url", baseUrl,
                "--prefix", temp.resolve("u").toString());

        assertEquals(0, install.exitCode(), install.toString());
        assertEquals("install.sh: warning: could not verify the signature of SHA256SUMS: " + reported + " cannot check"
                + " Ed25519 signatures (OpenSSL 3 or newer can); the jars are checked against SHA256SUMS alone, which"
                + " catches a broken download but not a tampered release.\n", install.err());
    }

    @Test
    void aMalformedReleaseKey_isRefused(@TempDir Path temp) throws Exception {
        Finished install = installSh("--base-url", baseUrl, "--public-key", "ed25519:$(id)", "--prefix",
                temp.resolve("u").toString());

        assertEquals(1, install.exitCode(), install.toString());
        assertEquals("install.sh: the release key ed25519:$(id) is not ed25519:<Base64>, the line 'updater-sidecar"
                + " keygen' prints.\n", install.err());
    }

    /** "127.0.0.1:" is a user name and an empty password: the host these connect to is 192.0.2.1 / evil.example. */
    @ParameterizedTest
    @ValueSource(strings = {"http://127.0.0.1:@192.0.2.1", "http://localhost@192.0.2.1:8080/updater",
            "https://releases.example.com@evil.example/updater", "https://user:secret@releases.example.com"})
    void aUrlWithUserInformation_isRefused_beforeAnyDownload(String url, @TempDir Path temp) throws Exception {
        Finished install = installSh("--base-url", url, "--prefix", temp.resolve("u").toString());

        assertEquals(1, install.exitCode(), install.toString());
        assertEquals("install.sh: the URL " + url + " contains '@', a user name or password before the host, which can"
                + " hide the host it really connects to; refused. Give the URL without it.\n", install.err());
        assertFalse(Files.exists(temp.resolve("u")));
    }

    @ParameterizedTest
    @ValueSource(strings = {"https://releases.example.com/$(id)", "https://releases.example.com/`id`",
            "https://releases.example.com/a b", "https://releases.example.com:99999999", "http://[::1].evil.example",
            "https:///updater", "https://releases.example.com:/x"})
    void aUrlThatIsNotPlain_isRefused_beforeAnyDownload(String url, @TempDir Path temp) throws Exception {
        Finished install = installSh("--base-url", url, "--prefix", temp.resolve("u").toString());

        assertEquals(1, install.exitCode(), install.toString());
        assertEquals("install.sh: " + url + " is not a plain URL (https://HOST[:PORT]/PATH, the path in letters,"
                + " digits and ._~/%+=,:-); refused.\n", install.err());
    }

    @Test
    void plainHttpToAHostThatOnlyStartsLikeLoopback_isRefused(@TempDir Path temp) throws Exception {
        Finished install = installSh("--base-url", "http://127.0.0.1.nip.io:8080", "--prefix",
                temp.resolve("u").toString());

        assertEquals(1, install.exitCode(), install.toString());
        assertEquals("install.sh: http://127.0.0.1.nip.io:8080 is not an https:// URL; plain http is refused (except to"
                + " 127.0.0.1 or localhost).\n", install.err());
    }

    /**
     * GNU wget follows a redirect from https to http (its --https-only covers recursive downloads only);
     * install.sh follows wget's redirects itself and refuses the downgrade before a byte goes over http.
     */
    @Test
    void withWget_aRedirectFromHttpsToHttp_isRefused_andAnHttpsRedirectIsFollowed(@TempDir Path temp) throws Exception {
        Finished wget = ShipFiles.run("wget", "--version");
        assumeTrue(wget.exitCode() == 0 && wget.out().startsWith("GNU Wget"), "GNU wget is not installed");
        Path tools = tools(temp, "wget", "openssl");
        Path wgetrc = Files.writeString(temp.resolve("wgetrc"), "ca_certificate = "
                + Files.writeString(temp.resolve("ca.pem"), SelfSignedTls.certificatePem()) + "\n");
        Map<String, String> env = Map.of("PATH", tools.toString(), "WGETRC", wgetrc.toString());
        String served = "/download/v" + version + "/";
        try (LoopbackHttpServer https = LoopbackHttpServer.https()) {
            for (String file : List.of("SHA256SUMS", "SHA256SUMS.sig", "updater-sidecar.jar", "updater.jar")) {
                https.redirect("/good" + served + file, 302, "/files/" + file)
                        .file("/files/" + file, Files.readAllBytes(release.resolve(file)), null, null)
                        .redirect("/bad" + served + file, 302, baseUrl + served + file);
            }
            long plainRequestsBefore = plainRequestsFor(served + "SHA256SUMS");

            Finished downgraded = releasedInstallSh(env, "--base-url", https.uri("/bad").toString(),
                    "--version", version, "--prefix", temp.resolve("bad").toString());
            Finished followed = releasedInstallSh(env, "--base-url", https.uri("/good").toString(),
                    "--version", version, "--prefix", temp.resolve("good").toString());

            assertEquals(1, downgraded.exitCode(), downgraded.toString());
            assertEquals("install.sh: " + https.uri("/bad" + served + "SHA256SUMS") + " redirects to " + baseUrl + served
                    + "SHA256SUMS, which is not https; refused: a download that starts over https never continues"
                    + " unencrypted. Nothing was installed.\n", downgraded.err());
            assertFalse(Files.exists(temp.resolve("bad")));
            assertEquals(plainRequestsBefore, plainRequestsFor(served + "SHA256SUMS"), "nothing was fetched over http");

            assertEquals(0, followed.exitCode(), followed.toString());
            assertTrue(followed.out().contains("  verified SHA256SUMS  signed by the release key " + keyText + "\n"),
                    followed.toString());
            assertArrayEquals(Files.readAllBytes(ShipFiles.SIDECAR_JAR),
                    Files.readAllBytes(temp.resolve("good/updater-sidecar.jar")));
        }
    }

    private long plainRequestsFor(String path) {
        return server.output().stream().filter(line -> line.startsWith("GET " + path + " ")).count();
    }

    /**
     * A folder for PATH holding links to what install.sh runs, plus {@code extra} (curl, wget, openssl):
     * a system without the others.
     */
    private static Path tools(Path temp, String... extra) throws IOException {
        Path bin = Files.createDirectories(temp.resolve("bin"));
        List<String> names = new ArrayList<>(List.of("awk", "cat", "chmod", "cp", "cut", "head", "id", "mkdir",
                "mktemp", "mv", "rm", "sed", "sha256sum", "shasum", "tail", "tr"));
        names.addAll(List.of(extra));
        for (String name : names) {
            for (String dir : System.getenv("PATH").split(java.io.File.pathSeparator)) {
                Path found = Path.of(dir, name);
                if (Files.isExecutable(found)) {
                    Files.createSymbolicLink(bin.resolve(name), found);
                    break;
                }
            }
        }
        return bin;
    }

    /** The install.sh of the release, with its base URL and release key filled in by release.sh. */
    private Finished releasedInstallSh(Map<String, String> extraEnvironment, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("/bin/sh", release.resolve("install.sh").toString()));
        command.addAll(List.of(args));
        Map<String, String> env = environment();
        env.putAll(extraEnvironment);
        return ShipFiles.run(command, env);
    }

    @Test
    void aTamperedJar_isRefused_andNothingIsInstalled(@TempDir Path temp) throws Exception {
        Path prefix = temp.resolve("updater");
        Path jar = release.resolve("updater.jar");
        String expected = Sha256.ofFile(jar).hex();

        Finished install = withOneByteFlipped(jar, () ->
                releasedInstallSh(Map.of(), "--base-url", baseUrl, "--prefix", prefix.toString()));

        assertEquals(1, install.exitCode(), install.toString());
        assertTrue(install.err().startsWith("install.sh: updater.jar does not match SHA256SUMS (expected sha256 "
                + expected + ", got "), install.toString());
        assertTrue(install.err().endsWith("); nothing was installed. Try again; if it persists, report it: the release"
                + " or a mirror may have been tampered with.\n"), install.toString());
        assertFalse(Files.exists(prefix), "nothing installed, not even the directory");
    }

    @Test
    void aTamperedJar_leavesAnEarlierInstallAsItWas(@TempDir Path temp) throws Exception {
        Path prefix = temp.resolve("updater");
        assertEquals(0, installSh("--base-url", baseUrl, "--prefix", prefix.toString()).exitCode());
        Map<String, byte[]> before = contents(prefix);

        Finished install = withOneByteFlipped(release.resolve("updater-sidecar.jar"), () ->
                releasedInstallSh(Map.of(), "--base-url", baseUrl, "--prefix", prefix.toString()));

        assertEquals(1, install.exitCode(), install.toString());
        assertTrue(install.err().startsWith("install.sh: updater-sidecar.jar does not match SHA256SUMS"), install.toString());
        Map<String, byte[]> after = contents(prefix);
        assertEquals(before.keySet(), after.keySet(), "no file added or removed");
        for (String name : before.keySet()) {
            assertArrayEquals(before.get(name), after.get(name), name);
        }
    }

    @Test
    void anUnknownVersion_failsWithOneLine(@TempDir Path temp) throws Exception {
        Finished install = installSh("--base-url", baseUrl, "--version", "99.0.0", "--prefix", temp.resolve("u").toString());

        assertEquals(1, install.exitCode(), install.toString());
        assertTrue(install.err().endsWith("install.sh: could not download " + baseUrl
                + "/download/v99.0.0/SHA256SUMS; is 99.0.0 a released version?\n"), install.toString());
        assertFalse(Files.exists(temp.resolve("u")));
    }

    @Test
    void plainHttpToAnotherHost_isRefused_beforeAnyDownload(@TempDir Path temp) throws Exception {
        Finished install = installSh("--base-url", "http://releases.example.com/updater", "--prefix",
                temp.resolve("u").toString());

        assertEquals(1, install.exitCode(), install.toString());
        assertEquals("install.sh: http://releases.example.com/updater is not an https:// URL; plain http is refused"
                + " (except to 127.0.0.1 or localhost).\n", install.err());
    }

    @Test
    void theRepositorysScript_withoutABaseUrl_saysWhatToPass(@TempDir Path temp) throws Exception {
        Finished install = installSh("--prefix", temp.resolve("u").toString());

        assertEquals(1, install.exitCode(), install.toString());
        assertEquals("install.sh: no release URL: pass --base-url URL (for GitHub:"
                + " https://github.com/OWNER/REPO/releases).\n", install.err());
    }

    @Test
    void aBadVersion_isRefused(@TempDir Path temp) throws Exception {
        Finished install = installSh("--base-url", baseUrl, "--version", "../../etc", "--prefix",
                temp.resolve("u").toString());

        assertEquals(1, install.exitCode(), install.toString());
        assertEquals("install.sh: '../../etc' is not a release version such as 1.2.3.\n", install.err());
    }

    private static Finished installSh(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("/bin/sh", "install.sh"));
        command.addAll(List.of(args));
        return ShipFiles.run(command, environment());
    }

    private static Finished sh(String script, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("sh", "-c", script));
        command.addAll(List.of(args));
        return ShipFiles.run(command, environment());
    }

    /** The variables install.sh reads are cleared, so the test's arguments alone decide. */
    private static Map<String, String> environment() {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("UPDATER_BASE_URL", "");
        env.put("UPDATER_VERSION", "");
        env.put("UPDATER_PREFIX", "");
        env.put("UPDATER_PUBLIC_KEY", "");
        return env;
    }

    private interface Action<T> {
        T run() throws Exception;
    }

    private static <T> T withOneByteFlipped(Path file, Action<T> action) throws Exception {
        byte[] original = Files.readAllBytes(file);
        byte[] tampered = original.clone();
        tampered[tampered.length / 2] ^= 0x01;
        Files.write(file, tampered);
        try {
            return action.run();
        } finally {
            Files.write(file, original);
        }
    }

    private static Map<String, byte[]> contents(Path dir) throws IOException {
        Map<String, byte[]> contents = new LinkedHashMap<>();
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path file : files.filter(Files::isRegularFile).sorted().toList()) {
                contents.put(dir.relativize(file).toString(), Files.readAllBytes(file));
            }
        }
        return contents;
    }
}
