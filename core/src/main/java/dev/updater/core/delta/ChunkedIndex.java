package dev.updater.core.delta;

import dev.updater.core.Sha256;
import dev.updater.core.UpdaterException;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

import static dev.updater.core.delta.IndexCodec.invalid;

/**
 * The version 2 entry index: a small top-level file, {@code <artifact>.index}, that the signed
 * manifest names by SHA-256 and size, and the index body ({@link IndexBody}) split into
 * content-defined chunks ({@link ContentChunker#INDEX}), each compressed on its own and stored like
 * any object, {@code objects/<sha256 of the compressed chunk>}. A release whose entries mostly did not
 * change has an index whose chunks mostly did not change either, and a client that kept the previous
 * index's chunks, or rebuilds them from the jar it runs, fetches only the new ones.
 *
 * <p>The top-level file, all integers big-endian:
 * <pre>
 * "UPDZIDX2"  u64 archive size  32-byte archive SHA-256  u32 body length  u32 chunk count
 * per chunk:  32-byte SHA-256 of the stored chunk  u32 stored size  u32 size once inflated
 * </pre>
 *
 * @param archiveSize   the artifact's exact size
 * @param archiveSha256 the artifact's SHA-256
 * @param bodyLength    the length of the body, the inflated chunks end to end
 * @param chunks        the chunks in body order
 */
public record ChunkedIndex(long archiveSize, Sha256 archiveSha256, int bodyLength, List<Chunk> chunks, boolean nested) {
    static final byte[] MAGIC = "UPDZIDX2".getBytes(StandardCharsets.US_ASCII);
    /**
     * Version 3: the same top-level file, and a body with a section for the nested zips ({@link NestedZips}).
     * Written only for an archive that has nested zips, so an agent that knows version 2 alone still gets
     * deltas of every other archive; it refuses a version 3 index (a wrong magic) and downloads the whole.
     */
    static final byte[] MAGIC_NESTED = "UPDZIDX3".getBytes(StandardCharsets.US_ASCII);
    /** A 64 MiB body in chunks of at least 4 KiB; the last one may be shorter. */
    static final int MAX_CHUNKS = IndexCodec.MAX_INFLATED / (4 << 10) + 1;
    private static final int HEADER = 8 + 8 + 32 + 4 + 4;
    private static final int PER_CHUNK = 32 + 4 + 4;

    public ChunkedIndex {
        Objects.requireNonNull(archiveSha256, "archiveSha256");
        chunks = List.copyOf(chunks);
    }

    /** A version 2 index (no nested zips). */
    public ChunkedIndex(long archiveSize, Sha256 archiveSha256, int bodyLength, List<Chunk> chunks) {
        this(archiveSize, archiveSha256, bodyLength, chunks, false);
    }

    /** One chunk of the body: the object that stores it compressed, and its size once inflated. */
    public record Chunk(ObjectRef object, int rawSize) {
        public Chunk {
            Objects.requireNonNull(object, "object");
        }
    }

    /**
     * What a publisher writes: the top-level file and each chunk's stored (compressed) bytes, in the
     * order of {@code index.chunks()}. A client computes the same from a jar it has instead of fetching.
     */
    public record Written(ChunkedIndex index, byte[] top, List<byte[]> storedChunks) {
    }

    /** Where the stored bytes of a chunk come from; {@link #assemble} checks them against the chunk's name. */
    @FunctionalInterface
    public interface ChunkSource {
        /** The stored bytes of {@code chunk}, or null when this source does not have them. */
        byte[] stored(ObjectRef chunk) throws IOException;
    }

    /** Writes the index of {@code index}. */
    public static Written write(EntryIndex index) {
        return ofBody(IndexBody.encode(index), index.archiveSize(), index.archiveSha256(), !index.nested().isEmpty());
    }

    static Written ofBody(byte[] body, long archiveSize, Sha256 archiveSha256) {
        return ofBody(body, archiveSize, archiveSha256, false);
    }

    /** Chunks and compresses {@code body}, the index of the archive of {@code archiveSize} bytes and SHA-256 {@code archiveSha256}. */
    static Written ofBody(byte[] body, long archiveSize, Sha256 archiveSha256, boolean nested) {
        List<byte[]> stored = new ArrayList<>();
        List<Chunk> chunks = new ArrayList<>();
        for (int from = 0; from < body.length; ) {
            int to = ContentChunker.INDEX.next(body, from, body.length);
            byte[] compressed = IndexCodec.deflate(body, from, to - from);
            stored.add(compressed);
            chunks.add(new Chunk(new ObjectRef(Sha256.ofBytes(compressed), compressed.length), to - from));
            from = to;
        }
        ChunkedIndex top = new ChunkedIndex(archiveSize, archiveSha256, body.length, chunks, nested);
        return new Written(top, top.toBytes(), stored);
    }

