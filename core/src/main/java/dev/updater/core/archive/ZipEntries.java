package dev.updater.core.archive;

import dev.updater.core.UpdaterException;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.zip.Inflater;
import java.util.zip.InflaterInputStream;

import static dev.updater.core.archive.TarEntries.malformed;

/**
 * Reads a zip from its central directory, as the JDK and {@code unzip} do, with the POSIX modes and
 * link bits that {@link java.util.zip.ZipFile} does not expose (a Unix zip keeps them in the upper
 * half of each entry's external attributes). Each local header is checked against its central record
 * (a zip whose two directories disagree reads differently in other tools), entries must not overlap
 * (the bomb trick of many entries sharing one compressed stream), and every file's data must inflate
 * to exactly its declared size and CRC.
 */
final class ZipEntries implements EntryReader {
    private static final int LOCAL_SIG = 0x04034b50;
    private static final int CENTRAL_SIG = 0x02014b50;
    private static final int END_SIG = 0x06054b50;
    private static final int ZIP64_END_SIG = 0x06064b50;
    private static final int ZIP64_LOCATOR_SIG = 0x07064b50;
    private static final long U32 = 0xFFFFFFFFL;
    private static final long MAX_CENTRAL_BYTES = 64L << 20;
    /** A link's target is a path; more than this in a link entry is not one. */
    private static final int MAX_LINK_TARGET = 4096;
    private static final int UNIX_HOST = 3;

    private record Central(String name, int host, int attributes, int flags, int method, long crc,
                           long compressedSize, long size, long localOffset) { }

    private final FileChannel channel;
    private final String archive;
    private final long entryCount;
    private final long centralStart;
    private final long centralSize;
    private List<Central> records;
    private int nextIndex;
    private Central current;
    private long dataStart;

    private ZipEntries(FileChannel channel, String archive, long entryCount, long centralStart, long centralSize) {
        this.channel = channel;
        this.archive = archive;
        this.entryCount = entryCount;
        this.centralStart = centralStart;
        this.centralSize = centralSize;
    }

    /** Reads the end records only; {@link #declaredEntries()} can be bounded before anything is allocated. */
    static ZipEntries open(FileChannel channel, String archive) throws IOException, UpdaterException {
        long size = channel.size();
        int window = (int) Math.min(size, 22 + 0xFFFF);
        ByteBuffer tail = read(channel, size - window, window, archive);
        int endAt = -1;
        for (int i = window - 22; i >= 0; i--) {
            if (tail.getInt(i) == END_SIG) {
                endAt = i;
                break;
            }
        }
        if (endAt < 0) {
            throw malformed(archive, "it is not a zip (no end of central directory record)");
        }
        long count = tail.getShort(endAt + 10) & 0xFFFF;
        long centralSize = tail.getInt(endAt + 12) & U32;
        long centralStart = tail.getInt(endAt + 16) & U32;
        long endPosition = size - window + endAt;
        if (count == 0xFFFF || centralSize == U32 || centralStart == U32) {
            if (endPosition < 20) {
                throw malformed(archive, "its zip64 locator is missing");
            }
            ByteBuffer locator = read(channel, endPosition - 20, 20, archive);
            if (locator.getInt(0) != ZIP64_LOCATOR_SIG) {
                throw malformed(archive, "its zip64 locator is missing");
            }
            long zip64At = locator.getLong(8);
            if (zip64At < 0 || zip64At > endPosition - 56) {
                throw malformed(archive, "its zip64 end record lies outside the file");
            }
            ByteBuffer zip64 = read(channel, zip64At, 56, archive);
            if (zip64.getInt(0) != ZIP64_END_SIG) {
                throw malformed(archive, "its zip64 end record is missing");
            }
            count = zip64.getLong(32);
            centralSize = zip64.getLong(40);
            centralStart = zip64.getLong(48);
        }
        if (count < 0 || centralSize < 0 || centralStart < 0 || centralStart > endPosition
                || centralSize > endPosition - centralStart) {
            throw malformed(archive, "its central directory lies outside the file");
        }
        return new ZipEntries(channel, archive, count, centralStart, centralSize);
    }

    long declaredEntries() {
        return entryCount;
    }

    /** What the entries declare they unpack to, each size then enforced exactly while reading. */
    long declaredBytes() throws IOException, UpdaterException {
        if (records == null) {
            records = readCentral();
        }
        long total = 0;
        for (Central c : records) {
            total += c.size;
            if (total < 0) {
                return Long.MAX_VALUE;
            }
        }
        return total;
    }

