package dev.updater.core.download;

import java.util.concurrent.TimeUnit;

/** Turns a stream of byte counts into a few {@link DownloadListener#progress} calls per second, with a smoothed rate. */
final class ProgressMeter {
    static final long INTERVAL_NANOS = TimeUnit.MILLISECONDS.toNanos(200);

    private final DownloadListener listener;
    private final long total;
    private long lastAt;
    private long lastBytes;
    private double rate;

    ProgressMeter(DownloadListener listener, long total) {
        this.listener = listener;
        this.total = total;
    }

    /** Reports where the download starts (the bytes already on disk). */
    void start(long bytes) {
        lastAt = System.nanoTime();
        lastBytes = bytes;
        listener.progress(bytes, total, 0);
    }

    /** Reports {@code bytes} if the last report is old enough. */
    void update(long bytes) {
        long now = System.nanoTime();
        if (now - lastAt >= INTERVAL_NANOS) {
            measure(bytes, now);
            listener.progress(bytes, total, Math.round(rate));
        }
    }

    /** Reports the final count, whatever the time since the last report. */
    void finish(long bytes) {
        measure(bytes, System.nanoTime());
        listener.progress(bytes, total, Math.round(rate));
    }

    private void measure(long bytes, long now) {
        long elapsed = now - lastAt;
        if (bytes >= lastBytes && elapsed > 0) {
            double recent = (bytes - lastBytes) * 1e9 / elapsed;
            // Smoothed so a progress bar's time-left estimate does not jump with every burst.
            rate = rate == 0 ? recent : 0.7 * rate + 0.3 * recent;
        }
        lastAt = now;
        lastBytes = bytes;
    }
}