    byte[] toBytes() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(HEADER + PER_CHUNK * chunks.size());
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.write(nested ? MAGIC_NESTED : MAGIC);
            out.writeLong(archiveSize);
            out.write(java.util.HexFormat.of().parseHex(archiveSha256.hex()));
            out.writeInt(bodyLength);
            out.writeInt(chunks.size());
            for (Chunk chunk : chunks) {
                out.write(java.util.HexFormat.of().parseHex(chunk.object().sha256().hex()));
                out.writeInt((int) chunk.object().size());
                out.writeInt(chunk.rawSize());
            }
        } catch (IOException e) {
            throw new IllegalStateException("Writing to memory failed", e);
        }
        return bytes.toByteArray();
    }

    /** Whether {@code file} is a version 2 top-level index (else it may be a version 1 index). */
    public static boolean isChunked(byte[] file) {
        return startsWith(file, MAGIC) || startsWith(file, MAGIC_NESTED);
    }

    private static boolean startsWith(byte[] file, byte[] magic) {
        return file.length >= magic.length && Arrays.equals(file, 0, magic.length, magic, 0, magic.length);
    }

    /**
     * Reads a top-level index and checks it describes exactly the artifact of {@code size} bytes with
     * SHA-256 {@code sha256} (the manifest's), with a bounded number of chunks of bounded sizes that
     * add up to its body.
     */
    public static ChunkedIndex read(byte[] file, long size, Sha256 sha256) throws UpdaterException {
        if (!isChunked(file) || file.length < HEADER) {
            throw invalid("it does not start with " + new String(MAGIC, StandardCharsets.US_ASCII) + " or "
                    + new String(MAGIC_NESTED, StandardCharsets.US_ASCII));
        }
        boolean nested = startsWith(file, MAGIC_NESTED);
        ByteBuffer in = ByteBuffer.wrap(file, MAGIC.length, file.length - MAGIC.length);
        long archiveSize = in.getLong();
        byte[] digest = new byte[32];
        in.get(digest);
        Sha256 archiveSha = Sha256.of(digest);
        if (archiveSize != size || !archiveSha.equals(sha256)) {
            throw invalid("it describes " + archiveSize + " bytes with SHA-256 " + archiveSha
                    + ", not the artifact of " + size + " bytes with SHA-256 " + sha256);
        }
        int bodyLength = in.getInt();
        int count = in.getInt();
        // Threat: a body or a chunk list that costs memory or requests without end.
        if (bodyLength < 0 || bodyLength > IndexCodec.MAX_INFLATED || count < 0 || count > MAX_CHUNKS) {
            throw invalid("it declares a body of " + bodyLength + " bytes in " + count + " chunks (at most "
                    + IndexCodec.MAX_INFLATED + " bytes in " + MAX_CHUNKS + " chunks)");
        }
        // An entry takes at least 76 bytes of the archive (local header and central record) and about 60
        // more in the body: a larger body is not an index of this archive, only a way to claim memory.
        if (bodyLength > 2 * archiveSize + 1024) {
            throw invalid("it declares a body of " + bodyLength + " bytes, more than the index of a " + archiveSize
                    + "-byte archive can take");
        }
        if (in.remaining() != (long) count * PER_CHUNK) {
            throw invalid("it has " + in.remaining() + " bytes for " + count + " chunks of " + PER_CHUNK + " bytes");
        }
        List<Chunk> chunks = new ArrayList<>(count);
        long total = 0;
        for (int i = 0; i < count; i++) {
            in.get(digest);
            int stored = in.getInt();
            int raw = in.getInt();
            if (raw < 1 || raw > ContentChunker.INDEX.max() || stored < 1 || stored > maxStored(raw)) {
                throw invalid("chunk " + i + " claims " + stored + " bytes stored and " + raw + " inflated (at most "
                        + ContentChunker.INDEX.max() + " inflated, stored at most a little more)");
            }
            total += raw;
            chunks.add(new Chunk(new ObjectRef(Sha256.of(digest), stored), raw));
        }
        if (total != bodyLength) {
            throw invalid("its chunks add up to " + total + " bytes, not its body's " + bodyLength);
        }
        return new ChunkedIndex(archiveSize, archiveSha, bodyLength, chunks, nested);
    }

    /**
     * The entry index: each chunk's stored bytes from {@code source}, checked against the chunk's
     * name, inflated to exactly its declared size, and the body read as {@link IndexBody} does.
     *
     * @throws UpdaterException {@code DELTA_INDEX_INVALID} for a missing chunk, one whose bytes are not
     *                          what its name says, or a body that is refused
     */
    public EntryIndex assemble(ChunkSource source) throws UpdaterException, IOException {
        byte[] body = new byte[bodyLength];
        int at = 0;
        for (Chunk chunk : chunks) {
            byte[] stored = source.stored(chunk.object());
            if (stored == null) {
                throw invalid("its chunk " + chunk.object().sha256() + " is neither kept nor fetched");
            }
            Sha256 actual = Sha256.ofBytes(stored);
            if (stored.length != chunk.object().size() || !actual.equals(chunk.object().sha256())) {
                throw invalid("its chunk " + chunk.object().sha256() + " holds " + stored.length
                        + " bytes with SHA-256 " + actual);
            }
            byte[] raw = IndexCodec.inflate(stored, 0, stored.length, chunk.rawSize(),
                    "its chunk " + chunk.object().sha256());
            System.arraycopy(raw, 0, body, at, raw.length);
            at += raw.length;
        }
        return IndexBody.decode(body, archiveSize, archiveSha256, nested);
    }

    /** The most a chunk of {@code raw} bytes can take compressed. */
    static int maxStored(int raw) {
        return raw + (raw >> 10) + 64; // zlib's worst case for incompressible input, with room to spare
    }
}
