package dev.updater.core.delta;

import dev.updater.core.ErrorCode;
import dev.updater.core.Sha256;
import dev.updater.core.UpdaterException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FileChunkIndexTest {
    private static final int KIB = 1 << 10;

    @TempDir
    Path dir;

    static byte[] binary(int size, long seed) {
        byte[] bytes = new byte[size];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }

    private record Cut(FileChunkIndex index, Map<Sha256, byte[]> chunks) {
    }

    private Cut cut(byte[] file) throws IOException {
        Path path = Files.write(dir.resolve("file-" + Sha256.ofBytes(file).hex()), file);
        Map<Sha256, byte[]> chunks = new HashMap<>();
        FileChunkIndex index = FileChunkIndex.of(path, (ref, buffer, from, to, offset) -> {
            assertArrayEquals(java.util.Arrays.copyOfRange(file, (int) offset, (int) offset + to - from),
                    java.util.Arrays.copyOfRange(buffer, from, to), "a chunk's bytes are the file's at its offset");
            chunks.put(ref.sha256(), java.util.Arrays.copyOfRange(buffer, from, to));
        });
        return new Cut(index, chunks);
    }

    @Test
    void cutting_coversTheFileEndToEnd_inChunksOf16To64KiB_andReadsBackAsWritten() throws Exception {
        byte[] file = binary(3 * 1024 * KIB + 123, 1);
        Cut cut = cut(file);

        assertEquals(file.length, cut.index().fileSize());
        assertEquals(Sha256.ofBytes(file), cut.index().fileSha256());
        List<ObjectRef> chunks = cut.index().chunks();
        for (int i = 0; i < chunks.size() - 1; i++) {
            assertTrue(chunks.get(i).size() >= 16 * KIB && chunks.get(i).size() <= 64 * KIB, chunks.get(i).toString());
        }
        assertEquals(file.length, chunks.stream().mapToLong(ObjectRef::size).sum());
        assertTrue(chunks.size() > 3 * 1024 / 64 && chunks.size() < 3 * 1024 / 16, "about 32 KiB each: " + chunks.size());
        assertEquals(cut.index(), FileChunkIndex.read(cut.index().toBytes(), file.length, Sha256.ofBytes(file)));
    }

    @Test
    void aChangeInTheMiddle_orAnInsertionNearTheStart_changesOnlyTheChunksNextToIt() throws Exception {
        byte[] file = binary(2 * 1024 * KIB, 2);
        Set<Sha256> before = cut(file).chunks().keySet();

        byte[] changed = file.clone();
        changed[file.length / 2] ^= 1;
        assertTrue(newChunks(before, cut(changed)) <= 2, "a changed byte touches one or two chunks");

        ByteArrayOutputStream inserted = new ByteArrayOutputStream();
        inserted.write(file, 0, 1000);
        inserted.write(binary(700, 3));
        inserted.write(file, 1000, file.length - 1000);
        assertTrue(newChunks(before, cut(inserted.toByteArray())) <= 2, "the cuts after an insertion fall as before");
    }

    private static long newChunks(Set<Sha256> before, Cut after) {
        return after.index().chunks().stream().filter(ref -> !before.contains(ref.sha256())).distinct().count();
    }

    @Test
    void rebuild_writesTheExactFile_fromItsChunks() throws Exception {
        byte[] file = binary(700 * KIB, 4);
        Cut cut = cut(file);
        Path target = dir.resolve("rebuilt");
        cut.index().rebuild(ref -> new ByteArrayInputStream(cut.chunks().get(ref.sha256())), target);
        assertArrayEquals(file, Files.readAllBytes(target));
    }

    @Test
    void rebuild_refusesAChunkWhoseBytesAreNotWhatItsNameSays_andLeavesNoFile() throws Exception {
        byte[] file = binary(700 * KIB, 5);
        Cut cut = cut(file);
        ObjectRef lying = cut.index().chunks().get(3);
        byte[] other = cut.chunks().get(cut.index().chunks().get(4).sha256());
        Path target = dir.resolve("rebuilt");

        UpdaterException e = assertThrows(UpdaterException.class, () -> cut.index().rebuild(ref ->
                new ByteArrayInputStream(ref.equals(lying) ? other : cut.chunks().get(ref.sha256())), target));
        assertEquals(ErrorCode.DELTA_REBUILD_FAILED, e.code());
        int read = (int) Math.min(other.length, lying.size());
        assertEquals("Chunk " + lying.sha256() + " holds " + read + " bytes with SHA-256 "
                + Sha256.ofBytes(java.util.Arrays.copyOf(other, read)) + ", not its " + lying.size()
                + " bytes; the delta is not used.", e.getMessage());
        assertFalse(Files.exists(target));
    }

    /** A top-level file with this header and these (SHA-256, size) chunks. */
    static byte[] index(long size, Sha256 sha, int count, List<long[]> chunks, Sha256 chunkName) {
        ByteBuffer out = ByteBuffer.allocate(52 + 36 * chunks.size() + 8);
        out.put(FileChunkIndex.MAGIC).putLong(size).put(java.util.HexFormat.of().parseHex(sha.hex())).putInt(count);
        for (long[] chunk : chunks) {
            out.put(java.util.HexFormat.of().parseHex(chunkName.hex())).putInt((int) chunk[0]);
        }
        return java.util.Arrays.copyOf(out.array(), out.position());
    }

    private static String refusal(byte[] top, long size, Sha256 sha) {
        UpdaterException e = assertThrows(UpdaterException.class, () -> FileChunkIndex.read(top, size, sha));
        assertEquals(ErrorCode.DELTA_INDEX_INVALID, e.code());
        assertTrue(e.getMessage().startsWith("The chunk index is refused: "), e.getMessage());
        assertTrue(e.getMessage().endsWith(". The full artifact is downloaded instead."), e.getMessage());
        return e.getMessage().substring("The chunk index is refused: ".length(),
                e.getMessage().length() - ". The full artifact is downloaded instead.".length());
    }

    private static List<long[]> sizes(long... sizes) {
        List<long[]> list = new ArrayList<>();
        for (long size : sizes) {
            list.add(new long[] {size});
        }
        return list;
    }

    @Test
    void read_refusesHostileIndexes_eachBeforeAnyChunkIsFetched() throws Exception {
        Sha256 sha = Sha256.ofBytes(new byte[] {1});
        Sha256 name = Sha256.ofBytes(new byte[] {2});
        long mib = 1024 * KIB;

        byte[] entryIndex = index(mib, sha, 16, sizes(), name);
        System.arraycopy(ChunkedIndex.MAGIC, 0, entryIndex, 0, 8);
        assertEquals("it does not start with UPDFCDC1", refusal(entryIndex, mib, sha), "a zip's index is not read as this kind");

        assertEquals("it describes 1048577 bytes with SHA-256 " + sha + ", not the artifact of 1048576 bytes with SHA-256 "
                + sha, refusal(index(mib + 1, sha, 16, sizes(), name), mib, sha), "an index of another file");
        assertEquals("it describes 1048576 bytes with SHA-256 " + name + ", not the artifact of 1048576 bytes with SHA-256 "
                + sha, refusal(index(mib, name, 16, sizes(), name), mib, sha));

        // 10^6 one-byte chunks of a 1 MB file: a million requests, refused by the count alone
        assertEquals("it declares 1000000 chunks for 1000000 bytes (between 16 and 62)",
                refusal(index(1_000_000, sha, 1_000_000, sizes(), name), 1_000_000, sha));
        assertEquals("it declares 4294967295 chunks for 1048576 bytes (between 16 and 65)",
                refusal(index(mib, sha, -1, sizes(), name), mib, sha));
        assertEquals("it declares 15 chunks for 1048576 bytes (between 16 and 65)",
                refusal(index(mib, sha, 15, sizes(), name), mib, sha), "fewer chunks than 64 KiB each can carry");

        long[] sixteen = new long[16];
        java.util.Arrays.fill(sixteen, 64 * KIB);
        assertEquals("it has 540 bytes for 16 chunks of 36 bytes",
                refusal(index(mib, sha, 16, sizes(java.util.Arrays.copyOf(sixteen, 15)), name), mib, sha), "cut short");
        byte[] longer = index(mib, sha, 16, sizes(sixteen), name);
        assertEquals("it has 577 bytes for 16 chunks of 36 bytes",
                refusal(java.util.Arrays.copyOf(longer, longer.length + 1), mib, sha), "bytes after the list");

        long[] bomb = sixteen.clone();
        bomb[0] = 1L << 30;
        assertEquals("chunk 0 claims 1073741824 bytes (16384 to 65536, the last one at least 1)",
                refusal(index(mib, sha, 16, sizes(bomb), name), mib, sha), "a chunk that claims a gigabyte");
        long[] tiny = sixteen.clone();
        tiny[5] = 100;
        assertEquals("chunk 5 claims 100 bytes (16384 to 65536, the last one at least 1)",
                refusal(index(mib, sha, 16, sizes(tiny), name), mib, sha));
        long[] empty = sixteen.clone();
        empty[15] = 0;
        assertEquals("chunk 15 claims 0 bytes (16384 to 65536, the last one at least 1)",
                refusal(index(mib, sha, 16, sizes(empty), name), mib, sha));
        long[] short1 = sixteen.clone();
        short1[15] = 64 * KIB - 1;
        assertEquals("its chunks add up to 1048575 bytes, not the artifact's 1048576",
                refusal(index(mib, sha, 16, sizes(short1), name), mib, sha), "an offset that lies by one byte");

        assertEquals(16, FileChunkIndex.read(index(mib, sha, 16, sizes(sixteen), name), mib, sha).chunks().size(),
                "the same list, true, is read");
    }
}
