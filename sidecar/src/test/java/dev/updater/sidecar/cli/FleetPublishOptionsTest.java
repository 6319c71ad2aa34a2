package dev.updater.sidecar.cli;

import dev.updater.core.Sha256;
import dev.updater.core.manifest.Manifest;
import dev.updater.core.manifest.ManifestParser;
import dev.updater.core.manifest.Rollout;
import dev.updater.core.manifest.RolloutSchedule;
import dev.updater.core.signature.Ed25519Keys;
import dev.updater.core.signature.ManifestSignatures;
import dev.updater.core.signature.TrustedKey;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code publish} for fleets: channels, waves, halt, promote and revert, run through the parser as operators run it. */
class FleetPublishOptionsTest {
    @TempDir
    Path dir;

    private Path keys;
    private Path root;
    private Path jar;

    @BeforeEach
    void keysAndArtifact() throws Exception {
        keys = dir.resolve("keys");
        root = dir.resolve("releases");
        assertEquals(0, CliRun.run("keygen", "--out", keys.toString()).exitCode());
        jar = Files.write(dir.resolve("app.jar"), "the 1.3.0 bytes".getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void channel_publishesIntoItsFolder_withWavesCountedFromTheReleaseDate() throws Exception {
        CliRun run = publish("--version", "1.3.0", "--artifact", "any=" + jar, "--channel", "beta",
                "--release-date", "2026-11-30T08:00:00Z", "--expires-in", "3650d",
                "--rollout-schedule", "1%@0h,10%@6h,50%@24h,100%@48h");

        assertEquals(0, run.exitCode(), run.toString());
        Manifest m = manifest(root.resolve("beta"));
        assertEquals(new Rollout(1, RolloutSchedule.parse("1%@0h,10%@6h,50%@24h,100%@48h"), false, null), m.rollout());
        assertArrayEquals(Files.readAllBytes(jar), Files.readAllBytes(root.resolve("beta/1.3.0/any/app.jar")));
        assertFalse(Files.exists(root.resolve("manifest.json")), "the root holds channels, not a manifest");
        assertTrue(run.out().startsWith("Published 1.3.0 into " + root.resolve("beta") + "\n"), run.out());
        assertTrue(run.out().contains("\n  rollout       in waves 1%@0h,10%@6h,50%@24h,100%@48h from"
                + " 2026-11-30T08:00:00Z (agents older than schedules take it at 1%)\n"), run.out());
    }

    @Test
    void promote_publishesTheSameBytesAndChangelogIntoTheOtherChannel_withItsOwnRollout() throws Exception {
        assertEquals(0, publish("--version", "1.3.0", "--artifact", "any=" + jar, "--channel", "beta",
                "--feature", "Dark mode", "--rollout", "5").exitCode());
        Map<String, String> betaBefore = snapshot(root.resolve("beta"));

        CliRun run = publish("--promote", "1.3.0", "--from", "beta", "--to", "stable",
                "--rollout-schedule", "10%@0h,100%@24h");

        assertEquals(0, run.exitCode(), run.toString());
        Manifest beta = manifest(root.resolve("beta"));
        Manifest stable = manifest(root.resolve("stable"));
        assertEquals(beta.version(), stable.version());
        assertEquals(beta.binaries(), stable.binaries(), "same url, sha256 and size");
        assertEquals(List.of("Dark mode"), stable.changelog().features());
        assertEquals(RolloutSchedule.parse("10%@0h,100%@24h"), stable.rollout().schedule());
        assertArrayEquals(Files.readAllBytes(jar), Files.readAllBytes(root.resolve("stable/1.3.0/any/app.jar")));
        assertEquals(betaBefore, snapshot(root.resolve("beta")), "the source channel is left as it was");
        assertTrue(run.out().startsWith("Published 1.3.0 into " + root.resolve("stable")
                + ", promoted from channel beta with the same artifact bytes\n"), run.out());
    }

    @Test
    void promote_ofAnArtifactChangedAfterSigning_isRefused_andWritesNothing() throws Exception {
        assertEquals(0, publish("--version", "1.3.0", "--artifact", "any=" + jar, "--channel", "beta").exitCode());
        Path artifact = root.resolve("beta/1.3.0/any/app.jar");
        Sha256 signed = Sha256.ofFile(artifact);
        Files.writeString(artifact, "other bytes on the server");

        CliRun run = publish("--promote", "1.3.0", "--from", "beta", "--to", "stable");

        assertEquals(1, run.exitCode(), run.toString());
        assertEquals("Nothing was promoted: " + artifact + " has SHA-256 " + Sha256.ofFile(artifact) + ", but 1.3.0 was"
                + " signed with " + signed + "; it changed after it was published. Find out why before publishing"
                + " anything from it.\n", run.err());
        assertFalse(Files.exists(root.resolve("stable")));
    }

    @Test
    void promote_ofAnotherVersionThanTheChannelOffers_isRefused() throws Exception {
        assertEquals(0, publish("--version", "1.3.0", "--artifact", "any=" + jar, "--channel", "beta").exitCode());

        CliRun run = publish("--promote", "1.2.0", "--from", "beta", "--to", "stable");

        assertEquals(1, run.exitCode(), run.toString());
        assertEquals("Nothing was promoted: " + root.resolve("beta/manifest.json") + " offers 1.3.0, not 1.2.0; promote"
                + " the release the channel offers, or check --from.\n", run.err());
        assertFalse(Files.exists(root.resolve("stable")));
    }

    @Test
    void halt_reSignsTheManifestWithTheReleaseHalted_changingNothingElse() throws Exception {
        assertEquals(0, publish("--version", "1.3.0", "--artifact", "any=" + jar, "--channel", "stable",
                "--rollout-schedule", "1%@0h,100%@48h", "--rollout-salt", "q4").exitCode());
        Path channel = root.resolve("stable");
        Manifest before = manifest(channel);
        Map<String, String> artifactsBefore = snapshot(channel.resolve("1.3.0"));

        CliRun run = publish("--halt", "1.3.0", "--channel", "stable");

        assertEquals(0, run.exitCode(), run.toString());
        Manifest after = manifest(channel);
        assertEquals(new Rollout(0, before.rollout().schedule(), true, "q4"), after.rollout());
        assertEquals(new Manifest(before.version(), before.releaseDate(), before.binaries(), before.changelog(),
                before.minVersion(), before.breakingChanges(), before.expires(), after.rollout()), after);
        assertEquals(artifactsBefore, snapshot(channel.resolve("1.3.0")));
        assertTrue(run.out().startsWith("Halted 1.3.0 in " + channel + ": hosts that have not installed it do not,"
                + " agents drop a staged copy at their next check, hosts that installed it keep it.\n"), run.out());

        Map<String, String> halted = snapshot(channel);
        CliRun again = publish("--halt", "1.3.0", "--channel", "stable");
        assertEquals(0, again.exitCode(), again.toString());
        assertEquals("1.3.0 in " + channel.resolve("manifest.json") + " was halted already; nothing was written.\n",
                again.out());
        assertEquals(halted, snapshot(channel));
    }

    @Test
    void halt_ofAnotherVersion_isRefused_andChangesNothing() throws Exception {
        assertEquals(0, publish("--version", "1.3.0", "--artifact", "any=" + jar).exitCode());
        Map<String, String> before = snapshot(root);

        CliRun run = publish("--halt", "1.2.0");

        assertEquals(1, run.exitCode(), run.toString());
        assertEquals("Nothing was halted: " + root.resolve("manifest.json") + " offers 1.3.0, not 1.2.0. A halt stops"
                + " the release a channel offers now; check --out and --channel. Hosts that installed 1.2.0 keep it:"
                + " to move them off it, publish a newer version with 'publish --revert-to OLD --version NEW'.\n",
                run.err());
        assertEquals(before, snapshot(root));
    }

    @Test
    void revertTo_publishesTheOldReleasesBytesAsANewVersion_inOneCommand() throws Exception {
        Path old = Files.write(dir.resolve("app-1.1.0.jar"), "the 1.1.0 bytes".getBytes(StandardCharsets.UTF_8));
        assertEquals(0, publish("--version", "1.1.0", "--artifact", "any=" + old, "--channel", "stable").exitCode());
        assertEquals(0, publish("--version", "1.2.0", "--artifact", "any=" + jar, "--channel", "stable").exitCode());
        assertEquals(0, publish("--halt", "1.2.0", "--channel", "stable").exitCode());

        CliRun run = publish("--revert-to", "1.1.0", "--version", "1.2.1", "--channel", "stable");

        assertEquals(0, run.exitCode(), run.toString());
        Manifest m = manifest(root.resolve("stable"));
        assertEquals("1.2.1", m.version().toString());
        assertEquals(Sha256.ofFile(old), m.binaries().get("any").sha256());
        assertArrayEquals(Files.readAllBytes(old), Files.readAllBytes(root.resolve("stable/1.2.1/any/app-1.1.0.jar")));
        assertEquals(List.of("Reverts to the bytes of 1.1.0"), m.changelog().fixes());
        assertNull(m.rollout(), "a revert reaches every host unless a rollout is given");
        assertTrue(run.out().startsWith("Published 1.2.1 (replacing 1.2.0) into " + root.resolve("stable")
                + ", a revert carrying the artifact bytes of 1.1.0\n"), run.out());
    }

    @Test
    void revertTo_aVersionNeverPublishedHere_saysHowToDoItByHand() throws Exception {
        assertEquals(0, publish("--version", "1.2.0", "--artifact", "any=" + jar).exitCode());
        Map<String, String> before = snapshot(root);

        CliRun run = publish("--revert-to", "1.1.0", "--version", "1.2.1");

        assertEquals(1, run.exitCode(), run.toString());
        assertEquals("Nothing was published: there is no " + root.resolve("1.1.0") + ", where 'publish' put the artifacts"
                + " of 1.1.0 in this channel. Publish the old artifact by hand: 'publish --version 1.2.1 --artifact"
                + " any=FILE --allow-version-mismatch'.\n", run.err());
        assertEquals(before, snapshot(root));
    }

    @Test
    void badOptions_areUsageErrors_withTheReason() {
        assertUsage(publish("--version", "1.3.0", "--artifact", "any=" + jar, "--rollout-schedule", "10%@6h,5%@12h"),
                "Invalid value for option '--rollout-schedule': rollout schedule \"10%@6h,5%@12h\": step 5%@12h must"
                        + " reach more hosts than the step before it, 10%@6h (a rollout only widens; halt a release"
                        + " with 'publish --halt')");
        assertUsage(publish("--halt", "1.3.0", "--promote", "1.3.0"),
                "--halt, --promote are separate actions; give one of them per run");
        assertUsage(publish("--promote", "1.3.0", "--from", "beta"),
                "--promote 1.3.0 needs --from and --to, the channels under --out, for example --from beta --to stable");
        assertUsage(publish("--halt", "1.3.0", "--rollout", "5"), "--halt cannot be combined with --rollout; drop it");
        assertUsage(publish("--version", "1.3.0", "--artifact", "any=" + jar, "--channel", "../www"),
                "Invalid value for option '--channel': \"../www\" is not a channel name; use 1 to 63 lower-case letters,"
                        + " digits, '.', '_' or '-', starting with a letter or digit, such as stable or beta");
    }

    @Test
    void publish_refusesASigningKeyInTheChannelRoot() throws Exception {
        Path inRoot = root.resolve("keys");
        assertEquals(0, CliRun.run("keygen", "--out", inRoot.toString()).exitCode());

        CliRun run = CliRun.run("publish", "--version", "1.3.0", "--artifact", "any=" + jar, "--channel", "beta",
                "--key", inRoot.resolve("updater.key").toString(), "--out", root.toString());

        assertEquals(1, run.exitCode(), run.toString());
        assertTrue(run.err().startsWith("Nothing was written: the signing key " + inRoot.resolve("updater.key")
                + " lies inside the channel directory " + root), run.err());
        assertFalse(Files.exists(root.resolve("beta")));
    }

    /**
     * The channel's verified manifest, after checking that the publish path wrote manifest.signed beside it
     * byte for byte: the magic line, the .sig line, the exact manifest bytes (channel= agents read only that).
     */
    private Manifest manifest(Path channel) throws Exception {
        byte[] bytes = Files.readAllBytes(channel.resolve("manifest.json"));
        byte[] signature = Files.readAllBytes(channel.resolve("manifest.json.sig"));
        TrustedKey key = TrustedKey.of(Ed25519Keys.parsePublicKey(Files.readString(keys.resolve("updater.pub"))));
        ManifestSignatures.verify(bytes, signature, List.of(key), "test");
        assertEquals("updater-signed-manifest 1\n" + new String(signature, StandardCharsets.US_ASCII)
                        + new String(bytes, StandardCharsets.UTF_8),
                Files.readString(channel.resolve("manifest.signed")), "manifest.signed holds the .sig line and manifest.json");
        return ManifestParser.parse(bytes, channel.toString());
    }

    private CliRun publish(String... args) {
        String[] all = new String[args.length + 5];
        all[0] = "publish";
        System.arraycopy(args, 0, all, 1, args.length);
        all[args.length + 1] = "--key";
        all[args.length + 2] = keys.resolve("updater.key").toString();
        all[args.length + 3] = "--out";
        all[args.length + 4] = root.toString();
        return CliRun.run(all);
    }

    private static Map<String, String> snapshot(Path root) throws Exception {
        Map<String, String> files = new TreeMap<>();
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path file : walk.filter(Files::isRegularFile).toList()) {
                files.put(root.relativize(file).toString(), Sha256.ofFile(file).hex());
            }
        }
        return files;
    }

    private static void assertUsage(CliRun run, String firstLine) {
        assertEquals(2, run.exitCode(), run.toString());
        assertEquals(firstLine, run.err().lines().findFirst().orElse(""), run.toString());
        assertTrue(run.err().endsWith("Run 'updater-sidecar publish --help' for more information.\n"), run.err());
    }
}
