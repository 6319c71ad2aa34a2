package dev.updater.core.delta;

import dev.updater.core.ErrorCode;
import dev.updater.core.Sha256;
import dev.updater.core.UpdaterException;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import java.util.zip.DeflaterOutputStream;
import java.util.zip.Inflater;

/**
 * The version 1 entry index file, still read (channels published before {@link ChunkedIndex}, which
 * {@code publish} writes now), and the zlib helpers both versions share. An 8-byte magic {@code UPDZIDX1}, the length of the
 * body once inflated (8 bytes, big-endian), then the body, DEFLATE-compressed. The body is a compact
 * big-endian binary layout described in docs/deltas.md. Binary rather than JSON because most of
 * it is raw header bytes and digests (Base64 or hex would add a third or double them), and because a
 * length-prefixed layout is read with a bounds check at every field.
 *
 * <p>{@link #read} treats the bytes as hostile even though the manifest's signature covers their
 * SHA-256: the inflated size, counts and lengths are bounded, every offset field must lie inside its
 * record, every central record must name a distinct entry, and the pieces must add up to exactly the
 * artifact's size and hash the manifest gives. Anything else is {@link ErrorCode#DELTA_INDEX_INVALID}.
 */
public final class IndexCodec {
    static final byte[] MAGIC = "UPDZIDX1".getBytes(StandardCharsets.US_ASCII);
    /** Inflated: far above the index of any real jar (about 200 bytes per entry), far below a heap worry. */
    public static final int MAX_INFLATED = 64 << 20;

    private IndexCodec() {
    }

    public static byte[] write(EntryIndex index) {
        try {
            ByteArrayOutputStream body = new ByteArrayOutputStream();
            DataOutputStream out = new DataOutputStream(body);
            out.writeLong(index.archiveSize());
            out.write(digest(index.archiveSha256()));
            out.writeBoolean(index.prefix() != null);
            if (index.prefix() != null) {
                writeRef(out, index.prefix());
            }
            out.writeInt(index.entries().size());
            for (EntryIndex.Entry entry : index.entries()) {
                writeBytes(out, entry.localHeader());
                writeRef(out, entry.data());
                writeBytes(out, entry.trailer());
            }
            out.writeInt(index.central().size());
            for (EntryIndex.CentralRecord record : index.central()) {
                out.writeInt(record.entry());
                writeBytes(out, record.raw());
                out.writeInt(record.offsetAt());
                out.writeByte(record.offsetWidth());
            }
            writeBytes(out, index.tail());
            out.writeByte(index.tailPatches().size());
            for (EntryIndex.Patch patch : index.tailPatches()) {
                out.writeInt(patch.at());
                out.writeByte(patch.width());
                out.writeByte(patch.kind().ordinal());
                out.writeInt(patch.tailPosition());
            }
            out.flush();
            ByteArrayOutputStream file = new ByteArrayOutputStream();
            file.write(MAGIC);
            new DataOutputStream(file).writeLong(body.size());
            Deflater deflater = new Deflater(Deflater.BEST_COMPRESSION);
            try (DeflaterOutputStream deflated = new DeflaterOutputStream(file, deflater)) {
                body.writeTo(deflated);
            } finally {
                deflater.end();
            }
            return file.toByteArray();
        } catch (IOException e) {
            throw new IllegalStateException("Writing to memory failed", e);
        }
    }

    /**
     * Reads an index and checks it describes exactly the artifact of {@code size} bytes with SHA-256
     * {@code sha256} (the manifest's).
     */
    public static EntryIndex read(byte[] file, long size, Sha256 sha256) throws UpdaterException {
        ByteBuffer body = ByteBuffer.wrap(inflate(file));
        try {
            EntryIndex index = parse(body);
            if (body.hasRemaining()) {
                throw invalid(body.remaining() + " bytes follow its last field");
            }
            if (index.archiveSize() != size || !index.archiveSha256().equals(sha256)) {
                throw invalid("it describes " + index.archiveSize() + " bytes with SHA-256 " + index.archiveSha256()
                        + ", not the artifact of " + size + " bytes with SHA-256 " + sha256);
            }
            return index;
        } catch (BufferUnderflowException e) {
            throw invalid("it is cut short");
        }
    }

