package dev.updater.agent;

import dev.updater.agent.check.CheckResult;
import dev.updater.agent.check.UpdateCheck;
import dev.updater.core.ErrorCode;
import dev.updater.core.Sha256;
import dev.updater.core.check.ReleaseCheck;
import dev.updater.core.download.DownloadOptions;
import dev.updater.core.download.Downloader;
import dev.updater.core.download.LoopbackHttpServer;
import dev.updater.core.download.ManifestFetcher;
import dev.updater.core.download.ServerPushback;
import dev.updater.core.home.UpdateHome;
import dev.updater.core.manifest.Artifact;
import dev.updater.core.manifest.Changelog;
import dev.updater.core.manifest.Manifest;
import dev.updater.core.platform.Platform;
import dev.updater.core.policy.PolicyOptions;
import dev.updater.core.testing.TestChannel;
import dev.updater.core.version.ReleaseVersion;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.random.RandomGenerator;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Fleet behaviour of one agent's checks against real servers on 127.0.0.1 (DESIGN §11): a server's
 * pushback becomes the wait before the next check, and dead or busy mirrors are skipped. The waits
 * are computed, not slept: {@link Backoff} is what {@link PollLoop} waits by.
 */
class PushbackTest {
    private static final byte[] RELEASE = "the bytes of release 1.1.0".getBytes(StandardCharsets.UTF_8);
    /** Draws the bottom of every jitter range: the wait the server asked for, exactly. */
    private static final RandomGenerator NO_JITTER = new RandomGenerator() {
        @Override
        public long nextLong() {
            throw new UnsupportedOperationException();
        }

        @Override
        public long nextLong(long origin, long bound) {
            return origin;
        }
    };

    @TempDir
    Path dir;

    private TestChannel channel;
    private LoopbackHttpServer busy;
    private UpdateHome home;

    @BeforeEach
    void servers() throws Exception {
        channel = TestChannel.start(dir.resolve("channel"));
        busy = new LoopbackHttpServer();
        home = new UpdateHome(dir.resolve("home"));
        Files.createDirectories(home.dir());
    }

    @AfterEach
    void stop() {
        channel.close();
        busy.close();
    }

    @Test
    void retryAfterSeconds_fromTheOnlyManifestUrl_isTheWaitBeforeTheNextCheck() throws Exception {
        busy.status("/manifest.json", 429, "Retry-After", "120");

        CheckResult result = check(busy.uri("/manifest.json"), List.of()).run();

        ServerPushback pushback = assertInstanceOf(ServerPushback.class, result.error());
        assertEquals("The server answered HTTP 429 for the manifest " + busy.uri("/manifest.json") + " and asked to retry"
                + " after 2 min (Retry-After: 120); the agent waits that long, within its maximum; the server is shedding"
                + " load; it is retried after a back-off.", pushback.getMessage());
        assertEquals(Duration.ofSeconds(120), new Backoff(Duration.ofMinutes(15), NO_JITTER).failed(pushback));
        assertNothingStaged();
    }

    @Test
    void retryAfterDate_ofDaysAhead_isBoundedBySixHours() throws Exception {
        busy.status("/manifest.json", 503, "Retry-After", "Fri, 31 Dec 9999 23:59:59 GMT");

        CheckResult result = check(busy.uri("/manifest.json"), List.of()).run();

        assertEquals(Duration.ofHours(6), new Backoff(Duration.ofMinutes(15), NO_JITTER).failed(result.error()));
    }

    @Test
    void aBusyManifestMirror_isSkipped_andTheOneThatAnsweredIsAskedFirstAfterwards() throws Exception {
        busy.status("/manifest.json", 503, "Retry-After", "600");
        channel.publish("1.1.0", RELEASE);
        // Each host id has its own order, drawn from the servers' (random) ports: hosts are tried until the busy
        // mirror has come first for one of them (each a 1 in 2 chance), at least four and at most 40.
        for (int h = 1; h <= 40 && (h <= 4 || busy.requests("/manifest.json") == 0); h++) {
            String hostId = "host-" + h;
            // Each host id plays another host, with a home of its own: not the mirror the one before remembered.
            Files.deleteIfExists(home.mirrorRecord().path());
            UpdateCheck check = check(channel.manifestUri(), List.of(busy.uri("/manifest.json")), hostId);
            long busyBefore = busy.requests("/manifest.json");

            CheckResult first = check.run();
            CheckResult second = check.run();

            assertNull(first.error(), hostId + ": " + first.summary());
            assertEquals("staged 1.1.0", first.summary());
            assertNull(second.error(), second.summary());
            assertTrue(busy.requests("/manifest.json") - busyBefore <= 1,
                    hostId + ": at most the first check asks the busy mirror; then the one that answered goes first");
        }
        assertTrue(busy.requests("/manifest.json") >= 1, "for some host the busy mirror came first and was skipped");
        assertArrayEquals(RELEASE, Files.readAllBytes(home.release("1.1.0").resolve("app.jar")));
    }

