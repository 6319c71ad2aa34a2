package dev.updater.core.download;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

class DownloadOptionsTest {
    @Test
    void defaults_areTheDocumentedOnes() {
        DownloadOptions d = DownloadOptions.defaults();

        assertEquals(Duration.ofSeconds(10), d.connectTimeout());
        assertEquals(Duration.ofSeconds(30), d.stallTimeout());
        assertEquals(16 * 1024, d.minThroughputBytesPerSecond());
        assertEquals(Duration.ofSeconds(60), d.deadlineBase());
        assertEquals(2, d.retries());
        assertFalse(d.allowInsecureHttp());
        assertSame(FreeSpaceProbe.FILE_STORE, d.freeSpaceProbe());
        assertEquals(64L * 1024 * 1024, d.freeSpaceMarginBytes());
    }

    @Test
    void totalDeadline_isBasePlusSizeAtMinimumThroughput() {
        DownloadOptions d = DownloadOptions.defaults();

        assertEquals(Duration.ofSeconds(60), d.totalDeadline(0));
        assertEquals(Duration.ofSeconds(60 + 100), d.totalDeadline(100 * 16 * 1024));
        assertEquals(Duration.ofMillis(60_500), d.totalDeadline(8 * 1024));
        assertEquals(Duration.ofSeconds(60 + (1L << 26)), d.totalDeadline(1L << 40), "a 1 TiB artifact does not overflow");
    }

    @Test
    void withers_changeOneFieldOnly() {
        DownloadOptions d = DownloadOptions.defaults().withRetries(5).withAllowInsecureHttp(true);

        assertEquals(5, d.retries());
        assertEquals(true, d.allowInsecureHttp());
        assertEquals(DownloadOptions.defaults().withRetries(5).withAllowInsecureHttp(true), d);
        assertEquals(DownloadOptions.defaults().stallTimeout(), d.stallTimeout());
    }

    @Test
    void invalidValues_areRejected() {
        DownloadOptions d = DownloadOptions.defaults();
        assertThrows(IllegalArgumentException.class, () -> d.withStallTimeout(Duration.ZERO));
        assertThrows(IllegalArgumentException.class, () -> d.withConnectTimeout(Duration.ofSeconds(-1)));
        assertThrows(IllegalArgumentException.class, () -> d.withMinThroughputBytesPerSecond(0));
        assertThrows(IllegalArgumentException.class, () -> d.withRetries(-1));
        assertThrows(IllegalArgumentException.class, () -> d.withFreeSpaceMarginBytes(-1));
        assertThrows(NullPointerException.class, () -> d.withFreeSpaceProbe(null));
    }
}
