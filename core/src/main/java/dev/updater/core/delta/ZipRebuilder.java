package dev.updater.core.delta;

import dev.updater.core.ErrorCode;
import dev.updater.core.Sha256;
import dev.updater.core.UpdaterException;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.List;

/**
 * Writes the archive an {@link EntryIndex} describes: the prefix, each entry (local header, data
 * object, trailer) in order, the central records with the offsets where the entries landed, and the
 * tail with the central directory's start. Each object's bytes are checked against its name as they
 * are copied, and the whole result against the size and SHA-256 the signed manifest gives: the
 * result is byte-exact or it is deleted.
 */
public final class ZipRebuilder {
    private ZipRebuilder() {
    }

    /**
     * Rebuilds into {@code target} (created, must not exist) and returns its SHA-256, which equals
     * {@code expected}; on any failure {@code target} does not exist afterwards.
     *
     * @throws UpdaterException {@code DELTA_REBUILD_FAILED} when an object is missing, short or not what
     *                          its name says, or the result differs from {@code expected}; {@code IO}
     */
    public static Sha256 rebuild(EntryIndex index, ObjectSource objects, Path target, Sha256 expected,
                                 long expectedSize) throws UpdaterException {
        boolean done = false;
        try {
            MessageDigest digest = Sha256.newDigest();
            long written;
            try (CountingOutput out = new CountingOutput(new DigestOutputStream(new BufferedOutputStream(
                    Files.newOutputStream(target, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE), 1 << 16),
                    digest))) {
                write(index, objects, out);
                written = out.count;
            }
            Sha256 result = Sha256.of(digest.digest());
            if (written != expectedSize || !result.equals(expected)) {
                throw new UpdaterException(ErrorCode.DELTA_REBUILD_FAILED, "The rebuilt artifact is " + written
                        + " bytes with SHA-256 " + result + ", not the " + expectedSize + " bytes with SHA-256 "
                        + expected + " the manifest names; it is not used.");
            }
            done = true;
            return result;
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

    private static void write(EntryIndex index, ObjectSource objects, CountingOutput out)
            throws IOException, UpdaterException {
        if (index.prefix() != null) {
            copy(index.prefix(), objects, out);
        }
        long[] offsets = new long[index.entries().size()];
        for (int i = 0; i < offsets.length; i++) {
            EntryIndex.Entry entry = index.entries().get(i);
            offsets[i] = out.count;
            out.write(entry.localHeader());
            copy(entry.data(), objects, out);
            out.write(entry.trailer());
        }
        long centralStart = out.count;
        for (EntryIndex.CentralRecord record : index.central()) {
            byte[] raw = record.raw().clone();
            putLittleEndian(raw, record.offsetAt(), record.offsetWidth(), offsets[record.entry()]);
            out.write(raw);
        }
        long centralEnd = out.count;
        byte[] tail = index.tail().clone();
        for (EntryIndex.Patch patch : index.tailPatches()) {
            long value = patch.kind() == EntryIndex.Patch.Kind.CENTRAL_START ? centralStart
                    : centralEnd + patch.tailPosition();
            putLittleEndian(tail, patch.at(), patch.width(), value);
        }
        out.write(tail);
    }

    /** Copies exactly {@code ref.size()} bytes, refusing a source whose bytes do not match the object's name. */
    private static void copy(ObjectRef ref, ObjectSource objects, OutputStream out)
            throws IOException, UpdaterException {
        MessageDigest digest = Sha256.newDigest();
        byte[] buffer = new byte[1 << 16];
        long left = ref.size();
        try (InputStream in = objects.open(ref)) {
            while (left > 0) {
                int n = in.read(buffer, 0, (int) Math.min(buffer.length, left));
                if (n < 0) {
                    throw new UpdaterException(ErrorCode.DELTA_REBUILD_FAILED, "Object " + ref.sha256() + " ended "
                            + left + " bytes before its size of " + ref.size() + " bytes; the delta is not used.");
                }
                digest.update(buffer, 0, n);
                out.write(buffer, 0, n);
                left -= n;
            }
        }
        Sha256 actual = Sha256.of(digest.digest());
        if (!actual.equals(ref.sha256())) {
            throw new UpdaterException(ErrorCode.DELTA_REBUILD_FAILED, "Object " + ref.sha256() + " holds bytes with"
                    + " SHA-256 " + actual + "; the delta is not used.");
        }
    }

    /** Zeroes the offset fields the rebuild fills in, so an index never carries a stale offset. */
    static void zeroPatches(byte[] tail, List<EntryIndex.Patch> patches) {
        for (EntryIndex.Patch patch : patches) {
            Arrays.fill(tail, patch.at(), patch.at() + patch.width(), (byte) 0);
        }
    }

    private static void putLittleEndian(byte[] bytes, int at, int width, long value) {
        for (int i = 0; i < width; i++) {
            bytes[at + i] = (byte) (value >>> (8 * i));
        }
    }

    private static final class CountingOutput extends OutputStream {
        private final OutputStream out;
        private long count;

        CountingOutput(OutputStream out) {
            this.out = out;
        }

        @Override
        public void write(int b) throws IOException {
            out.write(b);
            count++;
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
            count += len;
        }

        @Override
        public void close() throws IOException {
            out.close();
        }
    }
}