    private static byte[] inflate(byte[] file) throws UpdaterException {
        if (file.length < MAGIC.length + 8 || !Arrays.equals(file, 0, MAGIC.length, MAGIC, 0, MAGIC.length)) {
            throw invalid("it does not start with " + new String(MAGIC, StandardCharsets.US_ASCII));
        }
        long declared = ByteBuffer.wrap(file, MAGIC.length, 8).getLong();
        // Threat: an index that inflates without end (a zip bomb); the declared size is bounded first.
        if (declared < 0 || declared > MAX_INFLATED) {
            throw invalid("it declares " + declared + " bytes once inflated, more than the " + MAX_INFLATED + " allowed");
        }
        return inflate(file, MAGIC.length + 8, file.length - MAGIC.length - 8, (int) declared, "it");
    }

    /**
     * Inflates a zlib stream that must give exactly {@code declared} bytes (at most {@link #MAX_INFLATED}):
     * it is inflated one byte past the declaration, so a bomb costs nothing.
     */
    static byte[] inflate(byte[] source, int offset, int length, int declared, String what) throws UpdaterException {
        byte[] body = new byte[declared + 1];
        Inflater inflater = new Inflater();
        try {
            inflater.setInput(source, offset, length);
            int n = 0;
            while (n < body.length && !inflater.finished()) {
                int got = inflater.inflate(body, n, body.length - n);
                if (got == 0 && (inflater.needsInput() || inflater.needsDictionary())) {
                    break;
                }
                n += got;
            }
            if (n != declared || !inflater.finished() || inflater.getRemaining() != 0) {
                throw invalid(what + " inflates to " + (n > declared ? "more than " : "") + n + " bytes, not the "
                        + declared + " it declares");
            }
            return Arrays.copyOf(body, n);
        } catch (DataFormatException e) {
            throw invalid(what + " is corrupt (" + e.getMessage() + ")");
        } finally {
            inflater.end();
        }
    }

