package dev.updater.sidecar.cli;

import dev.updater.sidecar.serve.ReleaseServer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class VerifyCommandTest {
    @TempDir
    Path dir;

    private Path channel;
    private Path manifest;
    private String pub;

    @BeforeEach
    void publishedChannel() throws Exception {
        Path keys = dir.resolve("keys");
        channel = dir.resolve("channel");
        manifest = channel.resolve("manifest.json");
        assertEquals(0, CliRun.run("keygen", "--out", keys.toString()).exitCode());
        pub = keys.resolve("updater.pub").toString();
        Path jar = Files.write(dir.resolve("app.jar"), new byte[64 * 1024]);
        CliRun run = CliRun.run("publish", "--version", "1.2.0", "--artifact", "any=" + jar, "--key",
                keys.resolve("updater.key").toString(), "--out", channel.toString());
        assertEquals(0, run.exitCode(), run.toString());
    }

    @Test
    void verify_acceptsTheKeyAsItsOneLineForm() throws Exception {
        String text = dev.updater.core.signature.Ed25519Keys.toText(
                dev.updater.core.signature.Ed25519Keys.parsePublicKey(Files.readString(Path.of(pub))));
        CliRun run = CliRun.run("verify", "--manifest", manifest.toString(), "--key", text);
        assertEquals(0, run.exitCode(), run.toString());
    }

    @Test
    void oneFlippedByteInTheManifest_failsVerification_withTheReason() throws Exception {
        byte[] bytes = Files.readAllBytes(manifest);
        int at = new String(bytes, StandardCharsets.UTF_8).indexOf("1.2.0");
        bytes[at + 2] = '3'; // 1.2.0 -> 1.3.0
        Files.write(manifest, bytes);

        CliRun run = CliRun.run("verify", "--manifest", manifest.toString(), "--key-file", pub);

        assertEquals(1, run.exitCode(), run.toString());
        assertTrue(run.err().startsWith("PROBLEM  The signature of manifest " + manifest + " does not match any"
                + " trusted key ("), run.err());
        assertTrue(run.err().endsWith("Not verified: 1 problem(s) in " + manifest + ".\n"), run.err());
    }

    @Test
    void oneFlippedByteInTheSignature_failsVerification() throws Exception {
        Path sigFile = channel.resolve("manifest.json.sig");
        byte[] raw = Base64.getDecoder().decode(Files.readString(sigFile).strip());
        raw[0] ^= 1;
        Files.writeString(sigFile, Base64.getEncoder().encodeToString(raw) + "\n");

        CliRun run = CliRun.run("verify", "--manifest", manifest.toString(), "--key-file", pub);

        assertEquals(1, run.exitCode());
        assertTrue(run.err().contains("does not match any trusted key"), run.err());
    }

    @Test
    void oneFlippedByteInTheArtifact_failsOnlyWithArtifacts_namingTheHashes() throws Exception {
        Path jar = channel.resolve("1.2.0/any/app.jar");
        byte[] bytes = Files.readAllBytes(jar);
        bytes[100] ^= 1;
        Files.write(jar, bytes);

        assertEquals(0, CliRun.run("verify", "--manifest", manifest.toString(), "--key-file", pub).exitCode());
        CliRun run = CliRun.run("verify", "--manifest", manifest.toString(), "--key-file", pub, "--artifacts");

        assertEquals(1, run.exitCode());
        assertTrue(run.err().startsWith("PROBLEM  Artifact any (" + jar + ") has SHA-256 "), run.err());
        assertTrue(run.err().contains(", but the manifest says "), run.err());
    }

    @Test
    void missingSignature_isAProblem() throws Exception {
        Files.delete(channel.resolve("manifest.json.sig"));
        CliRun run = CliRun.run("verify", "--manifest", manifest.toString(), "--key-file", pub);
        assertEquals(1, run.exitCode());
        assertTrue(run.err().startsWith("PROBLEM  Manifest " + manifest + " has no signature"), run.err());
    }

    @Test
    void missingManifest_failsWithOneSentence() {
        CliRun run = CliRun.run("verify", "--manifest", dir.resolve("nowhere").toString(), "--key-file", pub);
        assertEquals(1, run.exitCode());
        assertEquals("PROBLEM  The manifest " + dir.resolve("nowhere") + " does not exist.\n"
                + "Not verified: 1 problem(s) in " + dir.resolve("nowhere") + ".\n", run.err());
    }

    @Test
    void verify_withoutAnyKey_isAUsageError() {
        CliRun run = CliRun.run("verify", "--manifest", manifest.toString());
        assertEquals(2, run.exitCode());
        assertTrue(run.err().startsWith("Missing trusted key: give --key ed25519:... or --key-file updater.pub\n"),
                run.err());
    }

    @Test
    void verify_readsAChannelOverHttp_likeAHostWould() throws Exception {
        try (ReleaseServer server = ReleaseServer.start(channel,
                new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), line -> { })) {
            String url = server.uri().resolve("manifest.json").toString();
            CliRun ok = CliRun.run("verify", "--manifest", url, "--key-file", pub, "--artifacts");
            assertEquals(0, ok.exitCode(), ok.toString());
            assertTrue(ok.out().contains("ok       artifact any: 65536 bytes, sha256 matches\n"), ok.out());

            Files.write(channel.resolve("1.2.0/any/app.jar"), new byte[100]);
            CliRun bad = CliRun.run("verify", "--manifest", url, "--key-file", pub, "--artifacts");
            assertEquals(1, bad.exitCode(), bad.toString());
            assertTrue(bad.err().startsWith("PROBLEM  Artifact any: "), bad.err());
        }
    }
}
