package dev.updater.core.delta;

import dev.updater.core.Sha256;
import dev.updater.core.UpdaterException;
import dev.updater.core.check.ReleaseStager;
import dev.updater.core.download.Cancellation;
import dev.updater.core.download.DownloadListener;
import dev.updater.core.download.DownloadOptions;
import dev.updater.core.download.Downloader;
import dev.updater.core.home.HistoryEvent;
import dev.updater.core.home.UpdateHome;
import dev.updater.core.manifest.Manifest;
import dev.updater.core.policy.Decision;
import dev.updater.core.testing.TestChannel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link ReleaseStager} with a chunk index (an artifact that is not a zip), against a real channel on 127.0.0.1. */
class FileChunkDeltaTest {
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-03-02T09:30:00Z"), ZoneOffset.UTC);
    private static final int MIB = 1 << 20;

    @TempDir
    Path dir;

    private record Staged(UpdateHome home, Manifest manifest, List<String> events) {
        byte[] release() throws Exception {
            return Files.readAllBytes(home.release(manifest.version().toString()).resolve("app.jar"));
        }

        String history() throws Exception {
            List<HistoryEvent> events = home.history().read();
            return events.get(events.size() - 1).detail();
        }
    }

    private Staged stage(TestChannel channel, Manifest manifest, byte[] installed) throws Exception {
        UpdateHome home = new UpdateHome(Files.createDirectories(dir.resolve("home")));
        Files.createDirectories(home.release("1.0.0"));
        Files.write(home.release("1.0.0").resolve("app.jar"), installed);
        List<String> events = new ArrayList<>();
        new ReleaseStager(home, new Downloader(DownloadOptions.defaults()), CLOCK).stage(manifest, "any",
                manifest.binaries().get("any"), channel.manifestUri(),
                new Decision.Install(manifest.version(), false, "install"), new DownloadListener() {
                    @Override
                    public void deltaUsed(long bytesFetched, long fullSize, int objects, DeltaPieces pieces) {
                        events.add("used " + pieces.count(objects) + ", " + bytesFetched + " bytes");
                    }

                    @Override
                    public void deltaRefused(UpdaterException reason) {
                        events.add("refused " + reason.code());
                    }
                }, Cancellation.none());
        return new Staged(home, manifest, events);
    }

    private static int objectRequests(TestChannel channel) throws Exception {
        int requests = 0;
        try (Stream<Path> objects = Files.list(channel.dir().resolve("objects"))) {
            for (Path object : objects.toList()) {
                requests += channel.requests("/objects/" + object.getFileName());
            }
        }
        return requests;
    }

    private static long indexSize(TestChannel channel) throws Exception {
        return Files.size(channel.dir().resolve(TestChannel.artifactPath("1.1.0") + ".index"));
    }

    @Test
    void aChangedByteInTheMiddle_fetchesOneOrTwoChunks_andStagesTheExactFile() throws Exception {
        byte[] old = FileChunkIndexTest.binary(4 * MIB, 11);
        byte[] next = old.clone();
        next[2 * MIB] ^= 1;
        try (TestChannel channel = TestChannel.start(dir.resolve("channel"))) {
            Manifest manifest = channel.publishWithChunkIndex("1.1.0", next);
            Staged staged = stage(channel, manifest, old);

            assertArrayEquals(next, staged.release());
            assertEquals(0, channel.requests("/" + TestChannel.artifactPath("1.1.0")), "the full file is never fetched");
            int fetched = objectRequests(channel);
            assertTrue(fetched >= 1 && fetched <= 2, "chunks fetched: " + fetched);
            String used = staged.events().get(0);
            long bytes = Long.parseLong(used.substring(used.indexOf(", ") + 2, used.indexOf(" bytes")));
            assertEquals(List.of("used " + fetched + (fetched == 1 ? " changed chunk, " : " changed chunks, ") + bytes
                    + " bytes"), staged.events());
            assertTrue(bytes <= indexSize(channel) + 2 * 65536, "the index and at most two chunks: " + bytes);
            assertEquals(Long.valueOf(bytes), staged.home().stagedRecord().read().orElseThrow().deltaFetched(), "status shows it");
            assertTrue(staged.history().startsWith("staged; delta: fetched "), staged.history());
            assertFalse(Files.exists(staged.home().downloads().resolve("1.1.0-app.jar.delta")), "work files removed");
        }
    }

