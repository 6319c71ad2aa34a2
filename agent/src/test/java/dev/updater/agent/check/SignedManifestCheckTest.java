package dev.updater.agent.check;

import dev.updater.core.ErrorCode;
import dev.updater.core.check.ReleaseCheck;
import dev.updater.core.download.DownloadOptions;
import dev.updater.core.download.Downloader;
import dev.updater.core.download.ManifestFetcher;
import dev.updater.core.home.UpdateHome;
import dev.updater.core.platform.Platform;
import dev.updater.core.policy.PolicyOptions;
import dev.updater.core.signature.SignedManifest;
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
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** The agent's check reading {@code manifest.signed}: one GET per poll, and every damaged file refused with nothing staged. */
class SignedManifestCheckTest {
    private static final Instant NOW = Instant.parse("2026-03-02T09:30:00Z");

    @TempDir
    Path dir;

    private TestChannel channel;
    private UpdateHome home;

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
    void eachPoll_isOneRequest_whetherTheManifestChangedOrNot() throws Exception {
        channel.publish("1.1.0", bytes("release 1.1.0"));
        UpdateCheck check = check();

        assertEquals("staged 1.1.0", check.run().summary());
        assertEquals(1, channel.requests("/manifest.signed"));
        assertEquals("staged 1.1.0", check.run().summary());
        assertEquals(2, channel.requests("/manifest.signed"), "an unchanged poll is one 304");

        channel.publish("1.2.0", bytes("release 1.2.0"));
        CheckResult changed = check.run();

        assertNull(changed.error());
        assertEquals("staged 1.2.0", changed.summary());
        assertEquals(3, channel.requests("/manifest.signed"), "a changed manifest is one 200 carrying its signature");
        assertEquals(0, channel.requests("/manifest.json") + channel.requests("/manifest.json.sig"));
    }

    @Test
    void manifestChangedAfterSigning_isRefused_andNothingChanges() throws Exception {
        byte[] manifest = published();
        byte[] forged = new String(manifest, StandardCharsets.UTF_8).replace("Release 1.1.0", "Release 1.1.1")
                .getBytes(StandardCharsets.UTF_8);
        channel.writeSignedRaw(SignedManifest.write(forged, channel.sign(manifest)));

        assertRefusedAndNothingChanged(ErrorCode.SIGNATURE_INVALID, "The signature of manifest " + channel.signedManifestUri()
                + " does not match any trusted key (" + channel.key().id() + "): the manifest was changed after signing or"
                + " signed by a key this host does not trust. Nothing was installed.");
    }

    @Test
    void bytesAppendedAfterTheManifest_failTheSignature_andNothingChanges() throws Exception {
        byte[] manifest = published();
        channel.writeSignedRaw(concat(SignedManifest.write(manifest, channel.sign(manifest)), bytes("\n{}")));

        assertRefusedAndNothingChanged(ErrorCode.SIGNATURE_INVALID, "The signature of manifest " + channel.signedManifestUri()
                + " does not match any trusted key (" + channel.key().id() + "): the manifest was changed after signing or"
                + " signed by a key this host does not trust. Nothing was installed.");
    }

    @Test
    void badMagicLine_isRefused_andNothingChanges() throws Exception {
        byte[] manifest = published();
        channel.writeSignedRaw(concat(bytes("updater-signed-manifest\n"), channel.sign(manifest), manifest));

        assertRefusedAndNothingChanged(ErrorCode.MANIFEST_MALFORMED, "The signed manifest " + channel.signedManifestUri()
                + " does not start with the line \"updater-signed-manifest 1\" (found \"updater-signed-manifest\"); check"
                + " that the URL points to a manifest.signed written by 'updater-sidecar publish', or point manifest= at"
                + " manifest.json. Nothing was installed.");
    }

    @Test
    void missingSignatureLine_isRefused_andNothingChanges() throws Exception {
        byte[] manifest = published();
        channel.writeSignedRaw(concat(bytes("updater-signed-manifest 1\n\n"), manifest));

        assertRefusedAndNothingChanged(ErrorCode.SIGNATURE_MISSING, "The signed manifest " + channel.signedManifestUri()
                + " has an empty line 2, where its Base64 signature belongs; re-publish the release with 'updater-sidecar"
                + " publish'. Nothing was installed.");
    }

    @Test
    void garbledSignatureLine_isRefused_andNothingChanges() throws Exception {
        byte[] manifest = published();
        String signature = new String(channel.sign(manifest), StandardCharsets.US_ASCII);
        channel.writeSignedRaw(concat(bytes("updater-signed-manifest 1\n" + signature.substring(0, 40) + "!"
                + signature.substring(41)), manifest));

        assertRefusedAndNothingChanged(ErrorCode.SIGNATURE_MALFORMED, "The signature of manifest "
                + channel.signedManifestUri() + " (line 2) is not Base64 (Illegal base64 character 21); re-publish the release.");
    }

    @Test
    void channelPublishedWithoutManifestSigned_saysHowToFixIt_andNothingChanges() throws Exception {
        published();
        Files.delete(channel.dir().resolve(SignedManifest.FILE_NAME));

        assertRefusedAndNothingChanged(ErrorCode.HTTP_STATUS, "The server answered HTTP 404 for the manifest "
                + channel.signedManifestUri() + "; a channel published before manifest.signed existed has only manifest.json"
                + " and its .sig: re-sign it with 'updater-sidecar publish --resign' (which writes manifest.signed beside"
                + " them), or set manifest= to its manifest.json.");
    }

    /** Publishes 1.1.0 (manifest.json, .sig and manifest.signed) and returns the manifest's bytes. */
    private byte[] published() throws Exception {
        channel.publish("1.1.0", bytes("release 1.1.0"));
        return Files.readAllBytes(channel.dir().resolve("manifest.json"));
    }

    private void assertRefusedAndNothingChanged(ErrorCode code, String message) throws Exception {
        Map<String, String> before = contents(home.dir());

        CheckResult result = check().run();

        assertEquals(code, result.error().code());
        assertEquals(message, result.error().getMessage());
        assertEquals(before, contents(home.dir()), "the home holds exactly what it held: nothing staged, nothing accepted");
        assertEquals(0, channel.requests("/1.1.0/any/app.jar"), "no artifact fetched");
    }

    private UpdateCheck check() throws Exception {
        DownloadOptions options = DownloadOptions.defaults().withRetries(0);
        return new UpdateCheck(new ReleaseCheck.Settings(channel.signedManifestUri(), List.of(channel.key()), false,
                ReleaseVersion.parse("1.0.0"), "host-1", PolicyOptions.DEFAULTS, Platform.current()),
                home, new ManifestFetcher(options), new Downloader(options), Clock.fixed(NOW, ZoneOffset.UTC));
    }

    /** Every file under {@code root} and its bytes, to compare before and after. */
    private static Map<String, String> contents(Path root) throws IOException {
        Map<String, String> files = new TreeMap<>();
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path p : walk.toList()) {
                files.put(root.relativize(p).toString(), Files.isRegularFile(p) ? Arrays.toString(Files.readAllBytes(p)) : "dir");
            }
        }
        return files;
    }

    private static byte[] concat(byte[]... parts) {
        byte[] all = new byte[0];
        for (byte[] part : parts) {
            int at = all.length;
            all = Arrays.copyOf(all, at + part.length);
            System.arraycopy(part, 0, all, at, part.length);
        }
        return all;
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
