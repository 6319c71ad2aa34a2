package dev.updater.core.check;

import dev.updater.core.signature.Ed25519Keys;
import dev.updater.core.signature.TrustedKey;
import dev.updater.core.ErrorCode;
import dev.updater.core.Sha256;
import dev.updater.core.UpdaterException;
import dev.updater.core.download.DownloadOptions;
import dev.updater.core.download.ManifestFetcher;
import dev.updater.core.home.AcceptedVersion;
import dev.updater.core.home.HistoryEvent;
import dev.updater.core.home.InstalledRelease;
import dev.updater.core.home.UpdateHome;
import dev.updater.core.manifest.Manifest;
import dev.updater.core.platform.Platform;
import dev.updater.core.policy.Decision;
import dev.updater.core.policy.PolicyOptions;
import dev.updater.core.testing.TestChannel;
import dev.updater.core.version.ReleaseVersion;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The anti-rollback and anti-replay memory of {@link ReleaseCheck}, against a signed channel on 127.0.0.1. */
class ReleaseCheckTest {
    private static final Instant NOW = Instant.parse("2026-03-02T09:30:00Z");
    private static final byte[] RELEASE_1_2_0 = bytes("release 1.2.0");

    @TempDir
    Path dir;

    private TestChannel channel;
    private UpdateHome home;
    private final List<String> warnings = new ArrayList<>();

    @BeforeEach
    void channelAndHome() throws Exception {
        channel = TestChannel.start(dir.resolve("channel"));
        home = new UpdateHome(Files.createDirectories(dir.resolve("home")));
    }

    @AfterEach
    void stop() {
        channel.close();
    }

    @Test
    void garbageInAcceptedJson_stopsTheCheck_andTheFileIsLeftAsItIs() throws Exception {
        channel.publish("1.1.0", bytes("release 1.1.0"));
        byte[] garbage = bytes("{\"version\": \"1.2.0\", oops");
        Files.write(home.acceptedRecord().path(), garbage);

        UpdaterException e = assertThrows(UpdaterException.class, () -> check("1.0.0"));

        assertEquals(ErrorCode.RECORD_MALFORMED, e.code());
        assertEquals("Cannot use " + home.acceptedRecord() + ", this home's record of"
                + " the highest release it accepted (it is not"
                + " a valid record: Unexpected character ('o' (code 111)): was expecting double-quote to start field"
                + " name). No update is checked until it is fixed, so that no older release can slip in: restore the"
                + " file from a backup, or delete it to fall back to the running version.", e.getMessage());
        assertArrayEquals(garbage, Files.readAllBytes(home.acceptedRecord().path()), "accepted.json must not be overwritten");
    }

    @Test
    void acceptedJsonWithAVersionThatIsNoVersion_failsClosed_insteadOfSwitchingProtectionOff() throws Exception {
        channel.publish("1.1.0", bytes("release 1.1.0"));
        home.history().append(new HistoryEvent(NOW, HistoryEvent.Kind.STAGED, ReleaseVersion.parse("1.0.5"), null, "staged"));
        for (String record : List.of("{\"version\": \"garbage\"}", "{}", "null", "")) {
            Files.writeString(home.acceptedRecord().path(), record);

            UpdaterException e = assertThrows(UpdaterException.class, () -> check("1.0.0"), record);

            assertEquals(ErrorCode.RECORD_MALFORMED, e.code(), record);
            assertTrue(e.getMessage().startsWith("Cannot use " + home.acceptedRecord() + ", this home's record of"
                    + " the highest release it accepted ("), e.getMessage());
            assertTrue(e.getMessage().endsWith(" or delete it to fall back to the highest version this home installed"
                    + " or staged, 1.0.5."), e.getMessage());
            assertEquals(record, Files.readString(home.acceptedRecord().path()), "accepted.json must not be overwritten");
        }
        Files.writeString(home.acceptedRecord().path(), "{\"version\": \"garbage\"}");
        assertEquals("Cannot use " + home.acceptedRecord() + ", this home's record of"
                + " the highest release it accepted (it is not a"
                + " valid record: its version \"garbage\" is not a semantic version). No update is checked until it is"
                + " fixed, so that no older release can slip in: restore the file from a backup, or delete it to fall"
                + " back to the highest version this home installed or staged, 1.0.5.",
                assertThrows(UpdaterException.class, () -> check("1.0.0")).getMessage());
    }