    @Override
    public ArchiveEntry next() throws IOException, UpdaterException {
        if (records == null) {
            records = readCentral();
        }
        if (nextIndex == records.size()) {
            return null;
        }
        current = records.get(nextIndex++);
        dataStart = checkLocalHeader(current);
        int unixMode = current.host == UNIX_HOST ? current.attributes >>> 16 : 0;
        int type = unixMode & 0170000;
        ArchiveEntry.Kind kind = switch (type) {
            case 0 -> current.name.endsWith("/") ? ArchiveEntry.Kind.DIRECTORY : ArchiveEntry.Kind.FILE;
            case 0100000 -> ArchiveEntry.Kind.FILE;
            case 0040000 -> ArchiveEntry.Kind.DIRECTORY;
            case 0120000 -> ArchiveEntry.Kind.SYMLINK;
            case 0020000, 0060000 -> ArchiveEntry.Kind.DEVICE;
            case 0010000 -> ArchiveEntry.Kind.FIFO;
            default -> ArchiveEntry.Kind.OTHER;
        };
        if (kind == ArchiveEntry.Kind.FILE && current.name.endsWith("/")) {
            kind = ArchiveEntry.Kind.DIRECTORY;
        }
        int mode = unixMode == 0 ? -1 : unixMode & 07777;
        String target = kind == ArchiveEntry.Kind.SYMLINK ? linkTarget() : null;
        return new ArchiveEntry(current.name, kind, mode, kind == ArchiveEntry.Kind.FILE ? current.size : 0, target);
    }

    @Override
    public InputStream content() throws IOException, UpdaterException {
        if ((current.flags & 1) != 0) {
            throw malformed(archive, "entry \"" + current.name + "\" is encrypted, which is not supported");
        }
        InputStream raw = new BufferedInputStream(
                Channels.newInputStream(channel.position(dataStart)), 64 << 10);
        InputStream limited = new ZipData.Bounded(raw, current.compressedSize);
        InputStream data = switch (current.method) {
            case 0 -> {
                if (current.compressedSize != current.size) {
                    throw malformed(archive, "stored entry \"" + current.name + "\" declares two different sizes");
                }
                yield limited;
            }
            case 8 -> {
                Inflater inflater = new Inflater(true);
                yield new InflaterInputStream(limited, inflater, 64 << 10) {
                    @Override
                    public void close() throws IOException {
                        try {
                            super.close();
                        } finally {
                            inflater.end(); // native memory, not freed by close when the inflater is ours
                        }
                    }
                };
            }
            default -> throw malformed(archive, "entry \"" + current.name + "\" uses compression method "
                    + current.method + "; only stored (0) and deflated (8) are supported");
        };
        return new ZipData.Checked(data, current.name, current.size, current.crc);
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }

