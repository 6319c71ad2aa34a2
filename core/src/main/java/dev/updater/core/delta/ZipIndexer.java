package dev.updater.core.delta;

import dev.updater.core.ErrorCode;
import dev.updater.core.Sha256;
import dev.updater.core.UpdaterException;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * Reads a zip (jar, war) exactly into an {@link EntryIndex}: every byte of the file belongs to the
 * prefix, an entry (local header, data, trailer), a central record or the tail, so the index
 * rebuilds the same bytes. Works from the end records and the central directory, as the JDK does,
 * and cross-checks each local header they point at.
 *
 * <p>The file may be hostile (a channel's artifact, a home file): counts and sizes are bounded,
 * every offset and length is checked against the file, overlapping entries (the zip-bomb trick of
 * entries sharing data) and records outside their directory are refused with {@link
 * ErrorCode#ZIP_UNINDEXABLE}, naming what is wrong.
 */
public final class ZipIndexer {
    /** More entries than any real jar; bounds memory and the number of objects a client may fetch. */
    public static final int MAX_ENTRIES = 200_000;
    static final long MAX_CENTRAL_BYTES = 64L << 20;
    /** A data descriptor is at most 24 bytes; anything much longer between entries is not a jar we sync. */
    static final int MAX_TRAILER = 64 << 10;

    /** The zip64 end record and locator, the end record, a comment of at most 64 KiB and a little after it. */
    static final int MAX_TAIL = 56 + 20 + 22 + 0xFFFF + MAX_TRAILER;
    /** Nested zips indexed in one archive: far more than the libraries of any fat jar (a few hundred). */
    static final int MAX_NESTED = 10_000;

    private static final int LOCAL_SIG = 0x04034b50;
    private static final int CENTRAL_SIG = 0x02014b50;
    private static final int END_SIG = 0x06054b50;
    private static final int ZIP64_END_SIG = 0x06064b50;
    private static final int ZIP64_LOCATOR_SIG = 0x07064b50;
    private static final long U32 = 0xFFFFFFFFL;

    private final Path file;
    private final FileChannel channel;
    /** Where the zip starts in the file: 0, or the data of a STORED entry for a nested zip. */
    private final long origin;
    private final long size;

    private ZipIndexer(Path file, FileChannel channel, long origin, long size) {
        this.file = file;
        this.channel = channel;
        this.origin = origin;
        this.size = size;
    }

    /**
     * Indexes {@code file}, hashing every entry's data and the whole file, and one level down, each
     * STORED entry that is itself a zip this indexer accepts (a nested jar; one that is refused stays
     * one object, as any entry).
     */
    public static IndexedZip index(Path file) throws UpdaterException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)) {
            return new ZipIndexer(file, channel, 0, channel.size()).read(null, true);
        } catch (NoSuchFileException e) {
            throw new UpdaterException(ErrorCode.IO, "Could not index " + file + ": it does not exist.", e);
        } catch (IOException e) {
            throw new UpdaterException(ErrorCode.IO, "Could not read " + file + " to index it: " + e + ".", e);
        }
    }

    private record Central(byte[] raw, int offsetAt, int offsetWidth, long localOffset, long compressedSize) { }

    /** @param knownSha the zip's SHA-256 when already known (a nested zip is its entry's object), else null */
    private IndexedZip read(Sha256 knownSha, boolean nest) throws IOException, UpdaterException {
        long endAt = findEndRecord();
        ByteBuffer end = readAt(endAt, 22);
        if (end.getShort(4) != 0 || end.getShort(6) != 0) {
            throw refuse("it spans several disks");
        }
        long count = end.getShort(10) & 0xFFFF;
        long centralSize = end.getInt(12) & U32;
        long centralStart = end.getInt(16) & U32;
        long zip64At = -1;
        long locatorAt = endAt - 20;
        if (locatorAt >= 0 && readAt(locatorAt, 4).getInt(0) == ZIP64_LOCATOR_SIG) {
            ByteBuffer locator = readAt(locatorAt, 20);
            zip64At = locator.getLong(8);
            if (zip64At < 0 || zip64At + 56 > locatorAt) {
                throw refuse("its zip64 locator points at " + zip64At + ", outside the file");
            }
            ByteBuffer zip64 = readAt(zip64At, 56);
            if (zip64.getInt(0) != ZIP64_END_SIG) {
                throw refuse("its zip64 locator points at " + zip64At + ", where there is no zip64 end record");
            }
            count = zip64.getLong(32);
            centralSize = zip64.getLong(40);
            centralStart = zip64.getLong(48);
        }
        long centralEnd = centralStart + centralSize;
        long tailStart = zip64At >= 0 ? zip64At : endAt;
        if (count < 0 || count > MAX_ENTRIES) {
            throw refuse("it declares " + count + " entries, more than the " + MAX_ENTRIES + " a delta handles");
        }
        if (size - tailStart > MAX_TAIL) {
            throw refuse("its end records start " + (size - tailStart) + " bytes before the end of the file");
        }
        if (centralStart < 0 || centralSize < 0 || centralSize > MAX_CENTRAL_BYTES || centralStart > tailStart
                || centralEnd != tailStart) {
            throw refuse("its central directory (" + centralSize + " bytes at " + centralStart
                    + ") does not end where its end records start (" + tailStart + ")");
        }
        List<Central> central = readCentral(centralStart, centralSize, (int) count);

        // Entries in file order; each central record must point at its own, non-overlapping entry.
        Integer[] order = new Integer[central.size()];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, Comparator.comparingLong(i -> central.get(i).localOffset()));
        int[] entryOf = new int[central.size()];
        List<EntryIndex.Entry> entries = new ArrayList<>(central.size());
        long[] objectOffsets = new long[central.size() + 1];
        int objects = 0;
        long firstEntry = order.length == 0 ? centralStart : central.get(order[0]).localOffset();
        ObjectRef prefix = null;
        if (firstEntry > 0) {
            prefix = new ObjectRef(hashRange(0, firstEntry), firstEntry);
            objectOffsets[objects++] = origin;
        }
        for (int k = 0; k < order.length; k++) {
            Central record = central.get(order[k]);
            long start = record.localOffset();
            long next = k + 1 < order.length ? central.get(order[k + 1]).localOffset() : centralStart;
            ByteBuffer fixed = readAt(start, 30);
            if (fixed.getInt(0) != LOCAL_SIG) {
                throw refuse("central record " + order[k] + " points at " + start + ", where there is no local header");
            }
            int headerLength = 30 + (fixed.getShort(26) & 0xFFFF) + (fixed.getShort(28) & 0xFFFF);
            long dataStart = start + headerLength;
            long dataEnd = dataStart + record.compressedSize();
            if (dataEnd > next) {
                throw refuse("entry at " + start + " (" + record.compressedSize() + " bytes of data) overlaps the next"
                        + " entry or the central directory at " + next);
            }
            if (next - dataEnd > MAX_TRAILER) {
                throw refuse((next - dataEnd) + " bytes lie between the entry at " + start + " and the next one");
            }
            byte[] header = bytesAt(start, headerLength);
            byte[] trailer = bytesAt(dataEnd, (int) (next - dataEnd));
            entryOf[order[k]] = k;
            objectOffsets[objects++] = origin + dataStart;
            entries.add(new EntryIndex.Entry(header, new ObjectRef(hashRange(dataStart, record.compressedSize()),
                    record.compressedSize()), trailer));
        }
        List<EntryIndex.CentralRecord> records = new ArrayList<>(central.size());
        for (int i = 0; i < central.size(); i++) {
            Central record = central.get(i);
            records.add(new EntryIndex.CentralRecord(entryOf[i], record.raw(), record.offsetAt(), record.offsetWidth()));
        }
        byte[] tail = bytesAt(tailStart, (int) (size - tailStart));
        List<EntryIndex.Patch> patches = new ArrayList<>(3);
        if (zip64At >= 0) {
            patches.add(new EntryIndex.Patch((int) (zip64At - tailStart) + 48, 8, EntryIndex.Patch.Kind.CENTRAL_START, 0));
            patches.add(new EntryIndex.Patch((int) (locatorAt - tailStart) + 8, 8, EntryIndex.Patch.Kind.TAIL_POSITION,
                    (int) (zip64At - tailStart)));
        }
        if ((end.getInt(16) & U32) != U32) {
            patches.add(new EntryIndex.Patch((int) (endAt - tailStart) + 16, 4, EntryIndex.Patch.Kind.CENTRAL_START, 0));
        }
        ZipRebuilder.zeroPatches(tail, patches);
        long[] offsets = Arrays.copyOf(objectOffsets, objects);
        List<EntryIndex.Nested> nested = new ArrayList<>();
        List<long[]> nestedOffsets = new ArrayList<>();
        if (nest) {
            indexNested(entries, Arrays.copyOfRange(offsets, prefix == null ? 0 : 1, objects), nested, nestedOffsets);
        }
        EntryIndex index = new EntryIndex(size, knownSha != null ? knownSha : hashRange(0, size), prefix, entries,
                records, tail, patches, nested);
        return new IndexedZip(file, index, offsets, nestedOffsets);
    }

    /**
     * Indexes the STORED entries whose data is a zip (Spring Boot's nested jars), one level down, within
     * the same bounds as the archive: at most {@link #MAX_NESTED} of them and {@link #MAX_ENTRIES} entries
     * in all. A nested zip that is refused, or past the bounds, stays one object: the delta is then
     * larger, never wrong.
     */
    private void indexNested(List<EntryIndex.Entry> entries, long[] dataStarts, List<EntryIndex.Nested> nested,
                             List<long[]> nestedOffsets) throws IOException, UpdaterException {
        int total = entries.size();
        for (int k = 0; k < entries.size() && nested.size() < MAX_NESTED; k++) {
            EntryIndex.Entry entry = entries.get(k);
            boolean stored = HeaderFields.u16(entry.localHeader(), 8) == 0;
            if (!stored || entry.data().size() < 22 + 30 || readAt(dataStarts[k] - origin, 4).getInt(0) != LOCAL_SIG) {
                continue;
            }
            try {
                IndexedZip inner = new ZipIndexer(file, channel, dataStarts[k], entry.data().size())
                        .read(entry.data().sha256(), false);
                total += inner.index().entries().size();
                if (total > MAX_ENTRIES) {
                    return;
                }
                nested.add(new EntryIndex.Nested(k, inner.index()));
                nestedOffsets.add(inner.objectOffsets());
            } catch (UpdaterException refused) {
                // not a zip we can sync inside: it stays one object, fetched whole when it changed
            }
        }
    }

    /** The last end-of-central-directory signature whose comment fits in the file. */
    private long findEndRecord() throws IOException, UpdaterException {
        if (size < 22) {
            throw refuse("it is " + size + " bytes, shorter than a zip's end record");
        }
        int window = (int) Math.min(size, 22 + 0xFFFF + MAX_TRAILER);
        ByteBuffer tail = readAt(size - window, window);
        for (int i = window - 22; i >= 0; i--) {
            if (tail.getInt(i) == END_SIG && i + 22 + (tail.getShort(i + 20) & 0xFFFF) <= window) {
                return size - window + i;
            }
        }
        throw refuse("it has no end-of-central-directory record: it is not a zip");
    }

    private List<Central> readCentral(long start, long length, int count) throws IOException, UpdaterException {
        ByteBuffer dir = readAt(start, (int) length);
        List<Central> records = new ArrayList<>(count);
        int at = 0;
        for (int i = 0; i < count; i++) {
            if (at + 46 > length || dir.getInt(at) != CENTRAL_SIG) {
                throw refuse("central record " + i + " at " + (start + at) + " is missing or cut short");
            }
            int nameLength = dir.getShort(at + 28) & 0xFFFF;
            int extraLength = dir.getShort(at + 30) & 0xFFFF;
            int commentLength = dir.getShort(at + 32) & 0xFFFF;
            int recordLength = 46 + nameLength + extraLength + commentLength;
            if (at + recordLength > length) {
                throw refuse("central record " + i + " at " + (start + at) + " runs past the central directory");
            }
            byte[] raw = new byte[recordLength];
            dir.get(at, raw);
            ByteBuffer record = ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN);
            long compressed = record.getInt(20) & U32;
            long uncompressed = record.getInt(24) & U32;
            long offset = record.getInt(42) & U32;
            int offsetAt = 42;
            int offsetWidth = 4;
            if (compressed == U32 || uncompressed == U32 || offset == U32) {
                int zip64 = HeaderFields.findExtra(record, 46 + nameLength, extraLength, 0x0001);
                int field = zip64 + 4;
                if (uncompressed == U32) {
                    field += 8;
                }
                if (compressed == U32) {
                    compressed = zip64 < 0 ? -1 : record.getLong(field);
                    field += 8;
                }
                if (offset == U32) {
                    offsetAt = field;
                    offsetWidth = 8;
                    offset = zip64 < 0 || field + 8 > 46 + nameLength + extraLength ? -1 : record.getLong(field);
                }
                if (zip64 < 0 || compressed < 0 || offset < 0 || field > 46 + nameLength + extraLength) {
                    throw refuse("central record " + i + " has a zip64 size or offset without a valid zip64 extra field");
                }
            }
            if (offset >= start || compressed >= size) {
                throw refuse("central record " + i + " points at " + offset + " with " + compressed
                        + " bytes of data, outside the entries before the central directory at " + start);
            }
            for (int b = 0; b < offsetWidth; b++) {
                raw[offsetAt + b] = 0;
            }
            records.add(new Central(raw, offsetAt, offsetWidth, offset, compressed));
            at += recordLength;
        }
        if (at != length) {
            throw refuse("its central directory holds " + (length - at) + " bytes after its " + count + " records");
        }
        long[] offsets = records.stream().mapToLong(Central::localOffset).sorted().toArray();
        for (int i = 1; i < offsets.length; i++) {
            if (offsets[i] == offsets[i - 1]) {
                throw refuse("two central records point at the same entry at " + offsets[i]);
            }
        }
        return records;
    }

    private Sha256 hashRange(long from, long length) throws IOException {
        MessageDigest digest = Sha256.newDigest();
        ByteBuffer buffer = ByteBuffer.allocate(1 << 16);
        long at = from;
        long end = from + length;
        while (at < end) {
            buffer.clear().limit((int) Math.min(buffer.capacity(), end - at));
            int n = channel.read(buffer, origin + at);
            if (n < 0) {
                throw new IOException(file + " ended at " + at + " while it was being indexed");
            }
            digest.update(buffer.flip());
            at += n;
        }
        return Sha256.of(digest.digest());
    }

    private byte[] bytesAt(long at, int length) throws IOException, UpdaterException {
        byte[] bytes = new byte[length];
        readAt(at, length).get(0, bytes);
        return bytes;
    }

    /** {@code length} bytes at {@code at} of this zip (so at {@code origin + at} of the file). */
    private ByteBuffer readAt(long at, int length) throws IOException, UpdaterException {
        if (at < 0 || at + length > size) {
            throw refuse("it has no " + length + " bytes at " + at + ", in its " + size + " bytes");
        }
        ByteBuffer buffer = ByteBuffer.allocate(length).order(ByteOrder.LITTLE_ENDIAN);
        long position = origin + at;
        while (buffer.hasRemaining()) {
            if (channel.read(buffer, position) < 0) {
                throw new IOException(file + " ended at " + position + " while it was being indexed");
            }
            position = origin + at + buffer.position();
        }
        return buffer.clear();
    }

    private UpdaterException refuse(String why) {
        return new UpdaterException(ErrorCode.ZIP_UNINDEXABLE, "Cannot index " + file + " for delta downloads: " + why
                + ". It is published and downloaded whole.");
    }
}
