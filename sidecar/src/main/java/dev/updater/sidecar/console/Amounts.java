package dev.updater.sidecar.console;

import java.time.Duration;
import java.time.Instant;
import java.util.Locale;

/** Sizes, rates and ages as people read them: "12.4 MB", "2.1 MB/s", "2 days ago". */
public final class Amounts {
    private Amounts() {
    }

    public static String bytes(long bytes) {
        if (bytes < 1000) {
            return bytes + " B";
        }
        double value = bytes;
        String[] units = {"kB", "MB", "GB", "TB"};
        int unit = -1;
        while (value >= 1000 && unit < units.length - 1) {
            value /= 1000;
            unit++;
        }
        return String.format(Locale.ROOT, value < 100 ? "%.1f %s" : "%.0f %s", value, units[unit]);
    }

    public static String rate(double bytesPerSecond) {
        return bytes(Math.round(bytesPerSecond)) + "/s";
    }

    public static String remaining(Duration d) {
        long s = d.toSeconds();
        if (s < 60) {
            return s + "s remaining";
        }
        if (s < 3600) {
            return (s / 60) + "m " + (s % 60) + "s remaining";
        }
        return (s / 3600) + "h " + (s % 3600 / 60) + "m remaining";
    }

    /** "released 2 days ago", from the release date to now. */
    public static String age(Instant then, Instant now) {
        Duration d = Duration.between(then, now);
        if (d.isNegative() || d.toMinutes() < 1) {
            return "just now";
        }
        if (d.toHours() < 1) {
            return plural(d.toMinutes(), "minute") + " ago";
        }
        if (d.toDays() < 1) {
            return plural(d.toHours(), "hour") + " ago";
        }
        return plural(d.toDays(), "day") + " ago";
    }

    private static String plural(long n, String unit) {
        return n + " " + unit + (n == 1 ? "" : "s");
    }
}