    private String linkTarget() throws IOException, UpdaterException {
        if (current.size > MAX_LINK_TARGET) {
            throw malformed(archive, "link \"" + current.name + "\" has a target of " + current.size + " bytes");
        }
        try (InputStream in = content()) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private List<Central> readCentral() throws IOException, UpdaterException {
        if (centralSize > MAX_CENTRAL_BYTES) {
            throw malformed(archive, "its central directory is " + centralSize + " bytes, more than "
                    + MAX_CENTRAL_BYTES);
        }
        ByteBuffer dir = read(channel, centralStart, (int) centralSize, archive);
        List<Central> list = new ArrayList<>((int) Math.min(entryCount, 1 << 16));
        int at = 0;
        for (long i = 0; i < entryCount; i++) {
            if (at + 46 > dir.limit() || dir.getInt(at) != CENTRAL_SIG) {
                throw malformed(archive, "its central directory ends before its " + entryCount + " entries");
            }
            int nameLength = dir.getShort(at + 28) & 0xFFFF;
            int extraLength = dir.getShort(at + 30) & 0xFFFF;
            int commentLength = dir.getShort(at + 32) & 0xFFFF;
            int end = at + 46 + nameLength + extraLength + commentLength;
            if (end > dir.limit()) {
                throw malformed(archive, "a central record runs past its directory");
            }
            int flags = dir.getShort(at + 8) & 0xFFFF;
            byte[] nameBytes = new byte[nameLength];
            dir.get(at + 46, nameBytes);
            // without the UTF-8 flag the name is CP437, equal to Latin-1 for the ASCII names of every real distribution
            String name = new String(nameBytes, (flags & 0x800) != 0 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
            long compressed = dir.getInt(at + 20) & U32;
            long size = dir.getInt(at + 24) & U32;
            long offset = dir.getInt(at + 42) & U32;
            long[] zip64 = zip64(dir, at + 46 + nameLength, extraLength, size == U32, compressed == U32, offset == U32, name);
            list.add(new Central(name, (dir.getShort(at + 4) >> 8) & 0xFF, dir.getInt(at + 38), flags,
                    dir.getShort(at + 10) & 0xFFFF, dir.getInt(at + 16) & U32,
                    zip64[1] >= 0 ? zip64[1] : compressed, zip64[0] >= 0 ? zip64[0] : size,
                    zip64[2] >= 0 ? zip64[2] : offset));
            at = end;
        }
        checkNoOverlap(list);
        return list;
    }

    /** The zip64 extra field's values for the fields marked 0xFFFFFFFF, in its fixed order; -1 where absent. */
    private long[] zip64(ByteBuffer dir, int extraAt, int length, boolean size, boolean compressed, boolean offset,
                         String name) throws UpdaterException {
        long[] values = {-1, -1, -1};
        if (!size && !compressed && !offset) {
            return values;
        }
        int at = extraAt;
        while (at + 4 <= extraAt + length) {
            int id = dir.getShort(at) & 0xFFFF;
            int dataLength = dir.getShort(at + 2) & 0xFFFF;
            if (id == 0x0001) {
                int field = at + 4;
                boolean[] wanted = {size, compressed, offset};
                for (int i = 0; i < 3; i++) {
                    if (wanted[i]) {
                        if (field + 8 > at + 4 + dataLength) {
                            throw malformed(archive, "entry \"" + name + "\" has a short zip64 field");
                        }
                        values[i] = dir.getLong(field);
                        if (values[i] < 0) {
                            throw malformed(archive, "entry \"" + name + "\" has a size or offset out of range");
                        }
                        field += 8;
                    }
                }
                return values;
            }
            at += 4 + dataLength;
        }
        throw malformed(archive, "entry \"" + name + "\" lacks its zip64 field");
    }

    /** Entries sharing bytes are how a 42 KB zip unpacks to petabytes; real zips never do it. */
    private void checkNoOverlap(List<Central> list) throws UpdaterException {
        List<Central> byOffset = new ArrayList<>(list);
        byOffset.sort(Comparator.comparingLong(Central::localOffset));
        long previousEnd = 0;
        for (Central c : byOffset) {
            long end = c.localOffset + 30 + c.compressedSize;
            if (c.localOffset < previousEnd || end < c.localOffset || end > centralStart) {
                throw malformed(archive, "entry \"" + c.name + "\" overlaps another entry or the central"
                        + " directory (a zip bomb's layout)");
            }
            previousEnd = end;
        }
    }

    private long checkLocalHeader(Central c) throws IOException, UpdaterException {
        ByteBuffer local = read(channel, c.localOffset, 30, archive);
        if (local.getInt(0) != LOCAL_SIG) {
            throw malformed(archive, "entry \"" + c.name + "\" has no local header where its central record says");
        }
        int nameLength = local.getShort(26) & 0xFFFF;
        int extraLength = local.getShort(28) & 0xFFFF;
        long dataAt = c.localOffset + 30 + nameLength + extraLength;
        if (dataAt + c.compressedSize > centralStart) {
            throw malformed(archive, "entry \"" + c.name + "\" runs into the central directory");
        }
        byte[] name = new byte[nameLength];
        read(channel, c.localOffset + 30, nameLength, archive).get(name);
        String localName = new String(name, (c.flags & 0x800) != 0 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
        if (!localName.equals(c.name)) {
            throw malformed(archive, "entry \"" + c.name + "\" is named \"" + localName + "\" in its local header;"
                    + " tools would disagree on what it contains");
        }
        return dataAt;
    }

    private static ByteBuffer read(FileChannel channel, long at, int length, String archive)
            throws IOException, UpdaterException {
        ByteBuffer buffer = ByteBuffer.allocate(length).order(ByteOrder.LITTLE_ENDIAN);
        while (buffer.hasRemaining()) {
            if (channel.read(buffer, at + buffer.position()) < 0) {
                throw malformed(archive, "it ends before a record it points at");
            }
        }
        return buffer.flip();
    }
}
