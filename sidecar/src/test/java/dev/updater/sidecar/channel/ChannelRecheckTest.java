package dev.updater.sidecar.channel;

import dev.updater.core.Sha256;
import dev.updater.core.home.ChannelSettings;
import dev.updater.core.home.InstalledRelease;
import dev.updater.core.home.StagedRelease;
import dev.updater.core.home.UpdateHome;
import dev.updater.core.manifest.Artifact;
import dev.updater.core.manifest.Manifest;
import dev.updater.core.manifest.Rollout;
import dev.updater.core.policy.Decision;
import dev.updater.core.testing.PosixModes;
import dev.updater.core.version.ReleaseVersion;
import dev.updater.sidecar.serve.ReleaseServer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The verdict on a staged release from its channel now: halted, superseded, confirmed, or unchecked
 * (unreachable, late, unverifiable). Real channels published and halted by {@link Publisher} and
 * {@link ReleaseHalter} (what {@code publish} and {@code publish --halt} run), served on loopback.
 */
class ChannelRecheckTest {
    private static final URI SOURCE = URI.create("http://127.0.0.1:1/manifest.json");
    private static final ReleaseVersion V100 = ReleaseVersion.tryParse("1.0.0");
    private static final ReleaseVersion V110 = ReleaseVersion.tryParse("1.1.0");

    @TempDir
    Path dir;

    private KeyFiles.Written keys;
    private Path channel;
    private Path jar;
    private UpdateHome home;
    private StagedRelease staged;

    @BeforeEach
    void publishedAndStaged() throws Exception {
        keys = KeyFiles.create(dir.resolve("keys"));
        channel = dir.resolve("channel");
        jar = Files.writeString(dir.resolve("app-1.1.0.jar"), "the 1.1.0 bytes", StandardCharsets.UTF_8);
        publish("1.1.0", jar, false);
        home = new UpdateHome(PosixModes.setWhereSupported(Files.createDirectories(dir.resolve("home")), "rwx------"));
        home.installedRecord().write(new InstalledRelease(V100, Sha256.ofBytes(new byte[1]), "/opt/app.jar", null,
                Instant.now()));
        staged = new StagedRelease(V110, "releases/1.1.0/app.jar", Files.size(jar), Sha256.ofFile(jar), "any",
                List.of(), List.of(), null, false, false, null, "x", Instant.now(), Instant.now());
    }

    @Test
    void judge_theStagedVersionHalted_isHalted() throws Exception {
        Manifest halted = manifest("1.1.0", new Rollout(0, null, true, null));

        ChannelRecheck.Verdict verdict = ChannelRecheck.judge(staged, V100, halted,
                new Decision.Refused(Decision.Reason.HALTED, V110, "halted"), SOURCE);

        assertEquals(new ChannelRecheck.Halted(V110, V100, SOURCE, "Release 1.1.0 is halted on its channel"
                + " (rollout.halted in the signed manifest at http://127.0.0.1:1/manifest.json)"), verdict);
    }

    @Test
    void judge_theStagedVersionStillOffered_isConfirmed() throws Exception {
        ChannelRecheck.Verdict verdict = ChannelRecheck.judge(staged, V100, manifest("1.1.0", null),
                new Decision.Install(V110, false, "Update available"), SOURCE);

        assertEquals(new ChannelRecheck.Confirmed("http://127.0.0.1:1/manifest.json still offers 1.1.0; it is not"
                + " halted"), verdict);
    }

    @Test
    void judge_aNewerReleaseThisHostTakesNow_supersedesTheStagedOne() throws Exception {
        ReleaseVersion v111 = ReleaseVersion.parse("1.1.1");

        ChannelRecheck.Verdict verdict = ChannelRecheck.judge(staged, V100, manifest("1.1.1", null),
                new Decision.Install(v111, false, "Update available"), SOURCE);

        assertEquals(new ChannelRecheck.Superseded(V110, v111, SOURCE, "Release 1.1.0 is no longer offered on its"
                + " channel: http://127.0.0.1:1/manifest.json offers 1.1.1 now"), verdict);
    }

    @Test
    void judge_aNewerReleaseNotYetForThisHost_leavesTheStagedOneConfirmed() throws Exception {
        ReleaseVersion v120 = ReleaseVersion.parse("1.2.0");

        ChannelRecheck.Verdict verdict = ChannelRecheck.judge(staged, V100, manifest("1.2.0", new Rollout(1)),
                new Decision.Refused(Decision.Reason.NOT_IN_ROLLOUT, v120, "not yet"), SOURCE);

        assertEquals(new ChannelRecheck.Confirmed("http://127.0.0.1:1/manifest.json still offers 1.1.0; it is not"
                + " halted (the channel offers 1.2.0)"), verdict);
    }

    @Test
    void judge_aHaltOfAnotherVersion_isNoHaltOfTheStagedOne() throws Exception {
        ChannelRecheck.Verdict verdict = ChannelRecheck.judge(staged, V100,
                manifest("1.2.0", new Rollout(0, null, true, null)),
                new Decision.Refused(Decision.Reason.HALTED, ReleaseVersion.parse("1.2.0"), "halted"), SOURCE);

        assertInstanceOf(ChannelRecheck.Confirmed.class, verdict);
    }

