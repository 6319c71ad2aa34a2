package dev.updater.core.download;

import java.time.Duration;
import java.util.Locale;

/** Renders byte counts and durations the same way in every message. */
final class Amounts {
    private Amounts() {
    }

    /** {@code 1,234,567 bytes}: exact, because operators compare it with a manifest's size. */
    static String bytes(long n) {
        return String.format(Locale.ROOT, "%,d %s", n, n == 1 ? "byte" : "bytes");
    }

    /** {@code 250 ms}, {@code 30 s}, {@code 1 min 40 s}. */
    static String duration(Duration d) {
        long millis = d.toMillis();
        if (millis < 1000) {
            return millis + " ms";
        }
        long seconds = (millis + 500) / 1000;
        if (seconds < 60) {
            return seconds + " s";
        }
        return seconds / 60 + " min" + (seconds % 60 == 0 ? "" : " " + seconds % 60 + " s");
    }
}
