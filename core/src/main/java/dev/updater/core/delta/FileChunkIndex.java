package dev.updater.core.delta;

import dev.updater.core.ErrorCode;
import dev.updater.core.Sha256;
import dev.updater.core.UpdaterException;

import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;

/**
 * The chunk index of an artifact that is not a zip (a native binary, a tarball): the whole file cut
 * into content-defined chunks ({@link ContentChunker#FILE}, 16 to 64 KiB), each stored as it is under
 * {@code objects/<sha256>}. An insertion or a change moves only the cuts next to it, so a new release
 * shares every other chunk with the file a host runs. Chunks are stored raw, not compressed: an index
 * can name no bomb, and a chunk's size is its size on the wire and on disk.
 *
 * <p>The file the manifest names, {@code <artifact>.index}, all integers big-endian:
 * <pre>
 * "UPDFCDC1"  u64 file size  32-byte file SHA-256  u32 chunk count
 * per chunk, in file order:  32-byte SHA-256  u32 size
 * </pre>
 * Its own magic says its kind: a client never guesses the kind from the artifact's bytes.
 *
 * @param fileSize   the artifact's exact size
 * @param fileSha256 the artifact's SHA-256
 * @param chunks     the chunks, in file order, end to end
 */
public record FileChunkIndex(long fileSize, Sha256 fileSha256, List<ObjectRef> chunks) {
    static final byte[] MAGIC = "UPDFCDC1".getBytes(StandardCharsets.US_ASCII);
    /** Below this, a file is a few chunks: a delta saves less than its round trips cost, so none is published. */
    public static final long MIN_FILE_SIZE = 4L * (64 << 10);
    /** A 64 GiB file in 64 KiB chunks: more is not an artifact this client updates by delta. */
    static final int MAX_CHUNKS = 1 << 20;
    private static final int HEADER = 8 + 8 + 32 + 4;
    private static final int PER_CHUNK = 32 + 4;

    public FileChunkIndex {
        Objects.requireNonNull(fileSha256, "fileSha256");
        chunks = List.copyOf(chunks);
    }

    /** Sees each chunk of a file as it is cut: its bytes are {@code buffer[from, to)}, at {@code offset} in the file. */
    @FunctionalInterface
    public interface ChunkVisitor {
        void chunk(ObjectRef ref, byte[] buffer, int from, int to, long offset) throws IOException;
    }

    /** Whether {@code file} is a chunk index (its magic), rather than a zip's entry index. */
    public static boolean isFileChunkIndex(byte[] file) {
        return file.length >= MAGIC.length && Arrays.equals(file, 0, MAGIC.length, MAGIC, 0, MAGIC.length);
    }

    /**
     * Cuts {@code file} into chunks, reading it once in a bounded buffer (a few chunk sizes, whatever
     * the file's size, so the agent's heap does not grow with the artifact), and hands each to {@code visitor}.
     */
    public static FileChunkIndex of(Path file, ChunkVisitor visitor) throws IOException {
        ContentChunker chunker = ContentChunker.FILE;
        byte[] buffer = new byte[16 * chunker.max()];
        MessageDigest whole = Sha256.newDigest();
        List<ObjectRef> chunks = new ArrayList<>();
        long offset = 0;
        try (InputStream in = Files.newInputStream(file, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)) {
            int filled = 0;
            int from = 0;
            boolean end = false;
            while (true) {
                // A cut depends on at most max() bytes from the chunk's start: with that much in the
                // buffer (or the file's end), it falls where it would in the whole file.
                if (!end && filled - from < chunker.max()) {
                    System.arraycopy(buffer, from, buffer, 0, filled - from);
                    filled -= from;
                    from = 0;
                    int n = in.readNBytes(buffer, filled, buffer.length - filled);
                    end = filled + n < buffer.length;
                    whole.update(buffer, filled, n);
                    filled += n;
                }
                if (from == filled) {
                    break;
                }
                int to = chunker.next(buffer, from, filled);
                MessageDigest digest = Sha256.newDigest();
                digest.update(buffer, from, to - from);
                ObjectRef ref = new ObjectRef(Sha256.of(digest.digest()), to - from);
                chunks.add(ref);
                visitor.chunk(ref, buffer, from, to, offset);
                offset += to - from;
                from = to;
            }
        }
        return new FileChunkIndex(offset, Sha256.of(whole.digest()), chunks);
    }