    @Test
    void unreadableAcceptedJson_stopsTheCheck() throws Exception {
        channel.publish("1.1.0", bytes("release 1.1.0"));
        // a directory cannot be read as a file, whatever the user (root reads files of any mode)
        Files.createDirectory(home.acceptedRecord().path());

        UpdaterException e = assertThrows(UpdaterException.class, () -> check("1.0.0"));

        // a directory where the record belongs is no record (HomeFiles refuses anything but a plain file)
        assertEquals(ErrorCode.RECORD_MALFORMED, e.code());
        assertTrue(e.getMessage().startsWith("Cannot use " + home.acceptedRecord() + ", this home's record of"
                + " the highest release it accepted (Record " + home.acceptedRecord() + " is not a regular file (a"
                + " directory);"), e.getMessage());
        assertTrue(e.getMessage().endsWith("No update is checked until it is fixed, so that no older release can slip"
                + " in: restore the file from a backup, or delete it to fall back to the running version."), e.getMessage());
        assertTrue(Files.isDirectory(home.acceptedRecord().path()));
    }

    @Test
    void deletedAcceptedJson_stillRefusesAnOlderOffer_belowWhatInstalledJsonRecords() throws Exception {
        home.installedRecord().write(new InstalledRelease(ReleaseVersion.parse("1.2.0"), Sha256.ofBytes(RELEASE_1_2_0),
                "/opt/app/app.jar", ReleaseVersion.parse("1.1.0"), NOW));
        channel.publish("1.1.0", bytes("release 1.1.0"));

        UpdaterException e = assertThrows(UpdaterException.class, () -> check("1.0.0"));

        assertEquals(ErrorCode.VERSION_INVALID, e.code());
        assertEquals("The manifest offers 1.1.0, older than 1.2.0 which this host already accepted; an old signed"
                + " manifest is being replayed (rollback attack). Nothing was installed.", e.getMessage());
        assertTrue(Files.notExists(home.acceptedRecord().path()), "a refused manifest moves nothing");
    }

    @Test
    void aFloorAtTheRunningVersion_leavesAnOlderOfferToTheNeverDowngradeRule() throws Exception {
        home.installedRecord().write(new InstalledRelease(ReleaseVersion.parse("1.2.0"), Sha256.ofBytes(RELEASE_1_2_0),
                "/opt/app/app.jar", ReleaseVersion.parse("1.1.0"), NOW));
        channel.publish("1.1.0", bytes("release 1.1.0"));

        Decision.Refused refused = assertInstanceOf(Decision.Refused.class, check("1.2.0").decision());

        assertEquals(Decision.Reason.OLDER_THAN_RUNNING, refused.reason());
    }

    @Test
    void deletedAcceptedJson_stillRefusesAnOlderOffer_belowWhatTheHistoryStagedOrInstalled() throws Exception {
        channel.publish("1.3.0", bytes("release 1.3.0"));
        check("1.0.0");
        home.history().append(new HistoryEvent(NOW, HistoryEvent.Kind.STAGED, ReleaseVersion.parse("1.3.0"), null, "staged"));
        home.history().append(new HistoryEvent(NOW, HistoryEvent.Kind.CHECKED, ReleaseVersion.parse("9.9.9"), null, "refused"));
        Files.delete(home.acceptedRecord().path());
        channel.publish("1.1.0", bytes("release 1.1.0"));

        UpdaterException e = assertThrows(UpdaterException.class, () -> check("1.0.0"));

        assertEquals("The manifest offers 1.1.0, older than 1.3.0 which this host already accepted; an old signed"
                + " manifest is being replayed (rollback attack). Nothing was installed.", e.getMessage());
        assertTrue(Files.notExists(home.acceptedRecord().path()));
    }

    @Test
    void theSameVersionWithOtherBytes_isRefused_andTheRecordKeepsTheFirstBytes() throws Exception {
        channel.publish("1.2.0", RELEASE_1_2_0);
        assertInstanceOf(Decision.Install.class, check("1.0.0").decision());
        byte[] record = Files.readAllBytes(home.acceptedRecord().path());
        byte[] other = bytes("release 1.2.0, re-published with --force");
        channel.publish("1.2.0", other);

        UpdaterException e = assertThrows(UpdaterException.class, () -> check("1.0.0"));

        assertEquals(ErrorCode.RELEASE_CHANGED, e.code());
        assertEquals("The manifest offers 1.2.0 with other bytes than the 1.2.0 this host accepted before: artifact"
                + " any has SHA-256 " + Sha256.ofBytes(other).hex() + ", accepted " + Sha256.ofBytes(RELEASE_1_2_0).hex()
                + ". A published version must never change (re-published with --force, or a tampered channel);"
                + " publish the change as a new version. Nothing was installed.", e.getMessage());
        assertArrayEquals(record, Files.readAllBytes(home.acceptedRecord().path()));
        assertThrows(UpdaterException.class, () -> check("1.2.0"), "a host already running 1.2.0 refuses it too");
    }

