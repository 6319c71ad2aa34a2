package dev.updater.core.check;

import dev.updater.core.Sha256;
import dev.updater.core.archive.ReleaseTree;
import dev.updater.core.download.DownloadOptions;
import dev.updater.core.download.Downloader;
import dev.updater.core.download.MirrorFailover;
import dev.updater.core.home.StagedRelease;
import dev.updater.core.home.SwapJournal;
import dev.updater.core.home.SwapState;
import dev.updater.core.home.UpdateHome;
import dev.updater.core.manifest.Artifact;
import dev.updater.core.manifest.Manifest;
import dev.updater.core.policy.Decision;
import dev.updater.core.testing.TestArchives;
import dev.updater.core.testing.TestChannel;
import dev.updater.core.ErrorCode;
import dev.updater.core.UpdaterException;
import dev.updater.core.manifest.ArchiveFormat;
import dev.updater.core.version.ReleaseVersion;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ReleaseStagerTest {
    private static final Instant NOW = Instant.parse("2026-03-02T09:30:00Z");
    private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);

    @TempDir
    Path dir;

    @Test
    void stagingANewerRelease_removesTheOneItReplaces() throws Exception {
        UpdateHome home = new UpdateHome(Files.createDirectories(dir.resolve("home")));
        try (TestChannel channel = TestChannel.start(dir.resolve("channel"))) {
            ReleaseStager stager = new ReleaseStager(home, new Downloader(DownloadOptions.defaults()), CLOCK);
            Manifest first = channel.publish("1.1.0", "release 1.1.0".getBytes(StandardCharsets.UTF_8));
            stager.stage(first, "any", first.binaries().get("any"), channel.manifestUri(),
                    new Decision.Install(first.version(), true, "approve"));
            assertTrue(Files.exists(home.release("1.1.0").resolve("app.jar")));

            Manifest second = channel.publish("1.2.0", "release 1.2.0".getBytes(StandardCharsets.UTF_8));
            stager.stage(second, "any", second.binaries().get("any"), channel.manifestUri(),
                    new Decision.Install(second.version(), true, "approve"));

            assertFalse(Files.exists(home.release("1.1.0")), "the replaced release is gone");
            assertTrue(Files.exists(home.release("1.2.0").resolve("app.jar")));
            assertEquals("1.2.0", home.stagedRecord().read().orElseThrow().version().toString());
        }
    }

    @Test
    void aMirrorThatStalls_isLeftForTheNextOne_andTheReleaseIsStaged() throws Exception {
        UpdateHome home = new UpdateHome(Files.createDirectories(dir.resolve("home")));
        byte[] release = "release 1.1.0".getBytes(StandardCharsets.UTF_8);
        java.util.List<java.net.Socket> held = new java.util.concurrent.CopyOnWriteArrayList<>();
        try (TestChannel channel = TestChannel.start(dir.resolve("channel"));
             java.net.ServerSocket silent = new java.net.ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
            Thread acceptor = new Thread(() -> { // accepts and never answers: a stalled mirror
                try {
                    while (true) {
                        held.add(silent.accept());
                    }
                } catch (java.io.IOException closed) {
                    // the test is over
                }
            });
            acceptor.setDaemon(true);
            acceptor.start();
            String path = TestChannel.artifactPath("1.1.0");
            java.net.URI stalled = java.net.URI.create("http://127.0.0.1:" + silent.getLocalPort() + "/" + path);
            Manifest manifest = channel.publish(new Manifest(ReleaseVersion.parse("1.1.0"), NOW, java.util.Map.of("any",
                    new dev.updater.core.manifest.Artifact(stalled.toString(), Sha256.ofBytes(release), release.length, null,
                            java.util.List.of(path))), new dev.updater.core.manifest.Changelog(java.util.List.of(), java.util.List.of()),
                    null, false, null, null), java.util.Map.of(path, release));
            java.util.List<java.net.URI> candidates = manifest.binaries().get("any").candidates(channel.manifestUri());
            MirrorFailover mirrors = java.util.stream.IntStream.range(0, 100).mapToObj(i -> new MirrorFailover("host-" + i))
                    .filter(m -> m.order(candidates).get(0).equals(stalled)).findFirst().orElseThrow();
            ReleaseStager stager = new ReleaseStager(home, new Downloader(DownloadOptions.defaults()
                    .withStallTimeout(java.time.Duration.ofMillis(300)).withRetries(0)), CLOCK, mirrors);

            stager.stage(manifest, "any", manifest.binaries().get("any"), channel.manifestUri(),
                    new Decision.Install(manifest.version(), false, "install"));

            assertEquals(1, held.size(), "the stalled mirror was tried first, once");
            assertArrayEquals(release, Files.readAllBytes(home.release("1.1.0").resolve("app.jar")));
            assertEquals(java.util.Optional.of("http://127.0.0.1:" + channel.manifestUri().getPort()), mirrors.lastGoodOrigin());
        } finally {
            for (java.net.Socket socket : held) {
                socket.close();
            }
        }
    }

    @Test
    void aReplacedRelease_isKept_whileTheSidecarsSwapIsUnfinished() throws Exception {
        UpdateHome home = new UpdateHome(Files.createDirectories(dir.resolve("home")));
        Instant t = Instant.parse("2026-02-07T12:00:00Z");
        home.swapJournal().write(new SwapJournal("20260207T120000.000Z", SwapJournal.Kind.INSTALL, SwapState.SWAPPED,
                dir.resolve("app.jar").toString(), new SwapJournal.Artifact(ReleaseVersion.tryParse("1.0.0"), new Sha256("a".repeat(64)), 5),
                new SwapJournal.Artifact(ReleaseVersion.tryParse("1.1.0"), new Sha256("b".repeat(64)), 5), "releases/1.1.0/app.jar", "backup/1.0.0/app.jar",
                false, 1, 0, false, null, null, t, t));
        assertReplacedReleaseKept(home);
    }

    @Test
    void aReplacedRelease_isKept_whenTheJournalCannotBeRead() throws Exception {
        UpdateHome home = new UpdateHome(Files.createDirectories(dir.resolve("home")));
        Files.writeString(home.journal(), "{\"state\" : \"swapped\"}");
        assertReplacedReleaseKept(home);
    }

    private void assertReplacedReleaseKept(UpdateHome home) throws Exception {
        try (TestChannel channel = TestChannel.start(dir.resolve("channel"))) {
            ReleaseStager stager = new ReleaseStager(home, new Downloader(DownloadOptions.defaults()), CLOCK);
            Manifest first = channel.publish("1.1.0", "release 1.1.0".getBytes(StandardCharsets.UTF_8));
            stager.stage(first, "any", first.binaries().get("any"), channel.manifestUri(),
                    new Decision.Install(first.version(), false, "update"));
            Manifest second = channel.publish("1.2.0", "release 1.2.0".getBytes(StandardCharsets.UTF_8));
            stager.stage(second, "any", second.binaries().get("any"), channel.manifestUri(),
                    new Decision.Install(second.version(), false, "update"));

            assertTrue(Files.exists(home.release("1.1.0").resolve("app.jar")), "a swap in flight may read it");
        }
    }

    @Test
    void stage_anArchive_unpacksItBesideTheVerifiedFile_andNamesItsRootInStagedJson() throws Exception {
        UpdateHome home = new UpdateHome(Files.createDirectories(dir.resolve("home")));
        byte[] zip = TestArchives.zip(TestArchives.of(TestArchives.file("app-1.1.0/bin/app", 0755, "#!/bin/sh\n"),
                TestArchives.file("app-1.1.0/config/app.properties", 0644, "port=1\n")));
        try (TestChannel channel = TestChannel.start(dir.resolve("channel"))) {
            Manifest manifest = channel.publishArchive("1.1.0", ArchiveFormat.ZIP, zip, List.of("config/app.properties"));
            Artifact artifact = manifest.binaries().get("any");
            ReleaseStager stager = new ReleaseStager(home, new Downloader(DownloadOptions.defaults()), CLOCK);

            StagedRelease staged = stager.stage(manifest, "any", artifact, channel.manifestUri(),
                    new Decision.Install(manifest.version(), false, "update"));

            assertEquals("releases/1.1.0/app-1.1.0.zip", staged.file());
            assertEquals("releases/1.1.0/app-1.1.0.zip.d/app-1.1.0", staged.tree(), "the one top folder is the root");
            assertEquals(ArchiveFormat.ZIP, staged.format());
            assertEquals(List.of("config/app.properties"), staged.config());
            assertEquals(ReleaseTree.hashOf(home.dir().resolve(staged.tree())), staged.treeSha256(),
                    "what the sidecar checks its copy against");
            assertEquals(staged, home.stagedRecord().read().orElseThrow(), "written and read back alike");
            assertEquals("port=1\n", Files.readString(home.dir().resolve(staged.tree()).resolve("config/app.properties")));
            assertTrue(stager.isStaged(manifest.version(), artifact));
            assertEquals("staged; unpacked 2 files (17 B)", home.history().read().get(0).detail());
        }
    }

    @Test
    void stage_aHostileArchive_writesNoStagedJson_andLeavesNoTree() throws Exception {
        UpdateHome home = new UpdateHome(Files.createDirectories(dir.resolve("home")));
        byte[] zip = TestArchives.zip(TestArchives.of(TestArchives.file("../../escape.sh", 0755, "#!/bin/sh\n")));
        try (TestChannel channel = TestChannel.start(dir.resolve("channel"))) {
            Manifest manifest = channel.publishArchive("1.1.0", ArchiveFormat.ZIP, zip, List.of());
            ReleaseStager stager = new ReleaseStager(home, new Downloader(DownloadOptions.defaults()), CLOCK);

            UpdaterException e = assertThrows(UpdaterException.class, () -> stager.stage(manifest, "any",
                    manifest.binaries().get("any"), channel.manifestUri(),
                    new Decision.Install(manifest.version(), false, "update")));

            assertEquals(ErrorCode.ARCHIVE_UNSAFE, e.code());
            assertTrue(e.getMessage().startsWith("Archive app-1.1.0.zip is refused: entry \"../../escape.sh\" climbs"
                    + " out of its folder with '..'; nothing was unpacked."), e.getMessage());
            assertTrue(home.stagedRecord().read().isEmpty(), "nothing staged");
            assertFalse(Files.exists(home.release("1.1.0").resolve("app-1.1.0.zip.d")));
            assertFalse(Files.exists(dir.resolve("escape.sh")));
            assertFalse(Files.exists(home.dir().resolve("escape.sh")));
        }
    }

    @Test
    void fileNameOf_keepsTheArtifactsName_butNeverAPathOrOddCharacters() {
        assertEquals("app-1.3.0.jar", ReleaseStager.fileNameOf(URI.create("https://h/app/1.3.0/any/app-1.3.0.jar")));
        assertEquals("a_b.jar", ReleaseStager.fileNameOf(URI.create("https://h/x/a%20b.jar")));
        assertEquals("artifact", ReleaseStager.fileNameOf(URI.create("https://h/dir/")));
        assertEquals("artifact", ReleaseStager.fileNameOf(URI.create("https://h/dir/..")));
    }

    @Test
    void stage_downloadsOnce_andAnIntactReleaseIsNotDownloadedAgain() throws Exception {
        byte[] jar = "release 1.1.0".getBytes(StandardCharsets.UTF_8);
        UpdateHome home = new UpdateHome(Files.createDirectories(dir.resolve("home")));
        try (TestChannel channel = TestChannel.start(dir.resolve("channel"))) {
            Manifest manifest = channel.publish("1.1.0", jar);
            Artifact artifact = manifest.binaries().get("any");
            ReleaseStager stager = new ReleaseStager(home, new Downloader(DownloadOptions.defaults()), CLOCK);
            Decision.Install install = new Decision.Install(manifest.version(), false, "update");

            assertFalse(stager.isStaged(manifest.version(), artifact));
            StagedRelease staged = stager.stage(manifest, "any", artifact, channel.manifestUri(), install);
            assertTrue(stager.isStaged(manifest.version(), artifact));
            Files.delete(home.stagedRecord().path());
            stager.stage(manifest, "any", artifact, channel.manifestUri(), install);

            assertEquals(1, channel.requests("/1.1.0/any/app.jar"), "the verified file in releases/ is reused");
            assertArrayEquals(jar, Files.readAllBytes(home.dir().resolve(staged.file())));
            StagedRelease again = home.stagedRecord().read().orElseThrow();
            assertEquals(Sha256.ofBytes(jar), again.sha256());
            assertEquals(NOW, again.stagedAt(), "staged at the stager's time");
        }
    }

    @Test
    void isStaged_isFalse_whenStagedJsonNamesAFileOutsideReleases() throws Exception {
        byte[] jar = "release 1.1.0".getBytes(StandardCharsets.UTF_8);
        UpdateHome home = new UpdateHome(Files.createDirectories(dir.resolve("home")));
        Path outside = Files.write(dir.resolve("app.jar"), jar); // same bytes, outside the home
        try (TestChannel channel = TestChannel.start(dir.resolve("channel"))) {
            Manifest manifest = channel.publish("1.1.0", jar);
            Artifact artifact = manifest.binaries().get("any");
            home.stagedRecord().write(new StagedRelease(manifest.version(), "releases/../../app.jar", jar.length,
                    artifact.sha256(), "any", java.util.List.of(), java.util.List.of(), null, false, false, null,
                    null, null, NOW));

            assertFalse(new ReleaseStager(home, new Downloader(DownloadOptions.defaults()), CLOCK)
                    .isStaged(manifest.version(), artifact), "a record pointing out of releases/ is not a staged release");
            assertArrayEquals(jar, Files.readAllBytes(outside));
        }
    }
}
