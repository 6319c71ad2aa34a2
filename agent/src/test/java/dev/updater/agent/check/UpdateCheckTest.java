package dev.updater.agent.check;

import dev.updater.core.ErrorCode;
import dev.updater.core.Sha256;
import dev.updater.core.check.ReleaseCheck;
import dev.updater.core.download.DownloadOptions;
import dev.updater.core.download.Downloader;
import dev.updater.core.download.ManifestFetcher;
import dev.updater.core.home.AcceptedVersion;
import dev.updater.core.home.JsonRecords;
import dev.updater.core.home.Quarantine;
import dev.updater.core.home.StagedRelease;
import dev.updater.core.home.UpdateHome;
import dev.updater.core.manifest.Artifact;
import dev.updater.core.manifest.Changelog;
import dev.updater.core.manifest.Manifest;
import dev.updater.core.manifest.Rollout;
import dev.updater.core.manifest.RolloutSchedule;
import dev.updater.core.policy.RolloutGate;
import dev.updater.core.platform.Platform;
import dev.updater.core.policy.PolicyOptions;
import dev.updater.core.signature.Ed25519Keys;
import dev.updater.core.signature.TrustedKey;
import dev.updater.core.testing.TestChannel;
import dev.updater.core.version.ReleaseVersion;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class UpdateCheckTest {
    private static final Instant NOW = Instant.parse("2026-03-02T09:30:00Z");

    @TempDir
    Path dir;

    private TestChannel channel;
    private UpdateHome home;
    private Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);

    @BeforeEach
    void channelAndHome() throws Exception {
        channel = TestChannel.start(dir.resolve("channel"));
        home = new UpdateHome(dir.resolve("home"));
        Files.createDirectories(home.dir());
    }

    @AfterEach
    void stop() {
        channel.close();
    }

    @Test
    void newerSignedRelease_isStaged_byteForByte_withStagedJsonWrittenLast() throws Exception {
        byte[] jar = bytes("release 1.1.0");
        channel.publish("1.1.0", jar);
        Path artifact = home.release("1.1.0").resolve("app.jar");
        List<String> seen = new ArrayList<>();
        clock = new ObservingClock(NOW, () -> {
            String state = (isComplete(artifact, jar) ? "artifact complete" : "no artifact")
                    + (Files.exists(home.stagedRecord().path()) ? ", staged.json" : "");
            if (seen.isEmpty() || !seen.get(seen.size() - 1).equals(state)) {
                seen.add(state);
            }
        });

        CheckResult result = check("1.0.0").run();

        // What the home held each time the check read the clock: the artifact was complete, in
        // releases/, before staged.json appeared, so its presence means a complete release.
        assertEquals(List.of("no artifact", "artifact complete", "artifact complete, staged.json"), seen);

        assertNull(result.error());
        assertEquals("staged 1.1.0", result.summary());
        StagedRelease staged = home.stagedRecord().read().orElseThrow();
        assertEquals("1.1.0", staged.version().toString());
        assertEquals("releases/1.1.0/app.jar", staged.file());
        assertEquals(jar.length, staged.size());
        assertEquals(Sha256.ofBytes(jar), staged.sha256());
        assertEquals("any", staged.platform());
        assertEquals(List.of("Release 1.1.0"), staged.features());
        assertFalse(staged.needsApproval());
        assertEquals(NOW, staged.stagedAt());
        assertArrayEquals(jar, Files.readAllBytes(home.dir().resolve(staged.file())));
        assertEquals("1.1.0", home.acceptedRecord().read().orElseThrow().version().toString());
        try (Stream<Path> downloads = Files.list(home.downloads())) {
            assertEquals(List.of(), downloads.toList(), "nothing left behind in downloads/");
        }
    }

    @Test
    void secondCheck_isAConditionalGet_andDoesNotDownloadAgain() throws Exception {
        channel.publish("1.1.0", bytes("release 1.1.0"));
        UpdateCheck check = check("1.0.0");
        check.run();
        CheckResult again = check.run();
        assertEquals("staged 1.1.0", again.summary());
        assertEquals(1, channel.requests("/1.1.0/any/app.jar"));
        assertEquals(2, channel.requests("/manifest.json"));
        assertEquals(1, channel.requests("/manifest.json.sig"), "a 304 needs no signature fetch");
    }

    @Test
    void sameVersion_isUpToDate_andStagesNothing() throws Exception {
        channel.publish("1.0.0", bytes("release 1.0.0"));
        CheckResult result = check("1.0.0").run();
        assertEquals("Up to date: running 1.0.0, the latest release.", result.summary());
        assertFalse(Files.exists(home.stagedRecord().path()));
    }

    @Test
    void badSignature_stagesNothing_andSaysWhy() throws Exception {
        channel.publish("1.1.0", bytes("release 1.1.0"));
        byte[] manifest = Files.readAllBytes(channel.dir().resolve("manifest.json"));
        byte[] forged = new String(manifest, StandardCharsets.UTF_8).replace("Release 1.1.0", "Release 1.1.1")
                .getBytes(StandardCharsets.UTF_8);
        channel.writeRaw(forged, Files.readAllBytes(channel.dir().resolve("manifest.json.sig")));

        CheckResult result = check("1.0.0").run();

        assertEquals(ErrorCode.SIGNATURE_INVALID, result.error().code());
        assertNothingStaged();
        assertFalse(Files.exists(home.acceptedRecord().path()), "an unverified manifest moves nothing");
    }

    @Test
    void signatureByAnUnknownKey_isRefused() throws Exception {
        channel.publish("1.1.0", bytes("release 1.1.0"));
        TrustedKey stranger = TrustedKey.of(Ed25519Keys.generate().getPublic());
        CheckResult result = check("1.0.0", List.of(stranger), false).run();
        assertEquals(ErrorCode.SIGNATURE_INVALID, result.error().code());
        assertNothingStaged();
    }

    @Test
    void missingSignature_isRefused_unlessUnsignedIsAllowed() throws Exception {
        channel.publish("1.1.0", bytes("release 1.1.0"));
        channel.writeRaw(Files.readAllBytes(channel.dir().resolve("manifest.json")), null);

        CheckResult refused = check("1.0.0").run();
        assertEquals(ErrorCode.SIGNATURE_MISSING, refused.error().code());
        assertNothingStaged();

        CheckResult allowed = check("1.0.0", List.of(), true).run();
        assertEquals("staged 1.1.0", allowed.summary());
    }

    @Test
    void expiredManifest_isAnError_andStagesNothing() throws Exception {
        byte[] jar = bytes("release 1.1.0");
        Manifest m = TestChannel.manifest("1.1.0", jar);
        channel.publish(new Manifest(m.version(), m.releaseDate(), m.binaries(), m.changelog(), null, false,
                NOW.minusSeconds(60), null), Map.of(TestChannel.artifactPath("1.1.0"), jar));

        CheckResult result = check("1.0.0").run();

        assertEquals(ErrorCode.MANIFEST_EXPIRED, result.error().code());
        assertTrue(result.error().getMessage().startsWith("The manifest for 1.1.0 expired at "), result.error().getMessage());
        assertNothingStaged();
    }

    @Test
    void olderManifestThanOnceAccepted_isARollbackAttack_evenWhenValidlySigned() throws Exception {
        channel.publish("1.2.0", bytes("release 1.2.0"));
        check("1.0.0").run();
        Files.delete(home.stagedRecord().path());
        channel.publish("1.1.0", bytes("release 1.1.0"));

        CheckResult result = check("1.0.0").run();

        assertEquals(ErrorCode.VERSION_INVALID, result.error().code());
        assertEquals("The manifest offers 1.1.0, older than 1.2.0 which this host already accepted; an old signed"
                + " manifest is being replayed (rollback attack). Nothing was installed.", result.error().getMessage());
        assertNothingStaged();
    }

    @Test
    void acceptedVersionRepublishedWithOtherBytes_isRefused_andTheStagedReleaseStaysAsItWas() throws Exception {
        byte[] first = bytes("release 1.1.0");
        channel.publish("1.1.0", first);
        UpdateCheck check = check("1.0.0");
        assertEquals("staged 1.1.0", check.run().summary());
        byte[] staged = Files.readAllBytes(home.stagedRecord().path());
        byte[] other = bytes("release 1.1.0, other bytes");
        channel.publish("1.1.0", other);

        CheckResult result = check.run();

        assertEquals(ErrorCode.RELEASE_CHANGED, result.error().code());
        assertEquals("The manifest offers 1.1.0 with other bytes than the 1.1.0 this host accepted before: artifact"
                + " any has SHA-256 " + Sha256.ofBytes(other).hex() + ", accepted " + Sha256.ofBytes(first).hex()
                + ". A published version must never change (re-published with --force, or a tampered channel);"
                + " publish the change as a new version. Nothing was installed.", result.error().getMessage());
        assertArrayEquals(staged, Files.readAllBytes(home.stagedRecord().path()));
        assertArrayEquals(first, Files.readAllBytes(home.release("1.1.0").resolve("app.jar")));
        assertEquals(1, channel.requests("/1.1.0/any/app.jar"), "the other bytes are never downloaded");
    }

    @Test
    void unusableAcceptedJson_stagesNothing_andLeavesItAsItIs() throws Exception {
        channel.publish("1.1.0", bytes("release 1.1.0"));
        Files.writeString(home.acceptedRecord().path(), "{\"version\": \"latest\"}");

        CheckResult result = check("1.0.0").run();

        assertEquals(ErrorCode.RECORD_MALFORMED, result.error().code());
        assertEquals("Cannot use " + home.acceptedRecord() + ", this home's record of"
                + " the highest release it accepted (it is not a"
                + " valid record: its version \"latest\" is not a semantic version). No update is checked until it is"
                + " fixed, so that no older release can slip in: restore the file from a backup, or delete it to fall"
                + " back to the running version.", result.error().getMessage());
        assertNothingStaged();
        assertEquals("{\"version\": \"latest\"}", Files.readString(home.acceptedRecord().path()));
    }

    @Test
    void minVersionAboveRunning_stagesNothing_andExplains() throws Exception {
        byte[] jar = bytes("release 2.0.0");
        Manifest m = TestChannel.manifest("2.0.0", jar);
        channel.publish(new Manifest(m.version(), m.releaseDate(), m.binaries(), m.changelog(),
                ReleaseVersion.parse("1.5.0"), false, null, null), Map.of(TestChannel.artifactPath("2.0.0"), jar));

        CheckResult result = check("1.0.0").run();

        assertNull(result.error());
        assertEquals("Release 2.0.0 can only be installed over 1.5.0 or newer, and this host runs 1.0.0; install an"
                + " intermediate release first.", result.summary());
        assertNothingStaged();
    }

    @Test
    void quarantinedVersion_isSkipped() throws Exception {
        channel.publish("1.1.0", bytes("release 1.1.0"));
        JsonRecords.write(home.quarantine(), new Quarantine(List.of(
                new Quarantine.Entry(ReleaseVersion.tryParse("1.1.0"), "failed its health gate", NOW))));
        CheckResult result = check("1.0.0").run();
        assertTrue(result.summary().contains("quarantined"), result.summary());
        assertNothingStaged();
    }

    @Test
    void versionHeldBackByASidecarThatCannotInstallArchives_isNotDownloadedAgain() throws Exception {
        channel.publish("1.1.0", bytes("release 1.1.0"));
        JsonRecords.write(home.quarantine(), new Quarantine(List.of(new Quarantine.Entry(ReleaseVersion.tryParse("1.1.0"), "an archive release"
                + " (zip), which this sidecar cannot install yet; run a sidecar that installs archive releases, then"
                + " 'updater-sidecar allow 1.1.0'", NOW, true))));

        CheckResult first = check("1.0.0").run();
        CheckResult second = check("1.0.0").run();

        assertTrue(first.summary().contains("or the sidecar cannot install it"), first.summary());
        assertEquals(first.summary(), second.summary());
        assertNothingStaged();
        assertEquals(0, channel.requests("/1.1.0/any/app.jar"), "a held version is never downloaded");
    }

    @Test
    void unsupportedPlatform_isAnError_namingThePlatformAndKeys() throws Exception {
        byte[] jar = bytes("native");
        Manifest m = new Manifest(ReleaseVersion.parse("1.1.0"), NOW,
                Map.of("solaris-sparc", new Artifact("1.1.0/app", Sha256.ofBytes(jar), jar.length)),
                Changelog.EMPTY, null, false, null, null);
        channel.publish(m, Map.of("1.1.0/app", jar));

        CheckResult result = check("1.0.0").run();

        assertEquals(ErrorCode.PLATFORM_UNSUPPORTED, result.error().code());
        assertNothingStaged();
    }

    @Test
    void tamperedArtifact_isRefused_andNothingIsStaged() throws Exception {
        channel.publish("1.1.0", bytes("release 1.1.0"));
        Files.write(channel.dir().resolve(TestChannel.artifactPath("1.1.0")), bytes("release 1.1.X"));

        CheckResult result = check("1.0.0").run();

        assertEquals(ErrorCode.DOWNLOAD_HASH_MISMATCH, result.error().code());
        assertNothingStaged();
        assertFalse(Files.exists(home.release("1.1.0").resolve("app.jar")));
    }

    @Test
    void breakingRelease_isStaged_butWaitsForApproval() throws Exception {
        byte[] jar = bytes("release 2.0.0");
        Manifest m = TestChannel.manifest("2.0.0", jar);
        channel.publish(new Manifest(m.version(), m.releaseDate(), m.binaries(), m.changelog(), null, true, null, null),
                Map.of(TestChannel.artifactPath("2.0.0"), jar));

        CheckResult result = check("1.0.0").run();

        assertEquals("staged 2.0.0, waiting for apply", result.summary());
        StagedRelease staged = home.stagedRecord().read().orElseThrow();
        assertTrue(staged.needsApproval());
        assertTrue(staged.breaking());
    }

    @Test
    void unreachableChannel_isANetworkError() throws Exception {
        channel.close();
        CheckResult result = check("1.0.0").run();
        assertEquals(ErrorCode.NETWORK, result.error().code());
        assertNothingStaged();
    }

    @Test
    void hostInALaterWave_recordsWhenItsWaveOpens_forStatus_andStagesWhenItDoes() throws Exception {
        double bucket = RolloutGate.bucketPercent(RolloutGate.bucket("host-1", null));
        // a schedule whose second wave is the first to reach host-1's bucket, opening 2 h 30 min from NOW
        double first = Math.floor(bucket / 2 * 100) / 100;
        double second = Math.min(100, Math.ceil((bucket + 0.01) * 100) / 100);
        RolloutSchedule waves = new RolloutSchedule(List.of(new RolloutSchedule.Step(first, Duration.ZERO),
                new RolloutSchedule.Step(second, Duration.ofHours(6))));
        Manifest m = TestChannel.manifest("1.1.0", bytes("release 1.1.0"));
        Instant released = NOW.minus(Duration.ofHours(3).plusMinutes(30));
        channel.publish(new Manifest(m.version(), released, m.binaries(), m.changelog(), null, false, null,
                new Rollout(first, waves, false, null)), Map.of(TestChannel.artifactPath("1.1.0"), bytes("release 1.1.0")));

        CheckResult waiting = check("1.0.0").run();

        assertEquals("Release 1.1.0 rolls out in waves (" + waves + ") and reaches " + Rollout.formatPercent(first)
                .replace("%", " %") + " of hosts now; this host's bucket is " + String.format(Locale.ROOT, "%.2f", bucket)
                + ", so it gets the release at 6h (2026-03-02T12:00:00Z), in 2 h 30 min.", waiting.summary());
        assertNothingStaged();
        clock = Clock.fixed(Instant.parse("2026-03-02T12:00:00Z"), ZoneOffset.UTC);
        assertEquals("staged 1.1.0", check("1.0.0").run().summary());
    }

    @Test
    void haltedRelease_dropsTheStagedCopy_andIsNotStagedAgain() throws Exception {
        byte[] jar = bytes("release 1.1.0");
        Manifest published = channel.publish("1.1.0", jar);
        UpdateCheck check = check("1.0.0");
        assertEquals("staged 1.1.0", check.run().summary());
        assertTrue(Files.isRegularFile(home.release("1.1.0").resolve("app.jar")));

        channel.publish(withRollout(published, new Rollout(100).halt()), Map.of());
        CheckResult halted = check.run();

        assertEquals("Release 1.1.0 is halted by its publisher (rollout.halted in the signed manifest): hosts that have"
                + " not installed it do not, and a staged copy is dropped. Nothing to do here; the publisher ships a"
                + " fix as a newer release. Dropped the staged copy (" + home.release("1.1.0") + "); it will not be"
                + " installed.", halted.summary());
        assertNull(halted.staged());
        assertNothingStaged();
        assertFalse(Files.exists(home.release("1.1.0")), "the staged artifact's folder is gone");
        CheckResult again = check.run();
        assertTrue(again.summary().startsWith("Release 1.1.0 is halted by its publisher"), again.summary());
        assertEquals(1, channel.requests("/1.1.0/any/app.jar"), "a halted release is never downloaded again");
        assertNothingStaged();
    }

    @Test
    void haltedRelease_leavesAnotherStagedReleaseAlone() throws Exception {
        channel.publish("1.1.0", bytes("release 1.1.0"));
        assertEquals("staged 1.1.0", check("1.0.0").run().summary());
        byte[] stagedBefore = Files.readAllBytes(home.stagedRecord().path());
        Manifest next = TestChannel.manifest("1.2.0", bytes("release 1.2.0"));
        channel.publish(withRollout(next, new Rollout(100).halt()), Map.of());

        CheckResult result = check("1.0.0").run();

        assertEquals(ReleaseVersion.parse("1.1.0"), result.staged());
        assertArrayEquals(stagedBefore, Files.readAllBytes(home.stagedRecord().path()));
        assertTrue(Files.isRegularFile(home.release("1.1.0").resolve("app.jar")));
    }

    private static Manifest withRollout(Manifest m, Rollout rollout) {
        return new Manifest(m.version(), m.releaseDate(), m.binaries(), m.changelog(), m.minVersion(),
                m.breakingChanges(), m.expires(), rollout);
    }

    private void assertNothingStaged() {
        assertFalse(Files.exists(home.stagedRecord().path()), "staged.json must not exist");
    }

    private UpdateCheck check(String running) throws Exception {
        return check(running, List.of(channel.key()), false);
    }

    private UpdateCheck check(String running, List<TrustedKey> keys, boolean allowUnsigned) throws Exception {
        DownloadOptions options = DownloadOptions.defaults().withRetries(0);
        return new UpdateCheck(new ReleaseCheck.Settings(channel.manifestUri(), keys, allowUnsigned,
                ReleaseVersion.parse(running), "host-1", PolicyOptions.DEFAULTS, Platform.current()),
                home, new ManifestFetcher(options), new Downloader(options), clock);
    }

    private static boolean isComplete(Path file, byte[] expected) {
        try {
            return Files.isRegularFile(file) && Arrays.equals(expected, Files.readAllBytes(file));
        } catch (IOException e) {
            return false;
        }
    }

    /** Always {@code now}; runs {@code onRead} each time it is read, to see what the code under test did until then. */
    private static final class ObservingClock extends Clock {
        private final Instant now;
        private final Runnable onRead;

        ObservingClock(Instant now, Runnable onRead) {
            this.now = now;
            this.onRead = onRead;
        }

        @Override
        public Instant instant() {
            onRead.run();
            return now;
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            throw new UnsupportedOperationException("the check reads instants only");
        }
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