    @Test
    void theSameVersionWithTheSameBytes_reSignedWithAFreshExpiry_isAccepted() throws Exception {
        Manifest first = TestChannel.manifest("1.2.0", RELEASE_1_2_0);
        channel.publish(withExpiry(first, NOW.plus(1, ChronoUnit.DAYS)),
                Map.of(TestChannel.artifactPath("1.2.0"), RELEASE_1_2_0));
        check("1.0.0");
        byte[] record = Files.readAllBytes(home.acceptedRecord().path());
        channel.publish(withExpiry(first, NOW.plus(30, ChronoUnit.DAYS)),
                Map.of(TestChannel.artifactPath("1.2.0"), RELEASE_1_2_0));

        assertInstanceOf(Decision.Install.class, check("1.0.0").decision());
        assertInstanceOf(Decision.UpToDate.class, check("1.2.0").decision());
        assertArrayEquals(record, Files.readAllBytes(home.acceptedRecord().path()), "nothing new to remember");
    }

    @Test
    void aNewerManifest_isRecordedWithTheHashOfEachArtifact() throws Exception {
        channel.publish("1.2.0", RELEASE_1_2_0);

        check("1.0.0");

        AcceptedVersion accepted = home.acceptedRecord().read().orElseThrow();
        assertEquals("1.2.0", accepted.version().toString());
        assertEquals(Map.of("any", Sha256.ofBytes(RELEASE_1_2_0)), accepted.artifacts());
        assertEquals(NOW, accepted.acceptedAt(), "accepted at the check's time");
    }

    @Test
    void anOldFormatRecord_isStillRead_andCompletedWithTheHashesAtTheNextAcceptance() throws Exception {
        Files.writeString(home.acceptedRecord().path(), "{\n  \"version\" : \"1.2.0\",\n"
                + "  \"acceptedAt\" : \"2025-01-01T00:00:00Z\"\n}\n");
        channel.publish("1.1.0", bytes("release 1.1.0"));
        assertEquals(ErrorCode.VERSION_INVALID, assertThrows(UpdaterException.class, () -> check("1.0.0")).code());

        channel.publish("1.2.0", RELEASE_1_2_0);
        check("1.0.0");

        AcceptedVersion accepted = home.acceptedRecord().read().orElseThrow();
        assertEquals(new AcceptedVersion(ReleaseVersion.parse("1.2.0"), Map.of("any", Sha256.ofBytes(RELEASE_1_2_0)),
                Instant.parse("2025-01-01T00:00:00Z"), channel.keyText()), accepted);
        channel.publish("1.2.0", bytes("other bytes"));
        assertEquals(ErrorCode.RELEASE_CHANGED, assertThrows(UpdaterException.class, () -> check("1.0.0")).code());
    }

    @Test
    void aKeyChangedToTheWrongOne_namesTheTrustedKey_andTheKeyThatSignedTheReleaseAcceptedBefore() throws Exception {
        channel.publish("1.1.0", bytes("release 1.1.0"));
        check("1.0.0"); // accepted, signed by the channel's key
        channel.publish("1.2.0", RELEASE_1_2_0);
        TrustedKey typo = TrustedKey.of(Ed25519Keys.generate().getPublic()); // the operator's new key= is another key
        byte[] acceptedBefore = Files.readAllBytes(home.acceptedRecord().path());

        ReleaseCheck.Settings settings = new ReleaseCheck.Settings(channel.manifestUri(), List.of(typo), false,
                ReleaseVersion.parse("1.1.0"), "host-1", PolicyOptions.DEFAULTS, Platform.current());
        UpdaterException e = assertThrows(UpdaterException.class, () -> new ReleaseCheck(settings, home,
                new ManifestFetcher(DownloadOptions.defaults().withRetries(0)), Clock.fixed(NOW, ZoneOffset.UTC),
                warnings::add).check());

        assertEquals(ErrorCode.SIGNATURE_INVALID, e.code());
        assertEquals("The signature of manifest " + channel.manifestUri() + " does not match any trusted key ("
                + typo.id() + "): it was signed by key " + channel.key().id() + " (" + channel.keyText() + "), which"
                + " is known here but not trusted. If that is the publisher's key, trust it (key=" + channel.keyText()
                + "); otherwise re-sign the release with a trusted key. Nothing was installed.", e.getMessage());
        assertArrayEquals(acceptedBefore, Files.readAllBytes(home.acceptedRecord().path()), "nothing was accepted");
    }

    private ReleaseCheck.Found check(String running) throws UpdaterException {
        ReleaseCheck.Settings settings = new ReleaseCheck.Settings(channel.manifestUri(), List.of(channel.key()), false,
                ReleaseVersion.parse(running), "host-1", PolicyOptions.DEFAULTS, Platform.current());
        return new ReleaseCheck(settings, home, new ManifestFetcher(DownloadOptions.defaults().withRetries(0)),
                Clock.fixed(NOW, ZoneOffset.UTC), warnings::add).check();
    }

    private static Manifest withExpiry(Manifest m, Instant expires) {
        return new Manifest(m.version(), m.releaseDate(), m.binaries(), m.changelog(), m.minVersion(),
                m.breakingChanges(), expires, m.rollout());
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