    /** The file the manifest names. */
    public byte[] toBytes() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(HEADER + PER_CHUNK * chunks.size());
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.write(MAGIC);
            out.writeLong(fileSize);
            out.write(HexFormat.of().parseHex(fileSha256.hex()));
            out.writeInt(chunks.size());
            for (ObjectRef chunk : chunks) {
                out.write(HexFormat.of().parseHex(chunk.sha256().hex()));
                out.writeInt((int) chunk.size());
            }
        } catch (IOException e) {
            throw new IllegalStateException("Writing to memory failed", e);
        }
        return bytes.toByteArray();
    }

    /**
     * Reads a chunk index and checks that it describes exactly the artifact of {@code size} bytes and
     * SHA-256 {@code sha256} (the signed manifest's) as {@code publish} cuts it: chunk sizes within the
     * chunker's bounds, every chunk but the last at least its minimum, adding up to the file.
     *
     * @throws UpdaterException {@code DELTA_INDEX_INVALID}, before any chunk is fetched
     */
    public static FileChunkIndex read(byte[] file, long size, Sha256 sha256) throws UpdaterException {
        if (!isFileChunkIndex(file) || file.length < HEADER) {
            throw invalid("it does not start with " + new String(MAGIC, StandardCharsets.US_ASCII));
        }
        ByteBuffer in = ByteBuffer.wrap(file, MAGIC.length, file.length - MAGIC.length);
        long fileSize = in.getLong();
        byte[] digest = new byte[32];
        in.get(digest);
        Sha256 fileSha = Sha256.of(digest);
        if (fileSize != size || !fileSha.equals(sha256)) {
            throw invalid("it describes " + fileSize + " bytes with SHA-256 " + fileSha + ", not the artifact of "
                    + size + " bytes with SHA-256 " + sha256);
        }
        int count = in.getInt();
        ContentChunker chunker = ContentChunker.FILE;
        // Threat: a list of tiny chunks (10^6 requests for a few bytes each) or a count that claims memory.
        long most = Math.min(MAX_CHUNKS, size / chunker.min() + 1);
        long least = (size + chunker.max() - 1) / chunker.max();
        if (count < least || count > most) {
            throw invalid("it declares " + Integer.toUnsignedString(count) + " chunks for " + size
                    + " bytes (between " + least + " and " + most + ")");
        }
        if (in.remaining() != (long) count * PER_CHUNK) {
            throw invalid("it has " + in.remaining() + " bytes for " + count + " chunks of " + PER_CHUNK + " bytes");
        }
        List<ObjectRef> chunks = new ArrayList<>(count);
        long total = 0;
        for (int i = 0; i < count; i++) {
            in.get(digest);
            int chunkSize = in.getInt();
            boolean last = i == count - 1;
            if (chunkSize < (last ? 1 : chunker.min()) || chunkSize > chunker.max()) {
                throw invalid("chunk " + i + " claims " + Integer.toUnsignedString(chunkSize) + " bytes (" + chunker.min()
                        + " to " + chunker.max() + ", the last one at least 1)");
            }
            total += chunkSize;
            chunks.add(new ObjectRef(Sha256.of(digest), chunkSize));
        }
        if (total != size) {
            throw invalid("its chunks add up to " + total + " bytes, not the artifact's " + size);
        }
        return new FileChunkIndex(fileSize, fileSha, chunks);
    }

    /**
     * Writes the file into {@code target} (created, must not exist) from {@code objects}, checking each
     * chunk against its name as it is copied and the whole result against this index's size and SHA-256
     * (the manifest's); on any failure {@code target} does not exist afterwards.
     *
     * @throws UpdaterException {@code DELTA_REBUILD_FAILED}; {@code IO}
     */
    public void rebuild(ObjectSource objects, Path target) throws UpdaterException {
        boolean done = false;
        try {
            MessageDigest digest = Sha256.newDigest();
            long written = 0;
            try (OutputStream out = new DigestOutputStream(new BufferedOutputStream(Files.newOutputStream(target,
                    StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE), 1 << 16), digest)) {
                for (ObjectRef chunk : chunks) {
                    written += copy(chunk, objects, out);
                }
            }
            Sha256 result = Sha256.of(digest.digest());
            if (written != fileSize || !result.equals(fileSha256)) {
                throw new UpdaterException(ErrorCode.DELTA_REBUILD_FAILED, "The rebuilt artifact is " + written
                        + " bytes with SHA-256 " + result + ", not the " + fileSize + " bytes with SHA-256 "
                        + fileSha256 + " the manifest names; it is not used.");
            }
            done = true;
        } catch (IOException e) {
            throw new UpdaterException(ErrorCode.IO, "Could not rebuild " + target + ": " + e + ".", e);
        } finally {
            if (!done) {
                try {
                    Files.deleteIfExists(target);
                } catch (IOException ignored) {
                    // the caller's clean-up of its work folder removes it
                }
            }
        }
    }

    /** Copies exactly one chunk, refusing a source whose bytes do not match the chunk's name. */
    private static long copy(ObjectRef ref, ObjectSource objects, OutputStream out) throws IOException, UpdaterException {
        byte[] bytes;
        try (InputStream in = objects.open(ref)) {
            bytes = in.readNBytes((int) ref.size());
        }
        Sha256 actual = Sha256.ofBytes(bytes);
        if (bytes.length != ref.size() || !actual.equals(ref.sha256())) {
            throw new UpdaterException(ErrorCode.DELTA_REBUILD_FAILED, "Chunk " + ref.sha256() + " holds " + bytes.length
                    + " bytes with SHA-256 " + actual + ", not its " + ref.size() + " bytes; the delta is not used.");
        }
        out.write(bytes);
        return bytes.length;
    }

    private static UpdaterException invalid(String why) {
        return new UpdaterException(ErrorCode.DELTA_INDEX_INVALID, "The chunk index is refused: " + why
                + ". The full artifact is downloaded instead.");
    }
}
