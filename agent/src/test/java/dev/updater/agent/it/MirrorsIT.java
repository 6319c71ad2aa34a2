package dev.updater.agent.it;

import dev.updater.core.Sha256;
import dev.updater.core.home.AgentRecord;
import dev.updater.core.home.StagedRelease;
import dev.updater.core.home.UpdateHome;
import dev.updater.core.manifest.Artifact;
import dev.updater.core.manifest.Changelog;
import dev.updater.core.manifest.Manifest;
import dev.updater.core.testing.TestChannel;
import dev.updater.core.version.ReleaseVersion;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A host whose first manifest URL and first artifact URL are dead still gets the release (DESIGN §11). */
class MirrorsIT {
    private static final Duration WAIT = Duration.ofSeconds(20);

    @TempDir
    Path dir;

    private TestChannel channel;
    private HostJvm host;

    @AfterEach
    void stop() throws Exception {
        if (host != null) {
            host.close();
        }
        channel.close();
    }

    @Test
    void deadManifestAndArtifactUrls_failOverToTheirMirrors_andTheReleaseIsStaged() throws Exception {
        channel = TestChannel.start(dir.resolve("channel"));
        Path appDir = dir.resolve("app");
        Path hostJar = HostJvm.hostJar(appDir, "1.0.0");
        UpdateHome home = new UpdateHome(appDir.resolve(".updater"));
        int dead = closedPort();
        byte[] release = "the bytes of release 1.1.0".getBytes(StandardCharsets.UTF_8);
        String path = TestChannel.artifactPath("1.1.0");
        channel.publish(new Manifest(ReleaseVersion.parse("1.1.0"), Instant.now(),
                Map.of("any", new Artifact("http://127.0.0.1:" + dead + "/" + path, Sha256.ofBytes(release), release.length,
                        null, List.of(path))),
                new Changelog(List.of("mirrored"), List.of()), null, false, null, null), Map.of(path, release));
        String manifests = "http://127.0.0.1:" + dead + "/manifest.json|" + channel.manifestUri();

        host = HostJvm.start(HostJvm.JAVA_17, List.of(), "manifest=" + manifests + ",key=" + channel.keyText()
                + ",interval=300ms,initial-delay=100ms", hostJar);

        try {
            await().atMost(WAIT).until(() -> Files.exists(home.stagedRecord().path()));
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            throw new AssertionError("not staged; the host said: " + host.err(), e);
        }
        StagedRelease staged = home.stagedRecord().read().orElseThrow();
        assertEquals("1.1.0", staged.version().toString());
        assertArrayEquals(release, Files.readAllBytes(home.dir().resolve(staged.file())));
        assertEquals(1, channel.requests("/" + path), "downloaded once, from the mirror");
        await().atMost(WAIT).until(() -> record(home).map(r -> r.checks() >= 2).orElse(false));
        AgentRecord agent = record(home).orElseThrow();
        assertNull(agent.lastError(), "a dead first URL is no error while a mirror answers: " + agent);
        assertEquals(0, agent.checkErrors(), agent.toString());
        assertTrue(host.isAlive());
        assertEquals(List.of(manifests.split("\\|")), home.channelRecord().read().orElseThrow().manifestUrls(),
                "channel.json records every manifest URL, so check and apply fail over too");
    }

    private static Optional<AgentRecord> record(UpdateHome home) {
        try {
            return home.agentRecord().read();
        } catch (Exception e) {
            return Optional.empty();
        }
    }

    private static int closedPort() throws Exception {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
