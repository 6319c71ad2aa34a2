package dev.updater.core.archive;

import dev.updater.core.ErrorCode;
import dev.updater.core.UpdaterException;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.zip.GZIPInputStream;

/**
 * Reads a gzip-compressed tar (POSIX ustar with pax headers, and GNU tar's long names), as {@code tar
 * czf}, Gradle's {@code distTar} and the Maven assembly plugin write it. Every header is checksummed
 * and every length bounded; a sparse file, a volume header or anything else this reader does not know
 * is reported as {@link ArchiveEntry.Kind#OTHER} for the unpacker to refuse, never guessed at.
 */
final class TarEntries implements EntryReader {
    private static final int BLOCK = 512;
    /** A pax or GNU long-name record longer than this is not a path: it is an attempt to exhaust memory. */
    private static final int MAX_METADATA = 64 << 10;
    /** Real tars put one or two metadata headers before an entry; a run of them is decompression spent on nothing. */
    private static final int MAX_METADATA_IN_A_ROW = 8;

    private final InputStream in;
    private final String archive;
    private long remaining;
    private long padding;

    private TarEntries(InputStream in, String archive) {
        this.in = in;
        this.archive = archive;
    }

    static TarEntries gzipped(InputStream raw, String archive) throws UpdaterException {
        try {
            return new TarEntries(new BufferedInputStream(new GZIPInputStream(raw, 64 << 10), 64 << 10), archive);
        } catch (IOException e) {
            throw malformed(archive, "it is not gzip-compressed (" + e.getMessage() + ")");
        }
    }

    @Override
    public ArchiveEntry next() throws IOException, UpdaterException {
        skip(remaining + padding);
        remaining = 0;
        padding = 0;
        String longName = null;
        String longLink = null;
        Map<String, String> pax = Map.of();
        for (int metadata = 0; ; metadata++) {
            if (metadata > MAX_METADATA_IN_A_ROW) {
                throw malformed(archive, "it has more than " + MAX_METADATA_IN_A_ROW + " metadata headers in a row");
            }
            byte[] header = readBlock();
            if (header == null || isZero(header)) {
                return null; // two zero blocks end an archive; a missing end is accepted, as GNU tar does
            }
            checkChecksum(header);
            char type = (char) header[156];
            long size = number(header, 124, 12, "size");
            switch (type) {
                case 'L' -> longName = text(readMetadata(size, "GNU long name"));
                case 'K' -> longLink = text(readMetadata(size, "GNU long link"));
                case 'x' -> pax = pax(readMetadata(size, "pax header"));
                case 'g' -> readMetadata(size, "pax global header"); // only defaults we do not use
                default -> {
                    return entry(header, type, size, longName, longLink, pax);
                }
            }
        }
    }

    private ArchiveEntry entry(byte[] header, char type, long size, String longName, String longLink,
                               Map<String, String> pax) throws UpdaterException {
        String name = pax.getOrDefault("path", longName != null ? longName : ustarName(header));
        String link = pax.getOrDefault("linkpath", longLink != null ? longLink : text(header, 157, 100));
        if (pax.containsKey("size")) {
            try {
                size = Long.parseLong(pax.get("size"));
            } catch (NumberFormatException e) {
                throw malformed(archive, "entry \"" + name + "\" has a pax size that is not a number");
            }
            if (size < 0) {
                throw malformed(archive, "entry \"" + name + "\" has a negative pax size");
            }
        }
        int mode = (int) (number(header, 100, 8, "mode") & 07777);
        ArchiveEntry.Kind kind = switch (type) {
            case '0', '\0', '7' -> name.endsWith("/") ? ArchiveEntry.Kind.DIRECTORY : ArchiveEntry.Kind.FILE;
            case '5' -> ArchiveEntry.Kind.DIRECTORY;
            case '2' -> ArchiveEntry.Kind.SYMLINK;
            case '1' -> ArchiveEntry.Kind.HARDLINK;
            case '3', '4' -> ArchiveEntry.Kind.DEVICE;
            case '6' -> ArchiveEntry.Kind.FIFO;
            default -> ArchiveEntry.Kind.OTHER;
        };
        if (size > 0 && kind != ArchiveEntry.Kind.FILE) {
            // Threat: a folder or link declaring gigabytes of zeros, decompressed and skipped outside every byte limit
            throw malformed(archive, "entry \"" + name + "\" is not a file but declares " + size + " bytes of data");
        }
        remaining = size;
        padding = (BLOCK - size % BLOCK) % BLOCK;
        boolean linked = kind == ArchiveEntry.Kind.SYMLINK || kind == ArchiveEntry.Kind.HARDLINK;
        return new ArchiveEntry(name, kind, mode, kind == ArchiveEntry.Kind.FILE ? size : 0, linked ? link : null);
    }

    @Override
    public InputStream content() {
        return new InputStream() {
            @Override
            public int read() throws IOException {
                byte[] one = new byte[1];
                return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
            }

            @Override
            public int read(byte[] buffer, int offset, int length) throws IOException {
                if (remaining == 0) {
                    return -1;
                }
                int n = in.read(buffer, offset, (int) Math.min(length, remaining));
                if (n < 0) {
                    throw new TruncatedException();
                }
                remaining -= n;
                return n;
            }
        };
    }

