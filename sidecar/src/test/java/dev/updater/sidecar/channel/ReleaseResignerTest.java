package dev.updater.sidecar.channel;

import dev.updater.core.check.ReleaseCheck;
import dev.updater.core.check.ReleaseStager;
import dev.updater.core.download.DownloadOptions;
import dev.updater.core.download.Downloader;
import dev.updater.core.download.ManifestFetcher;
import dev.updater.core.home.UpdateHome;
import dev.updater.core.manifest.Artifact;
import dev.updater.core.platform.Platform;
import dev.updater.core.policy.Decision;
import dev.updater.core.policy.PolicyOptions;
import dev.updater.core.testing.PosixModes;
import dev.updater.core.version.ReleaseVersion;
import dev.updater.sidecar.serve.ReleaseServer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A re-signed release is the same release to every host: the check of a host that accepted (and
 * staged, or runs) the first signature accepts the second, over real HTTP from {@code serve}.
 */
class ReleaseResignerTest {
    private static final Instant PUBLISHED = Instant.parse("2026-02-07T12:00:00Z");
    /** The day of the re-sign and of the hosts' checks: 25 days after the publish, its expiry near. */
    private static final Instant NOW = Instant.parse("2026-03-02T09:30:00Z");
    private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);

    @TempDir
    Path dir;

    private KeyFiles.Written keys;
    private Path channel;
    private UpdateHome home;

    @BeforeEach
    void publishedRelease() throws Exception {
        keys = KeyFiles.create(dir.resolve("keys"));
        channel = dir.resolve("channel");
        Path jar = Files.writeString(dir.resolve("app.jar"), "the 1.3.0 bytes", StandardCharsets.UTF_8);
        // Published a while ago: its expiry is near, which is when a release team renews it.
        new Publisher(Clock.fixed(NOW.minus(Duration.ofDays(25)), ZoneOffset.UTC)).publish(
                new PublishRequest(ReleaseVersion.parse("1.3.0"), Map.of("any", jar), keys.privateKey(), channel, null,
                        List.of("Dark mode"), List.of(), null, false, null, Duration.ofDays(30), null, false));
        home = new UpdateHome(PosixModes.setWhereSupported(Files.createDirectories(dir.resolve("home")), "rwx------"));
    }

    @Test
    void aHostThatStagedTheRelease_acceptsItsResignedManifest_andKeepsWhatItStaged() throws Exception {
        try (ReleaseServer server = ReleaseServer.start(channel, new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                line -> { })) {
            ReleaseCheck.Found first = check(server, "1.2.0");
            Decision.Install install = assertInstanceOf(Decision.Install.class, first.decision());
            ReleaseStager stager = new ReleaseStager(home, new Downloader(DownloadOptions.defaults()), CLOCK);
            Artifact artifact = first.manifest().artifactFor(Platform.current());
            stager.stage(first.manifest(), first.manifest().keyFor(Platform.current()), artifact,
                    server.uri().resolve(Publisher.MANIFEST_FILE), install);
            byte[] staged = Files.readAllBytes(home.stagedRecord().path());

            ReleaseResigner.Result resigned = new ReleaseResigner(CLOCK)
                    .resign(channel, keys.privateKey(), Duration.ofDays(30));

            ReleaseCheck.Found second = check(server, "1.2.0");
            assertInstanceOf(Decision.Install.class, second.decision(), second.decision().toString());
            assertEquals(resigned.manifest().expires(), second.manifest().expires(), "the host read the new signature");
            assertNotEquals(first.manifest().expires(), second.manifest().expires());
            assertEquals(first.manifest().binaries(), second.manifest().binaries(), "same artifacts, same hashes");
            assertTrue(stager.isStaged(second.manifest().version(), second.manifest().artifactFor(Platform.current())),
                    "what was staged is the release still offered: nothing to download again");
            assertArrayEquals(staged, Files.readAllBytes(home.stagedRecord().path()));
        }
    }

    @Test
    void aHostRunningTheRelease_isUpToDate_withItsResignedManifest() throws Exception {
        try (ReleaseServer server = ReleaseServer.start(channel, new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                line -> { })) {
            assertInstanceOf(Decision.UpToDate.class, check(server, "1.3.0").decision());

            new ReleaseResigner(CLOCK).resign(channel, keys.privateKey(), Duration.ofDays(30));

            ReleaseCheck.Found again = check(server, "1.3.0");
            assertInstanceOf(Decision.UpToDate.class, again.decision(), again.decision().toString());
            assertEquals(NOW.plus(Duration.ofDays(30)), again.manifest().expires());
        }
    }

    /** A fresh check, as after a restart: an unconditional GET, the signature verified, the home's records used. */
    private ReleaseCheck.Found check(ReleaseServer server, String running) throws Exception {
        List<String> warnings = new ArrayList<>();
        ReleaseCheck.Settings settings = new ReleaseCheck.Settings(server.uri().resolve(Publisher.MANIFEST_FILE),
                List.of(keys.key()), false, ReleaseVersion.parse(running), "host-1", PolicyOptions.DEFAULTS,
                Platform.current());
        ReleaseCheck.Found found = new ReleaseCheck(settings, home, new ManifestFetcher(DownloadOptions.defaults()),
                CLOCK, warnings::add).check();
        assertEquals(List.of(), warnings);
        return found;
    }

    @Test
    void resign_keepsTheArtifactsAndTheirModes_andOnlyTheExpiryChanges() throws Exception {
        byte[] artifact = Files.readAllBytes(channel.resolve("1.3.0/any/app.jar"));
        String before = Files.readString(channel.resolve(Publisher.MANIFEST_FILE));

        ReleaseResigner.Result result = new ReleaseResigner(Clock.fixed(PUBLISHED.plus(Duration.ofDays(400)),
                ZoneOffset.UTC)).resign(channel, keys.privateKey(), Duration.ofDays(14));

        assertEquals(Instant.parse("2027-03-28T12:00:00Z"), result.manifest().expires());
        String after = Files.readString(channel.resolve(Publisher.MANIFEST_FILE));
        assertEquals(before.replaceFirst("\"expires\" : \"[^\"]+\"", "\"expires\" : \"2027-03-28T12:00:00Z\""), after);
        assertArrayEquals(artifact, Files.readAllBytes(channel.resolve("1.3.0/any/app.jar")));
        assertEquals("updater-signed-manifest 1\n" + Files.readString(channel.resolve(Publisher.SIGNATURE_FILE)) + after,
                Files.readString(channel.resolve(Publisher.SIGNED_FILE)), "manifest.signed is renewed with the pair");
    }
}