    @Test
    void aHostRestartingWhileItsFirstMirrorIsDown_asksTheLastGoodMirrorFirst() throws Exception {
        busy.status("/manifest.json", 503);
        channel.publish("1.1.0", RELEASE);
        List<URI> manifests = List.of(busy.uri("/manifest.json"), channel.manifestUri());
        String hostId = hostPreferring(manifests, busy.uri("/manifest.json"));

        CheckResult beforeRestart = check(manifests.get(0), manifests.subList(1, 2), hostId).run();
        assertEquals("staged 1.1.0", beforeRestart.summary());
        assertEquals(1, busy.requests("/manifest.json"), "its own order asked the dead mirror first");

        CheckResult afterRestart = check(manifests.get(0), manifests.subList(1, 2), hostId).run();
        assertNull(afterRestart.error(), afterRestart.summary());
        assertEquals(1, busy.requests("/manifest.json"), "a new agent on the same home asked the last good mirror first");

        Files.delete(home.mirrorRecord().path());
        check(manifests.get(0), manifests.subList(1, 2), hostId).run();
        assertEquals(2, busy.requests("/manifest.json"), "without mirrors.json the dead mirror is asked first again");
    }

    /** A host id whose own order puts {@code first} first. */
    private static String hostPreferring(List<URI> candidates, URI first) {
        for (int i = 0; ; i++) {
            if (new dev.updater.core.download.MirrorFailover("host-" + i).order(candidates).get(0).equals(first)) {
                return "host-" + i;
            }
        }
    }

    @Test
    void anArtifactWhoseUrlIsDead_isDownloadedFromItsMirror() throws Exception {
        int dead = closedPort();
        String path = TestChannel.artifactPath("1.1.0");
        URI mirror = channel.manifestUri().resolve(path);
        channel.publish(new Manifest(ReleaseVersion.parse("1.1.0"), Instant.now(),
                Map.of("any", new Artifact("http://127.0.0.1:" + dead + "/" + path, Sha256.ofBytes(RELEASE), RELEASE.length, null,
                        List.of(busy.uri("/" + path).toString(), mirror.toString()))),
                new Changelog(List.of("mirrored"), List.of()), null, false, null, null), Map.of(path, RELEASE));
        busy.status("/" + path, 503);

        CheckResult result = check(channel.manifestUri(), List.of()).run();

        assertNull(result.error(), result.summary());
        assertArrayEquals(RELEASE, Files.readAllBytes(home.dir().resolve(home.stagedRecord().read().orElseThrow().file())));
    }

    @Test
    void everyMirrorBusy_waitsTheLongestRetryAfterAsked() throws Exception {
        LoopbackHttpServer other = new LoopbackHttpServer();
        try (other) {
            busy.status("/manifest.json", 503, "Retry-After", "600");
            other.status("/manifest.json", 429, "Retry-After", "60");

            CheckResult result = check(busy.uri("/manifest.json"), List.of(other.uri("/manifest.json"))).run();

            assertEquals(ErrorCode.HTTP_STATUS, result.error().code());
            assertEquals(Duration.ofSeconds(600), new Backoff(Duration.ofMinutes(15), NO_JITTER).failed(result.error()));
            assertEquals(1, busy.requests("/manifest.json"));
            assertEquals(1, other.requests("/manifest.json"));
        }
    }

    private void assertNothingStaged() {
        assertFalse(Files.exists(home.stagedRecord().path()), "staged.json must not exist");
    }

    private UpdateCheck check(URI manifest, List<URI> mirrors) throws Exception {
        return check(manifest, mirrors, "host-1");
    }

    private UpdateCheck check(URI manifest, List<URI> mirrors, String hostId) throws Exception {
        DownloadOptions options = DownloadOptions.defaults().withRetries(0);
        return new UpdateCheck(new ReleaseCheck.Settings(manifest, List.of(channel.key()), false,
                ReleaseVersion.parse("1.0.0"), hostId, PolicyOptions.DEFAULTS, Platform.current()),
                mirrors, home, new ManifestFetcher(options), new Downloader(options), Clock.systemUTC());
    }

    private static int closedPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
