package dev.updater.sidecar.cli;

import dev.updater.core.Sha256;
import dev.updater.core.check.ReleaseCheck;
import dev.updater.core.check.ReleaseStager;
import dev.updater.core.download.DownloadOptions;
import dev.updater.core.download.Downloader;
import dev.updater.core.download.ManifestFetcher;
import dev.updater.core.download.MirrorFailover;
import dev.updater.core.home.StagedRelease;
import dev.updater.core.home.UpdateHome;
import dev.updater.core.manifest.Artifact;
import dev.updater.core.manifest.Manifest;
import dev.updater.core.manifest.ManifestParser;
import dev.updater.core.platform.Platform;
import dev.updater.core.policy.Decision;
import dev.updater.core.policy.PolicyOptions;
import dev.updater.core.signature.Ed25519Keys;
import dev.updater.core.signature.ManifestSignatures;
import dev.updater.core.signature.TrustedKey;
import dev.updater.core.version.ReleaseVersion;
import dev.updater.sidecar.serve.ReleaseServer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code publish --mirror}: mirror urls that work on a copy of the channel, and every bad value refused (DESIGN §11). */
class MirrorOptionsTest {
    private static final String PATH = "1.3.0/any/app.jar";

    @TempDir
    Path dir;

    private Path keys;
    private Path out;
    private Path jar;

