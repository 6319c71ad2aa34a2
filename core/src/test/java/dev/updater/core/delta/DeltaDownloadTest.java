package dev.updater.core.delta;

import dev.updater.core.Sha256;
import dev.updater.core.UpdaterException;
import dev.updater.core.check.ReleaseStager;
import dev.updater.core.download.DownloadListener;
import dev.updater.core.download.DownloadOptions;
import dev.updater.core.download.Downloader;
import dev.updater.core.download.Cancellation;
import dev.updater.core.home.HistoryEvent;
import dev.updater.core.home.UpdateHome;
import dev.updater.core.manifest.Artifact;
import dev.updater.core.manifest.Changelog;
import dev.updater.core.manifest.Manifest;
import dev.updater.core.policy.Decision;
import dev.updater.core.testing.PosixModes;
import dev.updater.core.testing.TestChannel;
import dev.updater.core.version.ReleaseVersion;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.Random;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link ReleaseStager} with an entry index in the manifest, against a real channel on 127.0.0.1. */
class DeltaDownloadTest {
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-03-02T09:30:00Z"), ZoneOffset.UTC);

    @TempDir
    Path dir;

    /** 300 entries of 1 KiB of incompressible bytes; {@code changed} alters one of them. */
    static byte[] jar(boolean changed) throws IOException {
        Random random = new Random(42);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
            for (int i = 0; i < 300; i++) {
                byte[] data = new byte[1024];
                random.nextBytes(data);
                if (changed && i == 150) {
                    data[0] ^= 1;
                }
                ZipEntry entry = new ZipEntry("com/example/C" + i + ".class");
                entry.setTime(0);
                zip.putNextEntry(entry);
                zip.write(data);
            }
        }
        return bytes.toByteArray();
    }

    private record Recorded(List<String> events) implements DownloadListener {
        @Override
        public void deltaUsed(long bytesFetched, long fullSize, int objects, DeltaPieces pieces) {
            assertEquals(DeltaPieces.ENTRIES, pieces);
            events.add("used " + objects + " objects, " + (bytesFetched < fullSize / 10 ? "under a tenth" : bytesFetched));
        }

        @Override
        public void deltaRefused(UpdaterException reason) {
            events.add("refused " + reason.code());
        }
    }

    /** As {@link TestChannel#publishWithIndex}, keeping the jar in {@code scratch} for the test's own checks. */
    private static Manifest publishWithIndex(TestChannel channel, String version, byte[] jar, Path scratch)
            throws Exception {
        Files.write(scratch.resolve(version + ".jar"), jar);
        return channel.publishWithIndex(version, jar);
    }

    private record Staged(UpdateHome home, Manifest manifest, List<String> events) {
        byte[] release() throws IOException {
            return Files.readAllBytes(home.release(manifest.version().toString()).resolve("app.jar"));
        }

        String history() throws Exception {
            List<HistoryEvent> events = home.history().read();
            return events.get(events.size() - 1).detail();
        }
    }

    private Staged stage(TestChannel channel, Manifest manifest, byte[] installed) throws Exception {
        UpdateHome home = new UpdateHome(Files.createDirectories(dir.resolve("home")));
        if (installed != null) {
            Files.createDirectories(home.release("1.0.0"));
            Files.write(home.release("1.0.0").resolve("app.jar"), installed);
        }
        List<String> events = new ArrayList<>();
        new ReleaseStager(home, new Downloader(DownloadOptions.defaults()), CLOCK).stage(manifest, "any",
                manifest.binaries().get("any"), channel.manifestUri(),
                new Decision.Install(manifest.version(), false, "install"), new Recorded(events), Cancellation.none());
        return new Staged(home, manifest, events);
    }

    @Test
    void oneChangedEntry_isTheOnlyObjectFetched_andTheReleaseIsTheExactJar() throws Exception {
        byte[] newJar = jar(true);
        try (TestChannel channel = TestChannel.start(dir.resolve("channel"))) {
            Manifest manifest = publishWithIndex(channel, "1.1.0", newJar, Files.createDirectories(dir.resolve("s")));
            Staged staged = stage(channel, manifest, jar(false));

            assertArrayEquals(newJar, staged.release());
            assertEquals(List.of("used 1 objects, under a tenth"), staged.events());
            assertEquals(0, channel.requests("/" + TestChannel.artifactPath("1.1.0")), "the full jar is never fetched");
            assertTrue(staged.history().startsWith("staged; delta: fetched "), staged.history());
            assertFalse(Files.exists(staged.home().downloads().resolve("1.1.0-app.jar.delta")), "work files removed");
        }
    }

    @Test
    void anObjectWhoseBytesDoNotMatchItsName_fallsBackToTheFullDownload() throws Exception {
        byte[] newJar = jar(true);
        try (TestChannel channel = TestChannel.start(dir.resolve("channel"))) {
            Manifest manifest = publishWithIndex(channel, "1.1.0", newJar, Files.createDirectories(dir.resolve("s")));
            List<ObjectRef> changed = new LocalObjects(List.of(ZipIndexer.index(
                    Files.write(dir.resolve("old.jar"), jar(false)))), null).missing(ZipIndexer.index(
                    dir.resolve("s").resolve("1.1.0.jar")).index());
            Path object = channel.dir().resolve("objects").resolve(changed.get(0).sha256().hex());
            byte[] tampered = Files.readAllBytes(object);
            tampered[10] ^= 1;
            Files.write(object, tampered);

            Staged staged = stage(channel, manifest, jar(false));

            assertArrayEquals(newJar, staged.release());
            assertEquals(List.of("refused DOWNLOAD_HASH_MISMATCH"), staged.events());
            assertEquals(1, channel.requests("/" + TestChannel.artifactPath("1.1.0")));
            assertTrue(staged.history().startsWith("staged; full download, the delta was not used: "), staged.history());
        }
    }

    @Test
    void aMissingObject_fallsBackToTheFullDownload() throws Exception {
        byte[] newJar = jar(true);
        try (TestChannel channel = TestChannel.start(dir.resolve("channel"))) {
            Manifest manifest = publishWithIndex(channel, "1.1.0", newJar, Files.createDirectories(dir.resolve("s")));
            try (var objects = Files.list(channel.dir().resolve("objects"))) {
                for (Path object : objects.toList()) {
                    Files.delete(object);
                }
            }
            Staged staged = stage(channel, manifest, jar(false));

            assertArrayEquals(newJar, staged.release());
            assertEquals(List.of("refused HTTP_STATUS"), staged.events());
            assertEquals(1, channel.requests("/" + TestChannel.artifactPath("1.1.0")));
        }
    }

    @Test
    void nothingInstalledToBuildOn_fallsBackWithoutFetchingTheIndex() throws Exception {
        byte[] newJar = jar(true);
        try (TestChannel channel = TestChannel.start(dir.resolve("channel"))) {
            Manifest manifest = publishWithIndex(channel, "1.1.0", newJar, Files.createDirectories(dir.resolve("s")));
            Staged staged = stage(channel, manifest, null);

            assertArrayEquals(newJar, staged.release());
            assertEquals(List.of("refused DELTA_REBUILD_FAILED"), staged.events());
            assertEquals(0, channel.requests("/" + TestChannel.artifactPath("1.1.0") + ".index"));
            assertEquals("staged; full download, the delta was not used: No installed or kept release to build on.",
                    staged.history());
        }
    }

    @Test
    void aDeltaOfMoreThanHalfTheArtifact_fallsBackToTheFullDownload() throws Exception {
        byte[] newJar = jar(true);
        try (TestChannel channel = TestChannel.start(dir.resolve("channel"))) {
            Manifest manifest = publishWithIndex(channel, "1.1.0", newJar, Files.createDirectories(dir.resolve("s")));
            Staged staged = stage(channel, manifest, ZipIndexerTest.mixedZip(0)); // a zip sharing no entry

            assertArrayEquals(newJar, staged.release());
            assertEquals(List.of("refused DELTA_REBUILD_FAILED"), staged.events());
            assertTrue(staged.history().contains("more than half the"), staged.history());
            for (ObjectRef ref : ZipIndexer.index(dir.resolve("s").resolve("1.1.0.jar")).index().objects()) {
                assertEquals(0, channel.requests("/" + ref.path()), "no object is fetched once the delta is too big");
            }
        }
    }

    private static ChunkedIndex topOf(TestChannel channel, byte[] jar) throws Exception {
        return ChunkedIndex.read(Files.readAllBytes(channel.dir().resolve(TestChannel.artifactPath("1.1.0") + ".index")),
                jar.length, Sha256.ofBytes(jar));
    }

    private Set<Sha256> chunksOf(byte[] jar) throws Exception {
        Set<Sha256> names = new HashSet<>();
        ChunkedIndex.write(ZipIndexer.index(Files.write(dir.resolve("chunked.jar"), jar)).index()).index().chunks()
                .forEach(chunk -> names.add(chunk.object().sha256()));
        return names;
    }

    private static List<String> files(Path folder) throws IOException {
        try (var files = Files.list(folder)) {
            return files.map(file -> file.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void theIndexChunksTheInstalledJarGives_areNotFetched_andTheNewOnesAreKeptInTheHome() throws Exception {
        byte[] newJar = jar(true);
        try (TestChannel channel = TestChannel.start(dir.resolve("channel"))) {
            Manifest manifest = publishWithIndex(channel, "1.1.0", newJar, Files.createDirectories(dir.resolve("s")));
            ChunkedIndex top = topOf(channel, newJar);
            Set<Sha256> installedChunks = chunksOf(jar(false));
            assertTrue(top.chunks().stream().anyMatch(chunk -> installedChunks.contains(chunk.object().sha256())),
                    "the two versions' indexes share chunks");

            Staged staged = stage(channel, manifest, jar(false));

            assertArrayEquals(newJar, staged.release());
            assertEquals(List.of("used 1 objects, under a tenth"), staged.events());
            for (ChunkedIndex.Chunk chunk : top.chunks()) {
                assertEquals(installedChunks.contains(chunk.object().sha256()) ? 0 : 1,
                        channel.requests("/" + chunk.object().path()), "requests for chunk " + chunk);
            }
            assertEquals(top.chunks().stream().map(chunk -> chunk.object().sha256().hex()).sorted().toList(),
                    files(staged.home().indexChunks()), "the home keeps exactly the new index's chunks");
            if (PosixModes.supported(dir)) { // Windows has no modes: the profile's ACL guards the home there
                assertEquals("rwx------", PosixModes.of(staged.home().indexChunks()),
                        "a home folder no one else may write");
            }
        }
    }

    /** Stages 1.1.0 over 1.0.0 with every chunk of 1.1.0's index already kept in the home, {@code altered} one changed. */
    private Staged stageWithKeptChunks(TestChannel channel, Manifest manifest, ChunkedIndex top, Sha256 altered)
            throws Exception {
        Path kept = Files.createDirectories(new UpdateHome(dir.resolve("home")).indexChunks());
        Files.writeString(kept.resolve("0123-not-a-chunk-of-this-index"), "removed once the delta worked");
        for (ChunkedIndex.Chunk chunk : top.chunks()) {
            byte[] bytes = Files.readAllBytes(channel.dir().resolve(chunk.object().path()));
            if (chunk.object().sha256().equals(altered)) {
                bytes[3] ^= 1;
            }
            Files.write(kept.resolve(chunk.object().sha256().hex()), bytes);
        }
        return stage(channel, manifest, jar(false));
    }

    @Test
    void keptIndexChunks_areUsedInsteadOfFetched() throws Exception {
        byte[] newJar = jar(true);
        try (TestChannel channel = TestChannel.start(dir.resolve("channel"))) {
            Manifest manifest = publishWithIndex(channel, "1.1.0", newJar, Files.createDirectories(dir.resolve("s")));
            ChunkedIndex top = topOf(channel, newJar);

            Staged staged = stageWithKeptChunks(channel, manifest, top, null);

            assertArrayEquals(newJar, staged.release());
            for (ChunkedIndex.Chunk chunk : top.chunks()) {
                assertEquals(0, channel.requests("/" + chunk.object().path()), "chunk " + chunk + " is kept");
            }
            assertEquals(top.chunks().stream().map(chunk -> chunk.object().sha256().hex()).sorted().toList(),
                    files(staged.home().indexChunks()), "chunks of no index in use are removed");
        }
    }

    @Test
    void aKeptIndexChunkThatWasAltered_isFetchedAgain_andReplaced() throws Exception {
        byte[] newJar = jar(true);
        try (TestChannel channel = TestChannel.start(dir.resolve("channel"))) {
            Manifest manifest = publishWithIndex(channel, "1.1.0", newJar, Files.createDirectories(dir.resolve("s")));
            ChunkedIndex top = topOf(channel, newJar);
            Set<Sha256> installedChunks = chunksOf(jar(false));
            ObjectRef changed = top.chunks().stream().map(ChunkedIndex.Chunk::object)
                    .filter(chunk -> !installedChunks.contains(chunk.sha256())).findFirst().orElseThrow();

            Staged staged = stageWithKeptChunks(channel, manifest, top, changed.sha256());

            assertArrayEquals(newJar, staged.release());
            assertEquals(List.of("used 1 objects, under a tenth"), staged.events());
            assertEquals(1, channel.requests("/" + changed.path()), "the altered chunk is fetched");
            assertEquals(changed.sha256(), Sha256.ofFile(staged.home().indexChunks().resolve(changed.sha256().hex())),
                    "and kept with its right bytes");
        }
    }

    @Test
    void aVersion1Index_isStillRead_andRebuildsTheExactJar() throws Exception {
        byte[] newJar = jar(true);
        try (TestChannel channel = TestChannel.start(dir.resolve("channel"))) {
            Manifest manifest = channel.publishWithVersion1Index("1.1.0", newJar);

            Staged staged = stage(channel, manifest, jar(false));

            assertArrayEquals(newJar, staged.release());
            assertEquals(List.of("used 1 objects, under a tenth"), staged.events());
            assertEquals(0, channel.requests("/" + TestChannel.artifactPath("1.1.0")), "the full jar is never fetched");
        }
    }
}
