package dev.updater.core.archive;

/**
 * The bounds an archive must stay within to be unpacked: an archive is hostile input until its entries
 * are on disk, and a few kilobytes can claim millions of entries or terabytes of zeros (an archive bomb).
 *
 * @param maxEntries the most entries (files, folders and links) an archive may hold
 * @param maxTotalBytes the most bytes all its files together may unpack to
 * @param maxRatio the most bytes unpacked per byte of archive, past {@link #RATIO_FLOOR_BYTES}: a
 *     distribution of jars and scripts compresses a few times, a bomb a thousand times
 */
public record ArchiveLimits(int maxEntries, long maxTotalBytes, int maxRatio) {
    /** An archive smaller than this may unpack to it whatever its ratio: a small text file compresses well. */
    public static final long RATIO_FLOOR_BYTES = 1L << 20;

    /** Generous for any real distribution (a JDK image has about 500 files and 300 MiB). */
    public static final ArchiveLimits DEFAULT = new ArchiveLimits(100_000, 4L << 30, 200);

    public ArchiveLimits {
        if (maxEntries <= 0 || maxTotalBytes <= 0 || maxRatio <= 0) {
            throw new IllegalArgumentException("Archive limits must be positive, got " + maxEntries + " entries, "
                    + maxTotalBytes + " bytes, ratio " + maxRatio);
        }
    }
}
