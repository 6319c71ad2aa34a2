package dev.updater.sidecar.cli;

import dev.updater.core.Sha256;
import dev.updater.core.manifest.Manifest;
import dev.updater.core.manifest.ManifestParser;
import dev.updater.core.signature.OpenSsl;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Base64;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PublishCommandTest {
    @TempDir
    Path dir;

    private Path keys;
    private Path channel;
    private Path jar;

    @BeforeEach
    void keysAndArtifact() throws Exception {
        keys = dir.resolve("keys");
        channel = dir.resolve("channel");
        assertEquals(0, CliRun.run("keygen", "--out", keys.toString()).exitCode());
        jar = Files.write(dir.resolve("app.jar"), "the 1.0.0 bytes".getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void publish_thenVerify_roundTrips_withEveryField() throws Exception {
        CliRun run = publish("--version", "1.0.0", "--artifact", "any=" + jar, "--feature", "Dark mode",
                "--fix", "Login timeout", "--min-version", "0.9.0", "--release-date", "2026-02-07T12:00:00Z",
                "--expires-in", "30d", "--rollout", "25");
        assertEquals(0, run.exitCode(), run.toString());

        Manifest m = ManifestParser.parse(Files.readAllBytes(channel.resolve("manifest.json")), "test");
        assertEquals("1.0.0", m.version().toString());
        assertEquals("1.0.0/any/app.jar", m.binaries().get("any").url());
        assertEquals(Sha256.ofFile(jar), m.binaries().get("any").sha256());
        assertEquals(Files.size(jar), m.binaries().get("any").size());
        assertEquals(List.of("Dark mode"), m.changelog().features());
        assertEquals(List.of("Login timeout"), m.changelog().fixes());
        assertEquals("0.9.0", m.minVersion().toString());
        assertEquals(Instant.parse("2026-02-07T12:00:00Z"), m.releaseDate());
        assertEquals(Instant.parse("2026-03-09T12:00:00Z"), m.expires());
        assertEquals(25.0, m.rollout().percent());
        assertArrayEquals(Files.readAllBytes(jar), Files.readAllBytes(channel.resolve("1.0.0/any/app.jar")));
        assertTrue(run.out().startsWith("Published 1.0.0 into " + channel + "\n"), run.out());

        // released in February 2026 with a 30-day expiry: verify reports the channel as expired
        CliRun verify = CliRun.run("verify", "--manifest", channel.toString(), "--key-file",
                keys.resolve("updater.pub").toString(), "--artifacts");
        assertEquals(1, verify.exitCode(), verify.toString());
        assertEquals("PROBLEM  Manifest " + channel.resolve("manifest.json") + " expired at 2026-03-09T12:00:00Z;"
                + " hosts refuse it. Re-publish the release to renew it.\n"
                + "Not verified: 1 problem(s) in " + channel.resolve("manifest.json") + ".\n", verify.err());
        assertTrue(verify.out().contains("ok       artifact any: 15 bytes, sha256 matches\n"), verify.out());
    }

    @Test
    void publishedChannel_verifies_andItsSignatureVerifiesWithOpenssl() throws Exception {
        assertEquals(0, publish("--version", "1.0.0", "--artifact", "any=" + jar).exitCode());

        CliRun verify = CliRun.run("verify", "--manifest", channel.resolve("manifest.json").toString(),
                "--key-file", keys.resolve("updater.pub").toString(), "--artifacts");
        assertEquals(0, verify.exitCode(), verify.toString());
        assertTrue(verify.out().endsWith("Verified " + channel.resolve("manifest.json") + ": release 1.0.0.\n"));

        String sig = Files.readString(channel.resolve("manifest.json.sig")).strip();
        Files.write(dir.resolve("sig.bin"), Base64.getDecoder().decode(sig));
        String out = OpenSsl.runOk(dir, "pkeyutl", "-verify", "-pubin", "-inkey", keys.resolve("updater.pub").toString(),
                "-rawin", "-in", channel.resolve("manifest.json").toString(), "-sigfile", "sig.bin");
        assertTrue(out.contains("Signature Verified Successfully"), out);
    }

    @Test
    void publish_withAnOpensslKey_verifiesWithItsOpensslPublicKey() throws Exception {
        OpenSsl.runOk(dir, "genpkey", "-algorithm", "ed25519", "-out", "ossl.pem");
        OpenSsl.runOk(dir, "pkey", "-in", "ossl.pem", "-pubout", "-out", "ossl.pub");
        CliRun run = CliRun.run("publish", "--version", "1.0.0", "--artifact", "any=" + jar,
                "--key", dir.resolve("ossl.pem").toString(), "--out", channel.toString());
        assertEquals(0, run.exitCode(), run.toString());

        CliRun verify = CliRun.run("verify", "--manifest", channel.toString(), "--key-file", dir.resolve("ossl.pub").toString());
        assertEquals(0, verify.exitCode(), verify.toString());
        CliRun wrongKey = CliRun.run("verify", "--manifest", channel.toString(), "--key-file",
                keys.resolve("updater.pub").toString());
        assertEquals(1, wrongKey.exitCode(), wrongKey.toString());
    }

    @Test
    void publish_withBaseUrl_writesAbsoluteArtifactUrls() throws Exception {
        assertEquals(0, publish("--version", "1.0.0", "--artifact", "linux-x64=" + jar, "--base-url",
                "https://cdn.example.com/app").exitCode());
        Manifest m = ManifestParser.parse(Files.readAllBytes(channel.resolve("manifest.json")), "test");
        assertEquals("https://cdn.example.com/app/1.0.0/linux-x64/app.jar", m.binaries().get("linux-x64").url());
    }

    @Test
    void publish_refusesAVersionNotNewer_andLeavesTheChannelUnchanged() throws Exception {
        assertEquals(0, publish("--version", "1.1.0", "--artifact", "any=" + jar).exitCode());
        byte[] manifest = Files.readAllBytes(channel.resolve("manifest.json"));
        byte[] sig = Files.readAllBytes(channel.resolve("manifest.json.sig"));

        for (String older : new String[] {"1.1.0", "1.0.0"}) {
            CliRun run = publish("--version", older, "--artifact", "any=" + jar);
            assertEquals(1, run.exitCode(), run.toString());
            assertEquals("Nothing was published: " + channel.resolve("manifest.json") + " already offers 1.1.0, and "
                    + older + " is not newer. Publish a newer version, or pass --force (hosts that accepted 1.1.0 will"
                    + " refuse an older manifest).\n", run.err());
            assertArrayEquals(manifest, Files.readAllBytes(channel.resolve("manifest.json")));
            assertArrayEquals(sig, Files.readAllBytes(channel.resolve("manifest.json.sig")));
        }
        assertFalse(Files.exists(channel.resolve("1.0.0")), "no artifact copied for a refused release");

        assertEquals(0, publish("--version", "1.0.0", "--artifact", "any=" + jar, "--force").exitCode());
    }

    @Test
    void publish_refusesMissingAndEmptyArtifacts_allAtOnce() throws Exception {
        Path empty = Files.createFile(dir.resolve("empty.jar"));
        CliRun run = publish("--version", "1.0.0", "--artifact", "any=" + dir.resolve("missing.jar"),
                "--artifact", "linux-x64=" + empty);
        assertEquals(1, run.exitCode());
        assertEquals("Nothing was published: artifact " + dir.resolve("missing.jar") + " does not exist; artifact "
                + empty + " is empty.\n", run.err());
        assertFalse(Files.exists(channel.resolve("manifest.json")));
    }

    @Test
    void publish_refusesBadOptionValues_asUsageErrors() {
        assertUsage(publish("--version", "1.x", "--artifact", "any=" + jar),
                "Invalid value for option '--version': '1.x' is not a semantic version such as 1.3.0 or 2.0.0-rc.1");
        assertUsage(publish("--version", "1.0.0", "--artifact", "solaris-sparc=" + jar),
                "Invalid value for option '--artifact' (KEY=PATH): 'solaris-sparc' is not a platform key; use one of"
                        + " any, darwin-arm64, darwin-x64, linux-arm64, linux-x64, windows-x64");
        assertUsage(publish("--version", "1.0.0", "--artifact", jar.toString()),
                "Invalid value for option '--artifact' (KEY=PATH): '" + jar + "' is not KEY=PATH, for example"
                        + " any=target/app.jar");
        assertUsage(publish("--version", "1.0.0", "--artifact", "any=" + jar, "--rollout", "101"),
                "Invalid value for option '--rollout': 101.0 is outside 0 to 100");
        assertUsage(publish("--version", "1.0.0", "--artifact", "any=" + jar, "--expires-in", "soon"),
                "Invalid value for option '--expires-in': \"soon\" is not a duration; write a number and a"
                        + " unit: 500ms, 5s, 10m, 1h or 30d");
        assertUsage(publish("--version", "1.0.0", "--artifact", "any=" + jar, "--artifact", "any=" + jar),
                "Platform key 'any' is given twice in --artifact");
        assertFalse(Files.exists(channel), "nothing written for a usage error");
    }

    @Test
    void publish_refusesAMinVersionAboveTheRelease() {
        CliRun run = publish("--version", "1.0.0", "--artifact", "any=" + jar, "--min-version", "2.0.0");
        assertEquals(1, run.exitCode());
        assertEquals("Nothing was published: --min-version 2.0.0 is above the release 1.0.0.\n", run.err());
    }

    @Test
    void publish_withThePublicKeyFile_saysItNeedsThePrivateKey() {
        CliRun run = CliRun.run("publish", "--version", "1.0.0", "--artifact", "any=" + jar,
                "--key", keys.resolve("updater.pub").toString(), "--out", channel.toString());
        assertEquals(1, run.exitCode());
        assertEquals("Key file " + keys.resolve("updater.pub") + ": No PEM \"-----BEGIN PRIVATE KEY-----\" block found."
                + " This looks like a public key; signing needs the private key file.\n", run.err());
        assertFalse(Files.exists(channel.resolve("manifest.json")));
    }

    @Test
    void publish_neverChangesAnArtifactAlreadyPublishedUnderTheSameName() throws Exception {
        assertEquals(0, publish("--version", "1.0.0", "--artifact", "any=" + jar).exitCode());
        Files.delete(channel.resolve("manifest.json"));
        Files.writeString(jar, "other bytes");
        CliRun run = publish("--version", "1.0.0", "--artifact", "any=" + jar);
        assertEquals(1, run.exitCode());
        assertEquals("Nothing was published: " + channel.resolve("1.0.0/any/app.jar") + " already exists with other"
                + " content; a published artifact never changes. Publish a new version, or pass --force to replace"
                + " it.\n", run.err());
        assertEquals("the 1.0.0 bytes", Files.readString(channel.resolve("1.0.0/any/app.jar")));
    }

    private CliRun publish(String... args) {
        String[] all = new String[args.length + 5];
        all[0] = "publish";
        System.arraycopy(args, 0, all, 1, args.length);
        all[args.length + 1] = "--key";
        all[args.length + 2] = keys.resolve("updater.key").toString();
        all[args.length + 3] = "--out";
        all[args.length + 4] = channel.toString();
        return CliRun.run(all);
    }

    private static void assertUsage(CliRun run, String firstLine) {
        assertEquals(2, run.exitCode(), run.toString());
        assertEquals(firstLine, run.err().lines().findFirst().orElse(""), run.toString());
        assertTrue(run.err().endsWith("Run 'updater-sidecar publish --help' for more information.\n"), run.err());
    }
}
