package dev.updater.core.delta;

/**
 * Content-defined chunking (the FastCDC family): a cut falls where a rolling gear hash of the last
 * 64 bytes has its top bits zero, so an insertion or change moves only the cuts next to it and every
 * other chunk keeps its bytes, and therefore its name under {@code objects/}. Normalized as in
 * FastCDC: below the average size a cut needs one more zero bit, above it one fewer, which narrows
 * the spread of chunk sizes. Chunks are at least {@code min} and at most {@code max} bytes.
 *
 * <p>The gear table and the parameters are part of the published format (chunk names depend on
 * them): changing either only costs one full fetch of each index, but never do it by accident.
 */
final class ContentChunker {
    /** The index's chunks: 4 KiB to 64 KiB, about 16 KiB on average. */
    static final ContentChunker INDEX = new ContentChunker(4 << 10, 14, 64 << 10);
    /** The chunks of a whole file that is not a zip (a native binary, a tarball): 16 KiB to 64 KiB, about 32 KiB. */
    static final ContentChunker FILE = new ContentChunker(16 << 10, 15, 64 << 10);

    private static final long[] GEAR = gearTable();

    private final int min;
    private final int max;
    private final int normal;
    private final long strictMask;
    private final long looseMask;

    ContentChunker(int min, int averageBits, int max) {
        if (min < 64 || min >= max || averageBits < 8 || averageBits > 30 || (1 << averageBits) > max) {
            throw new IllegalArgumentException("Chunk sizes min " + min + ", average 2^" + averageBits + ", max "
                    + max + " are inconsistent");
        }
        this.min = min;
        this.max = max;
        this.normal = Math.max(min, 1 << averageBits);
        this.strictMask = topBits(averageBits + 1);
        this.looseMask = topBits(averageBits - 1);
    }

    int max() {
        return max;
    }

    int min() {
        return min;
    }

    /** The end (exclusive) of the chunk starting at {@code from} in {@code data[from, to)}. */
    int next(byte[] data, int from, int to) {
        int length = to - from;
        if (length <= min) {
            return to;
        }
        int end = from + Math.min(length, max);
        int middle = from + Math.min(length, normal);
        long hash = 0;
        int i = from + min - 64;
        for (; i < middle; i++) {
            hash = (hash << 1) + GEAR[data[i] & 0xFF];
            if (i >= from + min && (hash & strictMask) == 0) {
                return i + 1;
            }
        }
        for (; i < end; i++) {
            hash = (hash << 1) + GEAR[data[i] & 0xFF];
            if ((hash & looseMask) == 0) {
                return i + 1;
            }
        }
        return end;
    }

    private static long topBits(int bits) {
        return -1L << (64 - bits);
    }

    /** 256 values of SplitMix64 from seed 0: fixed, documented, no table to ship. */
    private static long[] gearTable() {
        long[] table = new long[256];
        long state = 0;
        for (int i = 0; i < table.length; i++) {
            state += 0x9E3779B97F4A7C15L;
            long z = state;
            z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
            z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
            table[i] = z ^ (z >>> 31);
        }
        return table;
    }
}
