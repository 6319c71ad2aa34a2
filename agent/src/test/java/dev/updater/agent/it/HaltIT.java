package dev.updater.agent.it;

import dev.updater.core.Sha256;
import dev.updater.core.home.AgentRecord;
import dev.updater.core.home.UpdateHome;
import dev.updater.core.manifest.Artifact;
import dev.updater.core.manifest.Changelog;
import dev.updater.core.manifest.Manifest;
import dev.updater.core.manifest.ManifestWriter;
import dev.updater.core.manifest.Rollout;
import dev.updater.core.signature.SignedManifest;
import dev.updater.core.testing.TestChannel;
import dev.updater.core.version.ReleaseVersion;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The kill switch on a real host: an agent reading the {@code stable} channel under a channel root
 * ({@code channel=stable}) stages a release, the publisher halts it, and the agent drops the staged
 * copy at its next poll while the host runs on with its installed artifact untouched.
 */
class HaltIT {
    private static final Duration WAIT = Duration.ofSeconds(20);

    @TempDir
    Path dir;

    private TestChannel server;
    private HostJvm host;

    @AfterEach
    void stop() throws Exception {
        if (host != null) {
            host.close();
        }
        if (server != null) {
            server.close();
        }
    }

    @Test
    void haltedRelease_stagedOnAHost_isDroppedAtTheNextPoll_andTheHostRunsOn() throws Exception {
        server = TestChannel.start(dir.resolve("releases"));
        Path appDir = dir.resolve("app");
        Path hostJar = HostJvm.hostJar(appDir, "1.0.0");
        byte[] installed = Files.readAllBytes(hostJar);
        UpdateHome home = new UpdateHome(appDir.resolve(".updater"));
        byte[] release = "the bytes of release 1.1.0".getBytes(StandardCharsets.UTF_8);
        Manifest manifest = new Manifest(ReleaseVersion.parse("1.1.0"), Instant.now().truncatedTo(ChronoUnit.SECONDS),
                Map.of("any", new Artifact("1.1.0/any/app.jar", Sha256.ofBytes(release), release.length)),
                new Changelog(List.of("Dark mode"), List.of()), null, false, null, null);
        Files.createDirectories(dir.resolve("releases/stable/1.1.0/any"));
        Files.write(dir.resolve("releases/stable/1.1.0/any/app.jar"), release);
        publishStable(manifest);

        host = HostJvm.start(HostJvm.JAVA_17, List.of(), "manifest=" + server.manifestUri().resolve("./")
                + ",channel=stable,key=" + server.keyText() + ",interval=300ms,initial-delay=100ms", hostJar);
        await().atMost(WAIT).until(() -> Files.exists(home.stagedRecord().path()));
        assertArrayEquals(release, Files.readAllBytes(home.release("1.1.0").resolve("app.jar")));

        publishStable(new Manifest(manifest.version(), manifest.releaseDate(), manifest.binaries(), manifest.changelog(),
                null, false, null, new Rollout(100).halt()));

        await().atMost(WAIT).until(() -> !Files.exists(home.stagedRecord().path()));
        await().atMost(WAIT).until(() -> host.err().contains("WARNING: Release 1.1.0 is halted by its publisher. Dropped"
                + " the staged copy (" + home.release("1.1.0") + "); it will not be installed."));
        assertFalse(Files.exists(home.release("1.1.0")), "the staged artifact is gone with its record");
        await().atMost(WAIT).until(() -> lastCheck(home).startsWith("Release 1.1.0 is halted by its publisher"));
        assertArrayEquals(installed, Files.readAllBytes(hostJar), "the installed artifact is untouched");
        assertTrue(host.isAlive());
        long checks = agent(home).checks();
        await().atMost(WAIT).until(() -> agent(home).checks() >= checks + 2);
        assertFalse(Files.exists(home.stagedRecord().path()), "a halted release is not staged again");
        assertEquals(1, server.requests("/stable/1.1.0/any/app.jar"), "nor downloaded again");
        assertTrue(server.requests("/stable/manifest.signed") >= 3, "the agent reads the stable channel's manifest.signed");
        assertEquals(0, server.requests("/stable/manifest.json") + server.requests("/stable/manifest.json.sig"),
                "one file per poll: manifest and signature come in manifest.signed");
    }

    private void publishStable(Manifest manifest) throws Exception {
        byte[] bytes = ManifestWriter.write(manifest);
        // signature first, as publish writes them, then the one file with both that agents in channel= mode read
        byte[] signature = server.sign(bytes);
        Files.write(dir.resolve("releases/stable/manifest.json.sig"), signature);
        Files.write(dir.resolve("releases/stable/manifest.json"), bytes);
        Files.write(dir.resolve("releases/stable/manifest.signed"), SignedManifest.write(bytes, signature));
    }

    private static String lastCheck(UpdateHome home) {
        return agent(home).lastCheckResult() == null ? "" : agent(home).lastCheckResult();
    }

    private static AgentRecord agent(UpdateHome home) {
        try {
            Optional<AgentRecord> record = home.agentRecord().read();
            return record.orElseThrow();
        } catch (Exception e) {
            throw new AssertionError("agent.json cannot be read: " + e, e);
        }
    }
}
