package dev.updater.core.delta;

import dev.updater.core.ErrorCode;
import dev.updater.core.Sha256;
import dev.updater.core.UpdaterException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ChunkedIndexTest {
    private static final String REFUSED = "The entry index is refused: ";
    private static final String FALLBACK = ". The full artifact is downloaded instead.";
    private static final long ARCHIVE = 1_000_000;

    @TempDir
    Path dir;

    /** {@code count} DEFLATED entries of a few hundred bytes; entry {@code changed} (or none: -1) differs. */
    static byte[] jar(int count, long time, boolean extendedTimestamps, int changed) throws IOException {
        Random random = new Random(7);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
            for (int i = 0; i < count; i++) {
                ZipEntry entry = new ZipEntry("com/example/module" + (i % 17) + "/Class" + i + ".class");
                if (extendedTimestamps) {
                    entry.setLastModifiedTime(FileTime.fromMillis(time + i * 2000L));
                } else {
                    entry.setTime(time + i * 2000L);
                }
                zip.putNextEntry(entry);
                byte[] data = new byte[200 + random.nextInt(400)];
                random.nextBytes(data);
                if (i == changed) {
                    data[0] ^= 1;
                }
                zip.write(data);
            }
        }
        return bytes.toByteArray();
    }

    private record Channel(byte[] top, Map<Sha256, byte[]> chunks, ChunkedIndex index) {
        static Channel of(ChunkedIndex.Written written) {
            Map<Sha256, byte[]> chunks = new HashMap<>();
            for (int i = 0; i < written.storedChunks().size(); i++) {
                chunks.put(written.index().chunks().get(i).object().sha256(), written.storedChunks().get(i));
            }
            return new Channel(written.top(), chunks, written.index());
        }

        EntryIndex read(long size, Sha256 sha) throws Exception {
            return ChunkedIndex.read(top, size, sha).assemble(ref -> chunks.get(ref.sha256()));
        }
    }

    private EntryIndex index(byte[] zip) throws Exception {
        return ZipIndexer.index(Files.write(dir.resolve("z" + System.nanoTime() + ".jar"), zip)).index();
    }

    private static UpdaterException refused(org.junit.jupiter.api.function.Executable read) {
        UpdaterException e = assertThrows(UpdaterException.class, read);
        assertEquals(ErrorCode.DELTA_INDEX_INVALID, e.code());
        return e;
    }

    /** The chunks of {@code after} that {@code before} does not have. */
    private static List<ChunkedIndex.Chunk> newChunks(EntryIndex before, EntryIndex after) {
        Set<Sha256> old = new HashSet<>();
        ChunkedIndex.write(before).index().chunks().forEach(chunk -> old.add(chunk.object().sha256()));
        return ChunkedIndex.write(after).index().chunks().stream()
                .filter(chunk -> !old.contains(chunk.object().sha256())).toList();
    }

    @Test
    void everyZipShape_comesBackFieldForField() throws Exception {
        for (byte[] zip : List.of(ZipIndexerTest.mixedZip(0), ZipIndexerTest.mixedZip(1_700_000_000_000L),
                jar(3000, 1_700_000_000_000L, true, -1))) {
            EntryIndex original = index(zip);
            EntryIndex read = Channel.of(ChunkedIndex.write(original)).read(zip.length, Sha256.ofBytes(zip));
            // version 1 writes every field as it is: equal files mean equal indexes
            assertArrayEquals(IndexCodec.write(original), IndexCodec.write(read));
        }
    }

    @Test
    void aRebuildWithNewTimestamps_changesOnlyTheIndexsLastChunks_whichHoldTheTimestamps() throws Exception {
        for (boolean extended : new boolean[] {false, true}) {
            EntryIndex before = index(jar(4000, 1_700_000_000_000L, extended, -1));
            EntryIndex after = index(jar(4000, 1_750_000_000_000L, extended, -1));
            List<ChunkedIndex.Chunk> all = ChunkedIndex.write(after).index().chunks();
            List<ChunkedIndex.Chunk> changed = newChunks(before, after);
            assertEquals(all.subList(all.size() - changed.size(), all.size()), changed, "only a run of last chunks");
            // per entry the DOS time of the local header and the central record, and the UT extra's time in both
            int timestamps = 4000 * (extended ? 4 + 4 + 4 + 4 : 4 + 4);
            int rewritten = changed.stream().mapToInt(ChunkedIndex.Chunk::rawSize).sum();
            assertTrue(rewritten <= timestamps + (64 << 10), rewritten + " bytes of the index changed for "
                    + timestamps + " bytes of timestamps (extended: " + extended + ")");
            assertTrue(all.size() - changed.size() > 20, (all.size() - changed.size()) + " chunks kept");
        }
    }

    @Test
    void oneChangedEntry_changesAtMostTwoChunks() throws Exception {
        EntryIndex before = index(jar(4000, 1_700_000_000_000L, false, -1));
        EntryIndex after = index(jar(4000, 1_700_000_000_000L, false, 3000));
        assertTrue(newChunks(before, after).size() <= 2, newChunks(before, after).toString());
    }

    @Test
    void aTopLevelIndexForOtherBytesThanTheManifestNames_isRefused() throws Exception {
        byte[] zip = ZipIndexerTest.mixedZip(0);
        byte[] top = ChunkedIndex.write(index(zip)).top();
        Sha256 other = Sha256.ofBytes(new byte[] {1});
        assertEquals(REFUSED + "it describes " + zip.length + " bytes with SHA-256 " + Sha256.ofBytes(zip)
                + ", not the artifact of " + zip.length + " bytes with SHA-256 " + other + FALLBACK,
                refused(() -> ChunkedIndex.read(top, zip.length, other)).getMessage());
    }

    private static byte[] top(int bodyLength, int count, int stored, int raw) {
        ByteBuffer top = ByteBuffer.allocate(8 + 8 + 32 + 8 + 40 * Math.min(count, 3));
        top.put(ChunkedIndex.MAGIC).putLong(ARCHIVE).put(new byte[32]).putInt(bodyLength).putInt(count);
        for (int i = 0; i < Math.min(count, 3); i++) {
            top.put(new byte[32]).putInt(stored).putInt(raw);
        }
        return top.array();
    }

    @Test
    void aTopLevelIndexNamingAMillionChunks_isRefusedBeforeAnyIsFetched() {
        Sha256 zeros = Sha256.of(new byte[32]);
        assertEquals(REFUSED + "it declares a body of 1000 bytes in 1000000 chunks (at most 67108864 bytes in 16385"
                + " chunks)" + FALLBACK, refused(() -> ChunkedIndex.read(top(1000, 1_000_000, 10, 10), ARCHIVE, zeros)).getMessage());
    }

    @Test
    void aTopLevelIndexDeclaringABodyFarLargerThanItsArchiveNeeds_isRefused() {
        Sha256 zeros = Sha256.of(new byte[32]);
        assertEquals(REFUSED + "it declares a body of 2001025 bytes, more than the index of a 1000000-byte archive"
                + " can take" + FALLBACK, refused(() -> ChunkedIndex.read(top(2_001_025, 31, 100, 65536), ARCHIVE, zeros))
                .getMessage());
    }

    @Test
    void aChunkDeclaringMoreThanTheLargestChunk_isRefused() {
        Sha256 zeros = Sha256.of(new byte[32]);
        assertEquals(REFUSED + "chunk 0 claims 100 bytes stored and 65537 inflated (at most 65536 inflated, stored at"
                + " most a little more)" + FALLBACK, refused(() -> ChunkedIndex.read(top(65537, 1, 100, 65537), ARCHIVE, zeros)).getMessage());
        assertEquals(REFUSED + "its chunks add up to 30 bytes, not its body's 31" + FALLBACK,
                refused(() -> ChunkedIndex.read(top(31, 3, 10, 10), ARCHIVE, zeros)).getMessage());
    }

    @Test
    void aChunkWhoseBytesDoNotMatchItsName_isRefused() throws Exception {
        byte[] zip = ZipIndexerTest.mixedZip(0);
        Channel channel = Channel.of(ChunkedIndex.write(index(zip)));
        ObjectRef first = channel.index().chunks().get(0).object();
        byte[] altered = channel.chunks().get(first.sha256()).clone();
        altered[5] ^= 1;
        channel.chunks().put(first.sha256(), altered);
        assertEquals(REFUSED + "its chunk " + first.sha256() + " holds " + altered.length + " bytes with SHA-256 "
                + Sha256.ofBytes(altered) + FALLBACK, refused(() -> channel.read(zip.length, Sha256.ofBytes(zip))).getMessage());
    }

    @Test
    void aChunkInflatingToMoreThanItDeclares_isRefusedAfterOneByteMore() throws Exception {
        byte[] bomb = IndexCodec.deflate(new byte[50 << 20], 0, 50 << 20); // 50 MiB of zeros in about 50 KiB
        ObjectRef name = new ObjectRef(Sha256.ofBytes(bomb), bomb.length);
        ChunkedIndex index = new ChunkedIndex(100, Sha256.of(new byte[32]), 1000,
                List.of(new ChunkedIndex.Chunk(name, 1000)));
        assertEquals(REFUSED + "its chunk " + name.sha256() + " inflates to more than 1001 bytes, not the 1000 it"
                + " declares" + FALLBACK, refused(() -> index.assemble(ref -> bomb)).getMessage());
    }

    private static UpdaterException refusedBody(byte[] body, long size) {
        Channel channel = Channel.of(ChunkedIndex.ofBody(body, size, Sha256.of(new byte[32])));
        return refused(() -> channel.read(size, Sha256.of(new byte[32])));
    }

    @Test
    void aBodyListingAMillionEntries_isRefusedBeforeReadingThem() {
        byte[] body = {0, (byte) 0xC0, (byte) 0x84, 0x3D}; // no prefix, then 1,000,000 as a LEB128 number
        assertEquals(REFUSED + "it lists 1000000 entries, more than the 200000 allowed" + FALLBACK,
                refusedBody(body, 100_000_000).getMessage());
    }

    @Test
    void aBodyLyingAboutAnEntrysLength_isRefused() throws Exception {
        byte[] zip = ZipIndexerTest.mixedZip(0);
        EntryIndex index = index(zip);
        List<EntryIndex.Entry> entries = new ArrayList<>(index.entries());
        EntryIndex.Entry entry = entries.get(1);
        entries.set(1, new EntryIndex.Entry(entry.localHeader(), new ObjectRef(entry.data().sha256(),
                entry.data().size() - 4), entry.trailer()));
        byte[] body = IndexBody.encode(new EntryIndex(index.archiveSize(), index.archiveSha256(), index.prefix(),
                entries, index.central(), index.tail(), index.tailPatches()));
        assertEquals(REFUSED + "its pieces add up to " + (zip.length - 4) + " bytes, not the archive's " + zip.length
                + FALLBACK, refusedBody(body, zip.length).getMessage());
    }

    @Test
    void aBodyWhoseTimestampsDoNotFitItsHeaders_isRefused() throws Exception {
        byte[] zip = jar(10, 1_700_000_000_000L, false, -1);
        byte[] body = IndexBody.encode(index(zip));
        // The body ends with its volatile stream: here only DOS times, 4 bytes per local header and per
        // central record, 80 bytes after a one-byte length.
        assertEquals(80, body[body.length - 81]);
        byte[] longer = java.util.Arrays.copyOf(body, body.length + 1);
        longer[body.length - 81] = 81;
        assertEquals(REFUSED + "its volatile stream has 1 bytes more than its headers take" + FALLBACK,
                refusedBody(longer, zip.length).getMessage());
        byte[] shorter = java.util.Arrays.copyOf(body, body.length - 1);
        shorter[body.length - 81] = 79;
        assertEquals(REFUSED + "its volatile stream ends at entry 9 of 10" + FALLBACK,
                refusedBody(shorter, zip.length).getMessage());
    }
}
