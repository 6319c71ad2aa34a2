package dev.updater.sidecar.cli;

import dev.updater.core.Sha256;
import dev.updater.core.testing.ChildProcess;
import dev.updater.core.testing.TestChannel;
import dev.updater.sidecar.testhost.SidecarJar;
import dev.updater.sidecar.testhost.Staging;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.jar.Attributes;
import java.util.jar.JarFile;
import java.util.jar.Manifest;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code java -jar updater-sidecar.jar self-update} as an operator runs it, from a copy of the built
 * jar installed with its agent jar beside it, against a signed channel on 127.0.0.1 that offers
 * versions of that same jar (its manifest's Implementation-Version rewritten, so that the smoke
 * test's {@code --version} prints the offered one). Each test is one sidecar JVM (plus the smoke
 * test's JVM where the release gets that far).
 */
class SelfUpdateIT {
    private static final String AGENT_ENTRY = "dev/updater/sidecar/agent/updater.jar";

    @TempDir
    Path temp;

    private TestChannel channel;
    private Path folder;
    private Path sidecarJar;
    private Path agentJar;
    private String running;

    @BeforeEach
    void installTheBuiltUpdater() throws Exception {
        SidecarJar.assumeBuilt();
        channel = TestChannel.start(temp.resolve("channel"));
        folder = Files.createDirectories(temp.resolve("opt/updater"));
        sidecarJar = Files.copy(SidecarJar.PATH, folder.resolve("updater-sidecar.jar"));
        agentJar = folder.resolve("updater.jar");
        try (JarFile jar = new JarFile(SidecarJar.PATH.toFile()); InputStream in = jar.getInputStream(jar.getEntry(AGENT_ENTRY))) {
            Files.copy(in, agentJar);
            running = jar.getManifest().getMainAttributes().getValue("Implementation-Version");
        }
    }

    @AfterEach
    void stopChannel() {
        if (channel != null) {
            channel.close();
        }
    }

    @Test
    void aNewerSignedRelease_isOffered_thenInstalled_withTheOldJarsKeptAsBackups() throws Exception {
        byte[] release = release("99.0.0", "dev.updater.sidecar.cli.Main");
        channel.publish("99.0.0", release);
        byte[] oldSidecar = Files.readAllBytes(sidecarJar);
        byte[] oldAgent = Files.readAllBytes(agentJar);

        ChildProcess.Finished offered = selfUpdate("--check");
        assertEquals(0, offered.exitCode(), offered.toString());
        assertTrue(offered.out().contains("UPDATE AVAILABLE"), offered.toString());
        assertTrue(offered.out().contains("New version:     99.0.0 (released"), offered.toString());
        assertTrue(offered.out().endsWith("Install it with 'updater-sidecar self-update'.\n"), offered.toString());
        assertUnchanged(oldSidecar, oldAgent);

        ChildProcess.Finished installed = selfUpdate("--yes");
        assertEquals(0, installed.exitCode(), installed.toString());
        assertTrue(installed.out().contains("UPDATED THE UPDATER FROM " + running + " TO 99.0.0"), installed.toString());
        assertArrayEquals(release, Files.readAllBytes(sidecarJar), "the sidecar jar is the published one");
        assertArrayEquals(nestedAgent(release), Files.readAllBytes(agentJar), "the agent jar is the one it carries");
        assertArrayEquals(oldSidecar, Files.readAllBytes(folder.resolve("updater-sidecar.jar.previous")));
        assertArrayEquals(oldAgent, Files.readAllBytes(folder.resolve("updater.jar.previous")));
        assertEquals(List.of("updater-sidecar.jar", "updater-sidecar.jar.previous", "updater.jar", "updater.jar.previous"),
                list(folder), "no temporary file is left beside the jars");
    }

    @Test
    void aTamperedJar_isRefused_andNothingIsReplaced() throws Exception {
        byte[] release = release("99.0.0", "dev.updater.sidecar.cli.Main");
        channel.publish("99.0.0", release);
        Path published = channel.dir().resolve(TestChannel.artifactPath("99.0.0"));
        byte[] tampered = release.clone();
        tampered[tampered.length / 2] ^= 1; // one bit, after signing
        Files.write(published, tampered);

        assertRefusedLeavingTheOldJars(selfUpdate("--yes"), "The download of "
                + channel.manifestUri().resolve(TestChannel.artifactPath("99.0.0")) + " does not match its published"
                + " SHA-256: expected " + Sha256.ofBytes(release).hex() + " but got " + Sha256.ofBytes(tampered).hex()
                + "; the file was deleted, check that the manifest and the artifact belong to the same release."
                + " Nothing was replaced; the installed updater is unchanged.");
    }

    @Test
    void anOlderRelease_isRefused_andNothingIsReplaced() throws Exception {
        channel.publish("0.0.1", release("0.0.1", "dev.updater.sidecar.cli.Main"));

        ChildProcess.Finished refused = assertRefusedLeavingTheOldJars(selfUpdate("--yes"),
                "Nothing was replaced: The channel offers updater 0.0.1, older than this updater " + running
                        + "; the updater never moves itself back (to go back on purpose, put"
                        + " updater-sidecar.jar.previous back in place).");
        assertEquals(0, channel.requests("/" + TestChannel.artifactPath("0.0.1")), "an older jar is not even downloaded");
        assertTrue(refused.out().contains("NO UPDATE TO INSTALL"), refused.toString());
    }

    @Test
    void anUnsignedManifest_isRefused_andNothingIsReplaced() throws Exception {
        channel.publish("99.0.0", release("99.0.0", "dev.updater.sidecar.cli.Main"));
        channel.writeRaw(Files.readAllBytes(channel.dir().resolve("manifest.json")), null);

        assertRefusedLeavingTheOldJars(selfUpdate("--yes"), "The updater's channel " + channel.manifestUri()
                + " has no signature (" + channel.manifestUri() + ".sig); self-update installs only a release signed"
                + " by a key it trusts, and has no option to accept an unsigned one. It checks with key "
                + channel.key().id() + " (" + channel.keyText() + ") (channel and key: --manifest and --key). Publish"
                + " the updater's release signed with that key's private half ('scripts/release.sh --key KEYFILE', or"
                + " 'updater-sidecar publish --key KEYFILE'), or, if the channel is signed with another key you trust,"
                + " pass its public key with --key ed25519:... or --keyfile FILE. Nothing was replaced; the installed"
                + " updater is unchanged.");
    }

    @Test
    void aReleaseThatFailsItsSmokeTest_leavesTheOldJarsInPlace() throws Exception {
        channel.publish("99.0.0", release("99.0.0", "dev.updater.sidecar.cli.NoSuchMain"));

        assertRefusedLeavingTheOldJars(selfUpdate("--yes"), "The new updater 99.0.0 failed its smoke test: 'java -jar"
                + " updater-sidecar-99.0.0.jar --version' exited with 1 and printed \"\"");
    }

    @Test
    void status_showsTheUpdatersVersionAndANewerOne_fromTheChannelBuiltIntoTheJar_askingAtMostDaily() throws Exception {
        channel.publish("99.0.0", release("99.0.0", "dev.updater.sidecar.cli.Main"));
        try (FileSystem zip = FileSystems.newFileSystem(sidecarJar)) {
            // what scripts/release.sh --channel-url writes
            Path properties = Files.createDirectories(zip.getPath("dev/updater/sidecar")).resolve("self-update.properties");
            Files.writeString(properties, "manifest=" + channel.manifestUri() + "\nkey=" + channel.keyText() + "\n");
        }
        Path home = Staging.newHome(temp.resolve("app/updates"));
        Files.createFile(home.resolve("history.jsonl"));
        Pattern available = Pattern.compile("Updater:      updater-sidecar " + Pattern.quote(running) + "; 99\\.0\\.0 is"
                + " available: run 'updater-sidecar self-update' \\(checked \\d{4}-\\d\\d-\\d\\dT[0-9:.]+Z\\)");

        for (int run = 1; run <= 2; run++) {
            ChildProcess.Finished status = sidecar(Map.of(), "status", "--home", home.toString());
            assertEquals(0, status.exitCode(), status.toString());
            List<String> lines = status.out().lines().toList();
            assertTrue(available.matcher(lines.get(lines.size() - 1)).matches(), status.toString());
        }
        assertEquals(1, channel.requests("/manifest.json"), "the second status used the first one's answer");

        ChildProcess.Finished off = sidecar(Map.of("UPDATER_NO_SELF_CHECK", "1"), "status", "--home", home.toString());
        assertTrue(off.out().endsWith("Updater:      updater-sidecar " + running + " (newer versions not checked:"
                + " UPDATER_NO_SELF_CHECK or --no-self-check)\n"), off.toString());
        assertEquals(1, channel.requests("/manifest.json"));
    }

    private ChildProcess.Finished selfUpdate(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("self-update", "--manifest", channel.manifestUri().toString(),
                "--key", channel.keyText()));
        command.addAll(List.of(args));
        return sidecar(Map.of(), command.toArray(String[]::new));
    }

    /** The installed jar, run with its own per-user cache folder. */
    private ChildProcess.Finished sidecar(Map<String, String> environment, String... args)
            throws IOException, InterruptedException {
        List<String> all = new ArrayList<>(ChildProcess.java("-jar", sidecarJar));
        all.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(all);
        builder.environment().put("XDG_CACHE_HOME", temp.resolve("cache").toString());
        builder.environment().remove("UPDATER_NO_SELF_CHECK");
        builder.environment().putAll(environment);
        return ChildProcess.run(builder, Duration.ofMinutes(2));
    }

    private ChildProcess.Finished assertRefusedLeavingTheOldJars(ChildProcess.Finished run, String message)
            throws IOException {
        assertEquals(1, run.exitCode(), run.toString());
        assertTrue(run.err().contains(message), "expected \"" + message + "\" in:\n" + run);
        assertEquals(1, run.err().lines().count(), "one clear message:\n" + run);
        try (JarFile jar = new JarFile(SidecarJar.PATH.toFile()); InputStream in = jar.getInputStream(jar.getEntry(AGENT_ENTRY))) {
            assertUnchanged(Files.readAllBytes(SidecarJar.PATH), in.readAllBytes());
        }
        assertEquals(List.of("updater-sidecar.jar", "updater.jar"), list(folder), "no backup, no temporary file");
        return run;
    }

    private void assertUnchanged(byte[] sidecar, byte[] agent) throws IOException {
        assertEquals(Sha256.ofBytes(sidecar), Sha256.ofFile(sidecarJar), "the sidecar jar is byte for byte the old one");
        assertEquals(Sha256.ofBytes(agent), Sha256.ofFile(agentJar), "the agent jar is byte for byte the old one");
    }

    /**
     * The built jar as release {@code version}: its Implementation-Version rewritten, its Main-Class
     * {@code mainClass}, and a marker in the agent jar it carries, so the installed agent jar is
     * told apart from the old one.
     */
    private byte[] release(String version, String mainClass) throws IOException {
        Path jar = Files.copy(SidecarJar.PATH, temp.resolve("release-" + version + "-" + mainClass + ".jar"));
        try (FileSystem zip = FileSystems.newFileSystem(jar)) {
            Path manifestFile = zip.getPath("META-INF/MANIFEST.MF");
            Manifest manifest;
            try (InputStream in = Files.newInputStream(manifestFile)) {
                manifest = new Manifest(in);
            }
            manifest.getMainAttributes().put(Attributes.Name.IMPLEMENTATION_VERSION, version);
            manifest.getMainAttributes().put(Attributes.Name.MAIN_CLASS, mainClass);
            try (OutputStream out = Files.newOutputStream(manifestFile)) {
                manifest.write(out);
            }
            Path agent = temp.resolve("agent-" + version + ".jar");
            Files.copy(zip.getPath(AGENT_ENTRY), agent);
            try (FileSystem agentZip = FileSystems.newFileSystem(agent)) {
                Files.writeString(agentZip.getPath("self-update-test-release.txt"), version);
            }
            Files.copy(agent, zip.getPath(AGENT_ENTRY), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
        return Files.readAllBytes(jar);
    }

    private static byte[] nestedAgent(byte[] sidecar) throws IOException {
        Path file = Files.createTempFile("nested-", ".jar");
        try {
            Files.write(file, sidecar);
            try (JarFile jar = new JarFile(file.toFile()); InputStream in = jar.getInputStream(jar.getEntry(AGENT_ENTRY))) {
                return in.readAllBytes();
            }
        } finally {
            Files.delete(file);
        }
    }

    private static List<String> list(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }
}