    @Test
    void check_aReleaseHaltedWithPublishHalt_isHalted_overManifestJsonAndManifestSigned() throws Exception {
        new ReleaseHalter().halt(channel, keys.privateKey(), V110);
        try (ReleaseServer server = serve()) {
            for (String file : List.of("manifest.json", "manifest.signed")) {
                URI url = server.uri().resolve(file);
                recordChannel(List.of(url.toString()), keys.key().text());

                ChannelRecheck.Verdict verdict = check(Duration.ofSeconds(5));

                assertEquals(new ChannelRecheck.Halted(V110, V100, url, "Release 1.1.0 is halted on its channel"
                        + " (rollout.halted in the signed manifest at " + url + ")"), verdict);
            }
        }
    }

    @Test
    void check_aReleaseNotHalted_isConfirmed_throughTheSecondMirrorWhenTheFirstIsDown() throws Exception {
        try (ReleaseServer server = serve()) {
            URI good = server.uri().resolve("manifest.json");
            recordChannel(List.of("http://127.0.0.1:" + closedPort() + "/manifest.json", good.toString()),
                    keys.key().text());

            ChannelRecheck.Verdict verdict = check(Duration.ofSeconds(5));

            assertEquals(new ChannelRecheck.Confirmed(good + " still offers 1.1.0; it is not halted"), verdict);
        }
    }

    @Test
    void check_aHaltSignedByAnotherKey_isUnchecked_neverHalted() throws Exception {
        KeyFiles.Written other = KeyFiles.create(dir.resolve("other-keys"));
        new ReleaseHalter().halt(channel, keys.privateKey(), V110);
        try (ReleaseServer server = serve()) {
            URI url = server.uri().resolve("manifest.json");
            recordChannel(List.of(url.toString()), other.key().text());

            ChannelRecheck.Verdict verdict = check(Duration.ofSeconds(5));

            assertEquals(new ChannelRecheck.Unchecked("The signature of manifest " + url + " does not match any"
                    + " trusted key (" + other.key().id() + "): the manifest was changed after signing or signed by a"
                    + " key this host does not trust"), verdict);
        }
    }

    @Test
    void check_aChannelThatAcceptsButNeverAnswers_isUnchecked_withinTheBound() throws Exception {
        try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
             Holder held = new Holder(silent)) {
            recordChannel(List.of("http://127.0.0.1:" + silent.getLocalPort() + "/manifest.json"), keys.key().text());
            long start = System.nanoTime();

            ChannelRecheck.Verdict verdict = check(Duration.ofMillis(500));

            Duration took = Duration.ofNanos(System.nanoTime() - start);
            assertEquals(new ChannelRecheck.Unchecked("the channel did not answer within 500ms"), verdict);
            assertTrue(took.compareTo(Duration.ofSeconds(3)) < 0, "gave up after " + took);
        }
    }

    @Test
    void check_withoutChannelJson_isUnchecked_sayingSo() throws Exception {
        ChannelRecheck.Verdict verdict = check(Duration.ofSeconds(5));

        assertEquals(new ChannelRecheck.Unchecked(home.channelRecord() + " is missing (the agent writes it at the"
                + " host's start)"), verdict);
    }

    /** Accepts connections and keeps them open, saying nothing: a channel that hangs. */
    private static final class Holder implements AutoCloseable {
        private final List<Socket> accepted = new ArrayList<>();
        private final Thread thread;

        Holder(ServerSocket server) {
            thread = new Thread(() -> {
                try {
                    while (true) {
                        Socket s = server.accept();
                        synchronized (accepted) {
                            accepted.add(s);
                        }
                    }
                } catch (Exception e) {
                    // closed
                }
            });
            thread.setDaemon(true);
            thread.start();
        }

        @Override
        public void close() throws Exception {
            synchronized (accepted) {
                for (Socket s : accepted) {
                    s.close();
                }
            }
        }
    }

    private ChannelRecheck.Verdict check(Duration bound) throws Exception {
        List<String> warnings = new ArrayList<>();
        ChannelRecheck.Verdict verdict = ChannelRecheck.check(home, staged, bound, Clock.systemUTC(), warnings::add);
        assertEquals(List.of(), warnings);
        return verdict;
    }

    private void recordChannel(List<String> urls, String key) throws Exception {
        home.channelRecord().write(new ChannelSettings(urls.get(0), List.of(key), "host-1", false, false, false, false,
                Instant.now(), urls));
    }

    private ReleaseServer serve() throws Exception {
        return ReleaseServer.start(channel, new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), line -> { });
    }

    private void publish(String version, Path artifact, boolean force) throws Exception {
        new Publisher(Clock.systemUTC()).publish(new PublishRequest(ReleaseVersion.parse(version), Map.of("any", artifact),
                keys.privateKey(), channel, null, List.of("Feature"), List.of(), null, false, null, Duration.ofDays(30),
                null, force));
    }

    private static Manifest manifest(String version, Rollout rollout) throws Exception {
        return new Manifest(ReleaseVersion.parse(version), Instant.now(), Map.of("any", new Artifact(version
                + "/any/app.jar", Sha256.ofBytes(new byte[1]), 1)), null, null, false, null, rollout);
    }

    private static int closedPort() throws Exception {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