    @BeforeEach
    void keysAndArtifact() throws Exception {
        keys = dir.resolve("keys");
        out = dir.resolve("channel");
        assertEquals(0, CliRun.run("keygen", "--out", keys.toString()).exitCode());
        jar = Files.write(dir.resolve("app.jar"), "the 1.3.0 bytes".getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void aChannelCopiedToTheMirrors_isStagedFromTheSecondMirror_whenTheOriginLacksTheArtifactAndTheFirstIsDown()
            throws Exception {
        Path originDir = Files.createDirectories(dir.resolve("origin"));
        Path mirrorDir = Files.createDirectories(dir.resolve("mirror-b"));
        List<String> originLog = new CopyOnWriteArrayList<>();
        List<String> mirrorLog = new CopyOnWriteArrayList<>();
        InetSocketAddress loopback = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
        try (ReleaseServer origin = ReleaseServer.start(originDir, loopback, originLog::add);
             ReleaseServer mirrorB = ReleaseServer.start(mirrorDir, loopback, mirrorLog::add)) {
            String mirrorA = "http://127.0.0.1:" + closedPort(); // down: nothing listens there
            String b = "http://127.0.0.1:" + mirrorB.port();

            CliRun run = publish("--version", "1.3.0", "--artifact", "any=" + jar, "--mirror", mirrorA, "--mirror", b + "/");

            assertEquals(0, run.exitCode(), run.toString());
            Artifact artifact = manifest(out).binaries().get("any");
            assertEquals(PATH, artifact.url(), "url stays relative to the manifest");
            assertEquals(List.of(mirrorA + "/" + PATH, b + "/" + PATH), artifact.urls());
            assertTrue(run.out().contains("\n  any           " + PATH + "  15 bytes  sha256 " + artifact.sha256()
                    + "\n                2 mirror urls: " + mirrorA + "/" + PATH + ", …\n"), run.out());
            // The mirror gets the folder as it is; the origin serves only the manifest (artifacts live on mirrors).
            copyTree(out, mirrorDir);
            for (String file : List.of("manifest.json", "manifest.json.sig")) {
                Files.copy(out.resolve(file), originDir.resolve(file));
            }
            URI manifestUri = origin.uri().resolve("/manifest.json");
            String hostId = hostTrying(List.of(manifestUri.resolve("/" + PATH), URI.create(mirrorA + "/" + PATH),
                    URI.create(b + "/" + PATH)), b);

            StagedRelease staged = stage(manifestUri, hostId);

            assertArrayEquals(Files.readAllBytes(jar), Files.readAllBytes(home().dir().resolve(staged.file())));
            assertTrue(originLog.stream().anyMatch(line -> line.contains("/" + PATH) && line.contains(" 404 ")),
                    "the origin was tried first and lacked it: " + originLog);
            assertEquals(1, mirrorLog.stream().filter(line -> line.contains("GET /" + PATH) && line.contains(" 200 "))
                    .count(), "downloaded once, from mirror B: " + mirrorLog);
        }
    }

    @Test
    void withAChannel_theMirrorUrlsPointIntoThatChannelsFolder_andPromoteWritesTheTargetChannels() throws Exception {
        assertEquals(0, publish("--version", "1.3.0", "--artifact", "any=" + jar, "--channel", "beta",
                "--mirror", "https://mirror-a.example.net/app/", "--mirror", "https://MIRROR-B.example.org/app").exitCode());
        assertEquals(0, publish("--promote", "1.3.0", "--from", "beta", "--to", "stable",
                "--mirror", "https://mirror-a.example.net/app/").exitCode());

        assertEquals(List.of("https://mirror-a.example.net/app/beta/" + PATH, "https://MIRROR-B.example.org/app/beta/" + PATH),
                manifest(out.resolve("beta")).binaries().get("any").urls());
        assertEquals(List.of("https://mirror-a.example.net/app/stable/" + PATH),
                manifest(out.resolve("stable")).binaries().get("any").urls());
    }

    @Test
    void badMirrors_areUsageErrors_andNothingIsWritten() {
        assertUsage(publish("--version", "1.3.0", "--artifact", "any=" + jar, "--mirror", "ftp://mirror.example.net/app/"),
                "Invalid value for option '--mirror' (BASE_URL): 'ftp://mirror.example.net/app/' is not an absolute http or https"
                        + " URL; give where the copy of the channel is served, for example https://mirror.example.net/app/");
        assertUsage(publish("--version", "1.3.0", "--artifact", "any=" + jar, "--mirror", "mirror/app/"),
                "Invalid value for option '--mirror' (BASE_URL): 'mirror/app/' is not an absolute http or https URL; give where the"
                        + " copy of the channel is served, for example https://mirror.example.net/app/");
        assertUsage(publish("--version", "1.3.0", "--artifact", "any=" + jar, "--mirror", "https://ci:s3cret@mirror.example.net/"),
                "Invalid value for option '--mirror' (BASE_URL): the URL of mirror mirror.example.net carries credentials"
                        + " (user:password@), which the public manifest would show to everyone; serve the mirror without them");
        assertUsage(publish("--version", "1.3.0", "--artifact", "any=" + jar, "--mirror", "https://mirror.example.net/app/?token=1"),
                "Invalid value for option '--mirror' (BASE_URL): 'https://mirror.example.net/app/?token=1' has a query or fragment,"
                        + " so artifact paths cannot be added under it; give the folder URL alone");
        assertUsage(publish("--version", "1.3.0", "--artifact", "any=" + jar, "--mirror", "https://m.example.net/app",
                        "--mirror", "HTTPS://M.example.net/app/"),
                "--mirror https://M.example.net/app/ is given twice; give each mirror once");
        List<String> seventeen = new ArrayList<>(List.of("--version", "1.3.0", "--artifact", "any=" + jar));
        for (int i = 1; i <= 17; i++) {
            seventeen.addAll(List.of("--mirror", "https://m" + i + ".example.net/"));
        }
        assertUsage(publish(seventeen.toArray(String[]::new)), "--mirror is given 17 times, but an artifact lists at"
                + " most 16 mirror urls (agents refuse a manifest with more); drop 1 of them");
        assertUsage(publish("--halt", "1.3.0", "--mirror", "https://m.example.net/"),
                "--halt cannot be combined with --mirror; drop it");
        assertFalse(Files.exists(out), "nothing was written");
    }

    /** What the agent's check runs: the manifest check, then the stager with this host's mirror order. */
    private StagedRelease stage(URI manifestUri, String hostId) throws Exception {
        DownloadOptions options = DownloadOptions.defaults().withRetries(0);
        TrustedKey key = TrustedKey.of(Ed25519Keys.parsePublicKey(Files.readString(keys.resolve("updater.pub"))));
        Files.createDirectories(home().dir());
        ReleaseCheck.Settings settings = new ReleaseCheck.Settings(manifestUri, List.of(key), false,
                ReleaseVersion.parse("1.2.0"), hostId, PolicyOptions.DEFAULTS, Platform.current());
        ReleaseCheck.Found found = new ReleaseCheck(settings, home(), new ManifestFetcher(options), Clock.systemUTC(),
                warning -> { }).check();
        Decision.Install install = (Decision.Install) found.decision();
        Manifest manifest = found.manifest();
        return new ReleaseStager(home(), new Downloader(options), Clock.systemUTC(), new MirrorFailover(hostId))
                .stage(manifest, "any", manifest.binaries().get("any"), found.source(), install);
    }

    /** A host id whose order tries {@code last}'s origin after every other: both failovers are exercised. */
    private static String hostTrying(List<URI> candidates, String last) {
        for (int i = 0; ; i++) {
            List<URI> order = new MirrorFailover("host-" + i).order(candidates);
            if (order.get(order.size() - 1).toString().startsWith(last + "/")) {
                return "host-" + i;
            }
        }
    }

    private UpdateHome home() {
        return new UpdateHome(dir.resolve("home"));
    }

    private Manifest manifest(Path channel) throws Exception {
        byte[] bytes = Files.readAllBytes(channel.resolve("manifest.json"));
        TrustedKey key = TrustedKey.of(Ed25519Keys.parsePublicKey(Files.readString(keys.resolve("updater.pub"))));
        ManifestSignatures.verify(bytes, Files.readAllBytes(channel.resolve("manifest.json.sig")), List.of(key), "test");
        return ManifestParser.parse(bytes, channel.toString());
    }

    private CliRun publish(String... args) {
        List<String> all = new ArrayList<>(List.of("publish"));
        all.addAll(List.of(args));
        all.addAll(List.of("--key", keys.resolve("updater.key").toString(), "--out", out.toString()));
        return CliRun.run(all.toArray(String[]::new));
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> walk = Files.walk(from)) {
            for (Path source : walk.toList()) {
                Path target = to.resolve(from.relativize(source).toString());
                if (Files.isDirectory(source)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(source, target, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
    }

    private static int closedPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    private static void assertUsage(CliRun run, String firstLine) {
        assertEquals(2, run.exitCode(), run.toString());
        assertEquals(firstLine, run.err().lines().findFirst().orElse(""), run.toString());
        assertTrue(run.err().endsWith("Run 'updater-sidecar publish --help' for more information.\n"), run.err());
    }
}