    @Override
    public void close() throws IOException {
        in.close();
    }

    /** The data of an entry ends before its declared size: the archive is cut short. */
    static final class TruncatedException extends IOException {
        private static final long serialVersionUID = 1L;

        TruncatedException() {
            super("the archive ends in the middle of an entry");
        }
    }

    private String ustarName(byte[] header) {
        String name = text(header, 0, 100);
        // only POSIX ustar ("ustar\0" "00") has a prefix field; GNU tar keeps times there
        boolean posix = header[257] == 'u' && header[258] == 's' && header[259] == 't' && header[260] == 'a'
                && header[261] == 'r' && header[262] == 0;
        String prefix = posix ? text(header, 345, 155) : "";
        return prefix.isEmpty() ? name : prefix + "/" + name;
    }

    private byte[] readMetadata(long size, String what) throws IOException, UpdaterException {
        if (size > MAX_METADATA) {
            throw malformed(archive, "it has a " + what + " of " + size + " bytes, more than " + MAX_METADATA);
        }
        byte[] data = in.readNBytes((int) size);
        if (data.length != size) {
            throw new TruncatedException();
        }
        skip((BLOCK - size % BLOCK) % BLOCK);
        return data;
    }

    /** Pax records, {@code "<length> <key>=<value>\n"}, each length counting the whole record. */
    private Map<String, String> pax(byte[] data) throws UpdaterException {
        Map<String, String> values = new HashMap<>();
        int at = 0;
        while (at < data.length) {
            int space = at;
            while (space < data.length && data[space] != ' ') {
                space++;
            }
            int length;
            try {
                length = Integer.parseInt(new String(data, at, space - at, StandardCharsets.US_ASCII));
            } catch (NumberFormatException e) {
                throw malformed(archive, "it has a pax record without a length");
            }
            int end = at + length;
            if (length <= space - at + 1 || end > data.length || data[end - 1] != '\n') {
                throw malformed(archive, "it has a pax record whose length does not fit");
            }
            String record = new String(data, space + 1, end - space - 2, StandardCharsets.UTF_8);
            int equals = record.indexOf('=');
            if (equals <= 0) {
                throw malformed(archive, "it has a pax record without a key");
            }
            values.put(record.substring(0, equals), record.substring(equals + 1));
            at = end;
        }
        return values;
    }

    private byte[] readBlock() throws IOException {
        byte[] block = in.readNBytes(BLOCK);
        if (block.length == 0) {
            return null;
        }
        if (block.length != BLOCK) {
            throw new TruncatedException();
        }
        return block;
    }

    private void skip(long bytes) throws IOException {
        long left = bytes;
        while (left > 0) {
            long n = in.skip(left);
            if (n <= 0) {
                if (in.read() < 0) {
                    throw new TruncatedException();
                }
                n = 1;
            }
            left -= n;
        }
    }

    private void checkChecksum(byte[] header) throws UpdaterException {
        long expected = number(header, 148, 8, "checksum");
        long unsigned = 0;
        long signed = 0;
        for (int i = 0; i < BLOCK; i++) {
            byte b = i >= 148 && i < 156 ? (byte) ' ' : header[i];
            unsigned += b & 0xff;
            signed += b;
        }
        if (expected != unsigned && expected != signed) {
            throw malformed(archive, "a header's checksum is wrong (the file is damaged, or not a tar)");
        }
    }

    /** An octal field, or GNU's base-256 for values that do not fit in octal (a high bit in the first byte). */
    private long number(byte[] header, int offset, int length, String field) throws UpdaterException {
        if ((header[offset] & 0x80) != 0) {
            if ((header[offset] & 0x40) != 0) {
                throw malformed(archive, "a header's " + field + " is negative");
            }
            long value = header[offset] & 0x3f;
            for (int i = 1; i < length; i++) {
                if (value > (Long.MAX_VALUE >>> 8)) {
                    throw malformed(archive, "a header's " + field + " is too large");
                }
                value = (value << 8) | (header[offset + i] & 0xff);
            }
            return value;
        }
        long value = 0;
        int i = offset;
        int end = offset + length;
        while (i < end && (header[i] == ' ' || header[i] == 0)) {
            i++;
        }
        for (; i < end && header[i] != 0 && header[i] != ' '; i++) {
            if (header[i] < '0' || header[i] > '7' || value > (Long.MAX_VALUE >>> 3)) {
                throw malformed(archive, "a header's " + field + " is not an octal number");
            }
            value = (value << 3) | (header[i] - '0');
        }
        return value;
    }

    private static boolean isZero(byte[] block) {
        for (byte b : block) {
            if (b != 0) {
                return false;
            }
        }
        return true;
    }

    private static String text(byte[] header, int offset, int length) {
        int end = offset;
        while (end < offset + length && header[end] != 0) {
            end++;
        }
        return new String(header, offset, end - offset, StandardCharsets.UTF_8);
    }

    private static String text(byte[] data) {
        return text(data, 0, data.length);
    }

    static UpdaterException malformed(String archive, String what) {
        return new UpdaterException(ErrorCode.ARCHIVE_MALFORMED, "Archive " + archive + " cannot be unpacked: "
                + what + "; nothing was unpacked. Download it again, or rebuild and publish it again.");
    }
}