    @Test
    void anInsertionNearTheStart_fetchesOnlyTheChunksAroundIt() throws Exception {
        byte[] old = FileChunkIndexTest.binary(4 * MIB, 12);
        ByteArrayOutputStream next = new ByteArrayOutputStream();
        next.write(old, 0, 5000);
        next.write(FileChunkIndexTest.binary(3000, 13));
        next.write(old, 5000, old.length - 5000);
        try (TestChannel channel = TestChannel.start(dir.resolve("channel"))) {
            Manifest manifest = channel.publishWithChunkIndex("1.1.0", next.toByteArray());
            Staged staged = stage(channel, manifest, old);

            assertArrayEquals(next.toByteArray(), staged.release());
            assertEquals(0, channel.requests("/" + TestChannel.artifactPath("1.1.0")));
            assertTrue(objectRequests(channel) <= 2, "chunks fetched: " + objectRequests(channel));
        }
    }

    @Test
    void anIndexOfTinyChunks_isRefused_beforeAnyChunkIsFetched_andTheFullFileIsStaged() throws Exception {
        byte[] old = FileChunkIndexTest.binary(MIB, 14);
        byte[] next = old.clone();
        next[100] ^= 1;
        // 2^20 one-byte chunks: the file's bytes are all there, named truly, a million requests to fetch
        ByteBuffer top = ByteBuffer.allocate(52 + 36 * MIB);
        top.put(FileChunkIndex.MAGIC).putLong(MIB).put(java.util.HexFormat.of().parseHex(Sha256.ofBytes(next).hex()))
                .putInt(MIB);
        try (TestChannel channel = TestChannel.start(dir.resolve("channel"))) {
            Files.createDirectories(channel.dir().resolve("objects"));
            for (int i = 0; i < MIB; i++) {
                top.put(java.util.HexFormat.of().parseHex(Sha256.ofBytes(new byte[] {next[i]}).hex())).putInt(1);
            }
            for (int b = 0; b < 256; b++) {
                Files.write(channel.dir().resolve("objects").resolve(Sha256.ofBytes(new byte[] {(byte) b}).hex()),
                        new byte[] {(byte) b});
            }
            Manifest manifest = channel.publishIndexed("1.1.0", next, top.array());
            Staged staged = stage(channel, manifest, old);

            assertArrayEquals(next, staged.release());
            assertEquals(List.of("refused DELTA_INDEX_INVALID"), staged.events());
            assertEquals(0, objectRequests(channel));
            assertEquals(1, channel.requests("/" + TestChannel.artifactPath("1.1.0")));
            assertEquals("staged; full download, the delta was not used: The chunk index is refused: it declares 1048576"
                    + " chunks for 1048576 bytes (between 16 and 65). The full artifact is downloaded instead.",
                    staged.history());
        }
    }

    @Test
    void aChunkOnTheChannelWhoseBytesDoNotMatchItsName_fallsBackToTheFullFile() throws Exception {
        byte[] old = FileChunkIndexTest.binary(MIB, 15);
        byte[] next = old.clone();
        next[MIB / 2] ^= 1;
        try (TestChannel channel = TestChannel.start(dir.resolve("channel"))) {
            Manifest manifest = channel.publishWithChunkIndex("1.1.0", next);
            try (Stream<Path> objects = Files.list(channel.dir().resolve("objects"))) {
                for (Path object : objects.toList()) {
                    byte[] bytes = Files.readAllBytes(object);
                    bytes[0] ^= 1;
                    Files.write(object, bytes);
                }
            }
            Staged staged = stage(channel, manifest, old);

            assertArrayEquals(next, staged.release());
            assertEquals(List.of("refused DOWNLOAD_HASH_MISMATCH"), staged.events());
            assertNull(staged.home().stagedRecord().read().orElseThrow().deltaFetched(), "downloaded whole");
            assertEquals(1, channel.requests("/" + TestChannel.artifactPath("1.1.0")));
        }
    }

    @Test
    void aFileWithNothingInCommon_fallsBackToTheFullFile_withoutFetchingAChunk() throws Exception {
        byte[] next = FileChunkIndexTest.binary(MIB, 16);
        try (TestChannel channel = TestChannel.start(dir.resolve("channel"))) {
            Manifest manifest = channel.publishWithChunkIndex("1.1.0", next);
            Staged staged = stage(channel, manifest, FileChunkIndexTest.binary(MIB, 17));

            assertArrayEquals(next, staged.release());
            assertEquals(List.of("refused DELTA_REBUILD_FAILED"), staged.events());
            assertEquals(0, objectRequests(channel));
            assertTrue(staged.history().startsWith("staged; full download, the delta was not used: The delta would be "),
                    staged.history());
        }
    }
}