    /** Compresses {@code bytes} the one way every publisher and client does, so equal input gives equal output. */
    static byte[] deflate(byte[] bytes, int offset, int length) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(length / 2 + 64);
        Deflater deflater = new Deflater(Deflater.BEST_COMPRESSION);
        try (DeflaterOutputStream deflated = new DeflaterOutputStream(out, deflater, 1 << 16)) {
            deflated.write(bytes, offset, length);
        } catch (IOException e) {
            throw new IllegalStateException("Writing to memory failed", e);
        } finally {
            deflater.end();
        }
        return out.toByteArray();
    }

    private static EntryIndex parse(ByteBuffer in) throws UpdaterException {
        long archiveSize = in.getLong();
        if (archiveSize < 22) {
            throw invalid("it describes an archive of " + archiveSize + " bytes");
        }
        Sha256 archiveSha = readDigest(in);
        ObjectRef prefix = in.get() != 0 ? readRef(in, archiveSize) : null;
        long total = prefix == null ? 0 : prefix.size();
        int count = in.getInt();
        if (count < 0 || count > ZipIndexer.MAX_ENTRIES) {
            throw invalid("it lists " + count + " entries, more than the " + ZipIndexer.MAX_ENTRIES + " allowed");
        }
        List<EntryIndex.Entry> entries = new ArrayList<>(Math.min(count, in.remaining() / 80));
        for (int i = 0; i < count; i++) {
            byte[] header = readBytes(in, 30, 30 + 2 * 0xFFFF, "local header " + i);
            ObjectRef data = readRef(in, archiveSize);
            byte[] trailer = readBytes(in, 0, ZipIndexer.MAX_TRAILER, "trailer " + i);
            entries.add(new EntryIndex.Entry(header, data, trailer));
            total += header.length + data.size() + trailer.length;
            if (total > archiveSize) {
                throw invalid("its entries add up to more than the archive's " + archiveSize + " bytes");
            }
        }
        int centralCount = in.getInt();
        if (centralCount != count) {
            throw invalid("it has " + centralCount + " central records for " + count + " entries");
        }
        boolean[] named = new boolean[count];
        List<EntryIndex.CentralRecord> central = new ArrayList<>(entries.size());
        for (int i = 0; i < centralCount; i++) {
            int entry = in.getInt();
            byte[] raw = readBytes(in, 46, 46 + 3 * 0xFFFF, "central record " + i);
            int offsetAt = in.getInt();
            int width = in.get();
            if (entry < 0 || entry >= count || named[entry]) {
                throw invalid("central record " + i + " names entry " + entry + ", which is out of range or named twice");
            }
            if ((width != 4 && width != 8) || offsetAt < 0 || offsetAt > raw.length - width) {
                throw invalid("central record " + i + " has its offset field at " + offsetAt + " (" + width
                        + " bytes), outside its " + raw.length + " bytes");
            }
            named[entry] = true;
            central.add(new EntryIndex.CentralRecord(entry, raw, offsetAt, width));
            total += raw.length;
        }
        byte[] tail = readBytes(in, 22, ZipIndexer.MAX_TAIL, "tail");
        int patchCount = in.get();
        if (patchCount < 0 || patchCount > 3) {
            throw invalid("it has " + patchCount + " offset fields in its tail, at most 3 are possible");
        }
        List<EntryIndex.Patch> patches = new ArrayList<>(patchCount);
        for (int i = 0; i < patchCount; i++) {
            int at = in.getInt();
            int width = in.get();
            int kind = in.get();
            int position = in.getInt();
            if ((width != 4 && width != 8) || at < 0 || at > tail.length - width || kind < 0 || kind > 1
                    || position < 0 || position >= tail.length) {
                throw invalid("tail offset field " + i + " (at " + at + ", " + width + " bytes, kind " + kind
                        + ") lies outside the tail of " + tail.length + " bytes");
            }
            patches.add(new EntryIndex.Patch(at, width, EntryIndex.Patch.Kind.values()[kind], position));
        }
        total += tail.length;
        if (total != archiveSize) {
            throw invalid("its pieces add up to " + total + " bytes, not the archive's " + archiveSize);
        }
        return new EntryIndex(archiveSize, archiveSha, prefix, entries, central, tail, patches);
    }

    private static ObjectRef readRef(ByteBuffer in, long archiveSize) throws UpdaterException {
        Sha256 sha = readDigest(in);
        long size = in.getLong();
        if (size < 0 || size > archiveSize) {
            throw invalid("object " + sha + " claims " + size + " bytes, more than the archive's " + archiveSize);
        }
        return new ObjectRef(sha, size);
    }

    private static byte[] readBytes(ByteBuffer in, int min, int max, String what) throws UpdaterException {
        int length = in.getInt();
        if (length < min || length > max || length > in.remaining()) {
            throw invalid("its " + what + " claims " + length + " bytes (allowed " + min + " to " + max + ", "
                    + in.remaining() + " left)");
        }
        byte[] bytes = new byte[length];
        in.get(bytes);
        return bytes;
    }

    private static Sha256 readDigest(ByteBuffer in) {
        byte[] digest = new byte[32];
        in.get(digest);
        return Sha256.of(digest);
    }

    private static byte[] digest(Sha256 sha) {
        return java.util.HexFormat.of().parseHex(sha.hex());
    }

    private static void writeRef(DataOutputStream out, ObjectRef ref) throws IOException {
        out.write(digest(ref.sha256()));
        out.writeLong(ref.size());
    }

    private static void writeBytes(DataOutputStream out, byte[] bytes) throws IOException {
        out.writeInt(bytes.length);
        out.write(bytes);
    }

    static UpdaterException invalid(String why) {
        return new UpdaterException(ErrorCode.DELTA_INDEX_INVALID, "The entry index is refused: " + why
                + ". The full artifact is downloaded instead.");
    }
}
