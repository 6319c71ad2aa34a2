package dev.updater.sidecar.ship;

import dev.updater.core.Sha256;
import dev.updater.sidecar.channel.KeyFiles;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.condition.DisabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarFile;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.awaitility.Awaitility.await;
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

    private Process server;
    private final List<String> serverOutput = new CopyOnWriteArrayList<>();
    private String baseUrl;
    private Path release;
    private String version;

    @BeforeAll
    void releaseServedOnLoopback(@TempDir Path temp) throws Exception {
        assumeTrue(Files.isRegularFile(ShipFiles.SIDECAR_JAR), "run after 'package': " + ShipFiles.SIDECAR_JAR);
        Path site = Files.createDirectory(temp.resolve("site"));
        server = new ProcessBuilder(ShipFiles.java(), "-jar", ShipFiles.SIDECAR_JAR.toString(), "serve", site.toString(),
                "--port", "0").redirectErrorStream(true).start();
        Thread reader = new Thread(() -> readLines(server, serverOutput), "serve-output");
        reader.setDaemon(true);
        reader.start();
        await().atMost(Duration.ofSeconds(30)).until(() -> serverOutput.stream().anyMatch(SERVING.asPredicate()));
        Matcher serving = SERVING.matcher(serverOutput.get(0));
        assertTrue(serving.find(), serverOutput.toString());
        baseUrl = serving.group(1);

        Path key = KeyFiles.create(temp.resolve("keys")).privateKey();
        ProcessRun made = ReleaseScriptIT.release("--key", key.toString(), "--out", site.toString(), "--base-url", baseUrl,
                "--latest");
        assertEquals(0, made.exitCode(), made.toString());
        try (JarFile jar = new JarFile(ShipFiles.SIDECAR_JAR.toFile())) {
            version = jar.getManifest().getMainAttributes().getValue("Implementation-Version");
        }
        release = site.resolve("download/v" + version);
    }

    @AfterAll
    void stopServer() throws InterruptedException {
        if (server != null) {
            server.destroy();
            if (!server.waitFor(10, TimeUnit.SECONDS)) {
                server.destroyForcibly();
            }
        }
    }

    @Test
    void curlPipeSh_installsTheLatestRelease_verified_andPrintsTheNextStep(@TempDir Path temp) throws Exception {
        Path prefix = temp.resolve("opt/updater");

        ProcessRun install = sh("curl -fsSL \"$0/latest/download/install.sh\" | sh -s -- --prefix \"$1\"",
                baseUrl, prefix.toString());

        assertEquals(0, install.exitCode(), install.toString());
        assertArrayEquals(Files.readAllBytes(ShipFiles.SIDECAR_JAR), Files.readAllBytes(prefix.resolve("updater-sidecar.jar")));
        assertArrayEquals(Files.readAllBytes(ShipFiles.AGENT_JAR), Files.readAllBytes(prefix.resolve("updater.jar")));
        assertEquals(version + "\n", Files.readString(prefix.resolve("VERSION")));
        assertEquals("Downloading updater " + version + " from " + baseUrl + "/download/v" + version + "/\n"
                + "  verified updater-sidecar.jar  sha256 " + Sha256.ofFile(ShipFiles.SIDECAR_JAR).hex() + "\n"
                + "  verified updater.jar  sha256 " + Sha256.ofFile(ShipFiles.AGENT_JAR).hex() + "\n"
                + "Installed updater " + version + " into " + prefix + ":\n"
                + "  " + prefix + "/updater-sidecar.jar   the sidecar (run, watch, status, publish, ...)\n"
                + "  " + prefix + "/updater.jar           the agent, for the service's -javaagent option\n"
                + "  " + prefix + "/bin/updater-sidecar   runs the sidecar: " + prefix + "/bin/updater-sidecar --help\n"
                + "Next: create a signing key, then follow docs/getting-started.md:\n"
                + "  " + prefix + "/bin/updater-sidecar keygen --out ./keys\n", install.out());
        assertEquals("", install.err());

        ProcessRun wrapper = ProcessRun.run(List.of(prefix.resolve("bin/updater-sidecar").toString(), "--version"),
                Map.of("JAVA", ShipFiles.java()));
        assertEquals(0, wrapper.exitCode(), wrapper.toString());
        assertEquals("updater-sidecar " + version + "\n", wrapper.out());
    }

    @Test
    void theRepositorysScript_installsAGivenVersion(@TempDir Path temp) throws Exception {
        Path prefix = temp.resolve("updater");

        ProcessRun install = installSh("--base-url", baseUrl + "/", "--version", "v" + version, "--prefix", prefix.toString());

        assertEquals(0, install.exitCode(), install.toString());
        assertArrayEquals(Files.readAllBytes(ShipFiles.AGENT_JAR), Files.readAllBytes(prefix.resolve("updater.jar")));
    }

    @Test
    void aTamperedJar_isRefused_andNothingIsInstalled(@TempDir Path temp) throws Exception {
        Path prefix = temp.resolve("updater");
        Path jar = release.resolve("updater.jar");
        String expected = Sha256.ofFile(jar).hex();

        ProcessRun install = withOneByteFlipped(jar, () ->
                installSh("--base-url", baseUrl, "--prefix", prefix.toString()));

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

        ProcessRun install = withOneByteFlipped(release.resolve("updater-sidecar.jar"), () ->
                installSh("--base-url", baseUrl, "--prefix", prefix.toString()));

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
        ProcessRun install = installSh("--base-url", baseUrl, "--version", "99.0.0", "--prefix", temp.resolve("u").toString());

        assertEquals(1, install.exitCode(), install.toString());
        assertTrue(install.err().endsWith("install.sh: could not download " + baseUrl
                + "/download/v99.0.0/SHA256SUMS; is 99.0.0 a released version?\n"), install.toString());
        assertFalse(Files.exists(temp.resolve("u")));
    }

    @Test
    void plainHttpToAnotherHost_isRefused_beforeAnyDownload(@TempDir Path temp) throws Exception {
        ProcessRun install = installSh("--base-url", "http://releases.example.com/updater", "--prefix",
                temp.resolve("u").toString());

        assertEquals(1, install.exitCode(), install.toString());
        assertEquals("install.sh: http://releases.example.com/updater is not an https:// URL; plain http is refused"
                + " (except to 127.0.0.1 or localhost).\n", install.err());
    }

    @Test
    void theRepositorysScript_withoutABaseUrl_saysWhatToPass(@TempDir Path temp) throws Exception {
        ProcessRun install = installSh("--prefix", temp.resolve("u").toString());

        assertEquals(1, install.exitCode(), install.toString());
        assertEquals("install.sh: no release URL: pass --base-url URL (for GitHub:"
                + " https://github.com/OWNER/REPO/releases).\n", install.err());
    }

    @Test
    void aBadVersion_isRefused(@TempDir Path temp) throws Exception {
        ProcessRun install = installSh("--base-url", baseUrl, "--version", "../../etc", "--prefix",
                temp.resolve("u").toString());

        assertEquals(1, install.exitCode(), install.toString());
        assertEquals("install.sh: '../../etc' is not a release version such as 1.2.3.\n", install.err());
    }

    private static ProcessRun installSh(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("sh", "install.sh"));
        command.addAll(List.of(args));
        return ProcessRun.run(command, environment());
    }

    private static ProcessRun sh(String script, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("sh", "-c", script));
        command.addAll(List.of(args));
        return ProcessRun.run(command, environment());
    }

    /** The variables install.sh reads are cleared, so the test's arguments alone decide. */
    private static Map<String, String> environment() {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("UPDATER_BASE_URL", "");
        env.put("UPDATER_VERSION", "");
        env.put("UPDATER_PREFIX", "");
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

    private static void readLines(Process process, List<String> output) {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(),
                StandardCharsets.UTF_8))) {
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                output.add(line);
            }
        } catch (IOException e) {
            output.add("(output unreadable: " + e + ")");
        }
    }
}
