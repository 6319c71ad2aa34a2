package dev.updater.core.download;

import java.time.Duration;
import java.util.Objects;

/**
 * How patient and how strict downloads and manifest fetches are. Start from {@link #defaults()} and
 * change what you need:
 *
 * <pre>{@code
 * DownloadOptions options = DownloadOptions.defaults()
 *         .withStallTimeout(Duration.ofSeconds(10))
 *         .withRetries(4);
 * }</pre>
 *
 * @param connectTimeout              how long to wait for a TCP (and TLS) connection
 * @param stallTimeout                no byte received for this long fails with {@code DOWNLOAD_STALLED}
 * @param minThroughputBytesPerSecond the slowest transfer accepted; with {@code deadlineBase} it sets the total deadline
 * @param deadlineBase                the part of the total deadline that does not depend on the size
 * @param retries                     how many times a dropped, stalled or truncated transfer is resumed within one call
 * @param allowInsecureHttp           allow plain {@code http://} to hosts other than loopback (anyone on the path can change the bytes)
 * @param freeSpaceProbe              how free disk space is measured
 * @param freeSpaceMarginBytes        space that must remain free after the download, so a full disk never starves the host
 */
public record DownloadOptions(
        Duration connectTimeout,
        Duration stallTimeout,
        long minThroughputBytesPerSecond,
        Duration deadlineBase,
        int retries,
        boolean allowInsecureHttp,
        FreeSpaceProbe freeSpaceProbe,
        long freeSpaceMarginBytes) {

    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(10);
    public static final Duration DEFAULT_STALL_TIMEOUT = Duration.ofSeconds(30);
    public static final long DEFAULT_MIN_THROUGHPUT = 16 * 1024;
    public static final Duration DEFAULT_DEADLINE_BASE = Duration.ofSeconds(60);
    public static final int DEFAULT_RETRIES = 2;
    public static final long DEFAULT_FREE_SPACE_MARGIN = 64L * 1024 * 1024;

    public DownloadOptions {
        requirePositive(connectTimeout, "connectTimeout");
        requirePositive(stallTimeout, "stallTimeout");
        requirePositive(deadlineBase, "deadlineBase");
        Objects.requireNonNull(freeSpaceProbe, "freeSpaceProbe");
        if (minThroughputBytesPerSecond <= 0) {
            throw new IllegalArgumentException("minThroughputBytesPerSecond must be positive, got " + minThroughputBytesPerSecond);
        }
        if (retries < 0 || retries > 100) {
            throw new IllegalArgumentException("retries must be between 0 and 100, got " + retries);
        }
        if (freeSpaceMarginBytes < 0) {
            throw new IllegalArgumentException("freeSpaceMarginBytes cannot be negative, got " + freeSpaceMarginBytes);
        }
    }

    /** Connect 10 s, stall 30 s, at least 16 KiB/s after a 60 s base, 2 retries, HTTPS only, 64 MiB margin. */
    public static DownloadOptions defaults() {
        return new DownloadOptions(DEFAULT_CONNECT_TIMEOUT, DEFAULT_STALL_TIMEOUT, DEFAULT_MIN_THROUGHPUT,
                DEFAULT_DEADLINE_BASE, DEFAULT_RETRIES, false, FreeSpaceProbe.FILE_STORE, DEFAULT_FREE_SPACE_MARGIN);
    }

    /**
     * The whole time one call may take for {@code size} bytes: {@code deadlineBase + size / minThroughput}.
     * Threat: a server that drip-feeds a byte now and then never trips a stall timeout and would
     * otherwise hold the updater forever (the "slow retrieval" attack).
     */
    public Duration totalDeadline(long size) {
        long seconds = size / minThroughputBytesPerSecond;
        long remainderNanos = (long) ((double) (size % minThroughputBytesPerSecond) / minThroughputBytesPerSecond * 1e9);
        return deadlineBase.plusSeconds(seconds).plusNanos(remainderNanos);
    }

    public DownloadOptions withConnectTimeout(Duration value) {
        return new DownloadOptions(value, stallTimeout, minThroughputBytesPerSecond, deadlineBase, retries,
                allowInsecureHttp, freeSpaceProbe, freeSpaceMarginBytes);
    }

    public DownloadOptions withStallTimeout(Duration value) {
        return new DownloadOptions(connectTimeout, value, minThroughputBytesPerSecond, deadlineBase, retries,
                allowInsecureHttp, freeSpaceProbe, freeSpaceMarginBytes);
    }

    public DownloadOptions withMinThroughputBytesPerSecond(long value) {
        return new DownloadOptions(connectTimeout, stallTimeout, value, deadlineBase, retries,
                allowInsecureHttp, freeSpaceProbe, freeSpaceMarginBytes);
    }

    public DownloadOptions withDeadlineBase(Duration value) {
        return new DownloadOptions(connectTimeout, stallTimeout, minThroughputBytesPerSecond, value, retries,
                allowInsecureHttp, freeSpaceProbe, freeSpaceMarginBytes);
    }

    public DownloadOptions withRetries(int value) {
        return new DownloadOptions(connectTimeout, stallTimeout, minThroughputBytesPerSecond, deadlineBase, value,
                allowInsecureHttp, freeSpaceProbe, freeSpaceMarginBytes);
    }

    public DownloadOptions withAllowInsecureHttp(boolean value) {
        return new DownloadOptions(connectTimeout, stallTimeout, minThroughputBytesPerSecond, deadlineBase, retries,
                value, freeSpaceProbe, freeSpaceMarginBytes);
    }

    public DownloadOptions withFreeSpaceProbe(FreeSpaceProbe value) {
        return new DownloadOptions(connectTimeout, stallTimeout, minThroughputBytesPerSecond, deadlineBase, retries,
                allowInsecureHttp, value, freeSpaceMarginBytes);
    }

    public DownloadOptions withFreeSpaceMarginBytes(long value) {
        return new DownloadOptions(connectTimeout, stallTimeout, minThroughputBytesPerSecond, deadlineBase, retries,
                allowInsecureHttp, freeSpaceProbe, value);
    }

    private static void requirePositive(Duration d, String name) {
        Objects.requireNonNull(d, name);
        if (d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(name + " must be positive, got " + d);
        }
    }
}
