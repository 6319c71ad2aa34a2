package dev.updater.core.delta;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The fields of zip headers that the version 2 index body ({@link IndexBody}) stores apart: the
 * volatile bytes a build changes on every entry (timestamps), and the part of a central record that
 * repeats its local header. All of it reads structure only (ids and lengths, bounded by the header's
 * own length), never trusting a length to stay inside the array.
 */
final class HeaderFields {
    static final int LOCAL_TIME_AT = 10;
    static final int CENTRAL_TIME_AT = 12;
    private static final int DATA_DESCRIPTOR_SIG = 0x08074b50;

    private HeaderFields() {
    }

    /**
     * The bytes of a header that a build changes without changing the entry: the DOS time and date,
     * and the timestamps in the extended-timestamp ({@code UT}, 0x5455) and NTFS (0x000a) extra fields.
     * Depends only on the header's structure (ids and lengths), never on the values it cuts.
     */
    static List<int[]> volatileRanges(byte[] header, int timeAt, int extraAt, int extraLength) {
        List<int[]> ranges = new ArrayList<>(2);
        ranges.add(new int[] {timeAt, timeAt + 4});
        int end = Math.min(header.length, extraAt + extraLength);
        int at = extraAt;
        while (at + 4 <= end) {
            int id = u16(header, at);
            int length = u16(header, at + 2);
            if (at + 4 + length > end) {
                break;
            }
            if (id == 0x5455 && length > 1) {
                ranges.add(new int[] {at + 5, at + 4 + length});
            } else if (id == 0x000a && length > 4) {
                ranges.add(new int[] {at + 8, at + 4 + length});
            }
            at += 4 + length;
        }
        return ranges;
    }

    static byte[] cutVolatile(byte[] header, int timeAt, int extraAt, int extraLength) {
        List<int[]> ranges = volatileRanges(header, timeAt, extraAt, extraLength);
        byte[] cut = new byte[length(ranges)];
        int at = 0;
        for (int[] range : ranges) {
            System.arraycopy(header, range[0], cut, at, range[1] - range[0]);
            Arrays.fill(header, range[0], range[1], (byte) 0);
            at += range[1] - range[0];
        }
        return cut;
    }

    static void paste(byte[] header, List<int[]> ranges, byte[] values) {
        int at = 0;
        for (int[] range : ranges) {
            System.arraycopy(values, at, header, range[0], range[1] - range[0]);
            at += range[1] - range[0];
        }
    }

    static int length(List<int[]> ranges) {
        int length = 0;
        for (int[] range : ranges) {
            length += range[1] - range[0];
        }
        return length;
    }

    /** The central record's DOS time is stored as its difference from the local header's: usually zeros. */
    static void xorDosTime(byte[] centralTimes, byte[] localTimes) {
        for (int i = 0; i < 4; i++) {
            centralTimes[i] ^= localTimes[i];
        }
    }

    /** Whether bytes 6..30 and the name of a central record are what its local header and data descriptor say. */
    static boolean repeatsLocal(byte[] central, byte[] local, byte[] trailer) {
        int nameLength = u16(local, 26);
        return central.length == 46 + nameLength + u16(central, 30) + u16(central, 32) && local.length >= 30 + nameLength
                && Arrays.equals(central, 6, 30, predicted(local, trailer), 0, 24)
                && Arrays.equals(central, 46, 46 + nameLength, local, 30, 30 + nameLength);
    }

    /**
     * Bytes 6..30 of the central record as its local header gives them (version needed to name length);
     * when the local header defers the CRC and sizes to a data descriptor, they come from the descriptor.
     */
    static byte[] predicted(byte[] local, byte[] trailer) {
        byte[] fields = Arrays.copyOfRange(local, 4, 28);
        boolean deferred = (u16(local, 6) & 0x8) != 0 && u32(local, 14) == 0 && u32(local, 18) == 0
                && u32(local, 22) == 0;
        int skip = trailer.length >= 16 && u32(trailer, 0) == DATA_DESCRIPTOR_SIG ? 4 : 0;
        if (deferred && trailer.length >= skip + 12) {
            System.arraycopy(trailer, skip, fields, 10, 12);
        }
        return fields;
    }

    static int u16(byte[] b, int at) {
        return at + 2 <= b.length ? (b[at] & 0xFF) | (b[at + 1] & 0xFF) << 8 : 0;
    }

    static long u32(byte[] b, int at) {
        return at + 4 <= b.length ? (u16(b, at) | (long) u16(b, at + 2) << 16) : 0;
    }

    static void putU32(byte[] b, int at, int value) {
        for (int i = 0; i < 4; i++) {
            b[at + i] = (byte) (value >>> (8 * i));
        }
    }


    /** The position of the extra field {@code id} within {@code record}, or -1. */
    static int findExtra(java.nio.ByteBuffer record, int from, int length, int id) {
        int at = from;
        while (at + 4 <= from + length) {
            int fieldId = record.getShort(at) & 0xFFFF;
            int fieldLength = record.getShort(at + 2) & 0xFFFF;
            if (at + 4 + fieldLength > from + length) {
                return -1;
            }
            if (fieldId == id) {
                return at;
            }
            at += 4 + fieldLength;
        }
        return -1;
    }
}
