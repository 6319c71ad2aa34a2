package dev.updater.core.text;

import java.time.Duration;
import java.time.Instant;
import java.util.Locale;

/**
 * Durations, sizes and times as people read them. Every message, screen and log line renders them
 * here, so one kind of value always looks the same wherever an operator meets it:
 *
 * <pre>
 * setting(Duration.ofSeconds(90))        "90s"              a setting, in the form it is typed (Durations.parse reads it)
 * duration(Duration.ofSeconds(100))      "1 min 40 s"       a span measured or computed, to the second
 * millis(Duration.ofMillis(1234))        "1234 ms"          a measured time in a log or history line, where runs are compared
 * remaining(Duration.ofSeconds(65))      "1m 5s remaining"  a progress bar's estimate
 * age(released, now)                     "2 days ago"
 * time(Instant.parse("…T12:00:00Z"))     "…T12:00:00Z"      a moment: ISO-8601 in UTC, fractions as recorded
 * bytes(1_234_567)                       "1,234,567 bytes"  an exact size, to compare with a manifest's
 * size(12_400_000)                       "12.4 MB"          a size on a screen, in decimal units
 * rate(2_100_000)                        "2.1 MB/s"
 * </pre>
 *
 * Numbers never depend on the JVM's locale.
 */
public final class HumanUnits {
    private static final long MINUTE = 60;
    private static final long HOUR = 60 * MINUTE;
    private static final long DAY = 24 * HOUR;
    private static final Duration SECOND = Duration.ofSeconds(1);

    private HumanUnits() {
    }

    /** The shortest of {@code 500ms, 5s, 10m, 1h, 30d} that states {@code d} exactly: {@code 90s} stays {@code 90s}. */
    public static String setting(Duration d) {
        if (d.isNegative()) {
            return "-" + setting(d.negated());
        }
        long seconds = d.getSeconds();
        int millis = d.getNano() / 1_000_000;
        if (millis != 0 && seconds < Long.MAX_VALUE / 1000) {
            return (seconds * 1000 + millis) + "ms";
        }
        if (seconds != 0 && seconds % DAY == 0) {
            return seconds / DAY + "d";
        }
        if (seconds != 0 && seconds % HOUR == 0) {
            return seconds / HOUR + "h";
        }
        if (seconds != 0 && seconds % MINUTE == 0) {
            return seconds / MINUTE + "m";
        }
        return seconds + "s";
    }

    /** {@code 250 ms} under a second; else rounded to the second: {@code 30 s}, {@code 1 min 40 s}. */
    public static String duration(Duration d) {
        if (d.isNegative()) {
            return "-" + duration(d.negated());
        }
        if (d.compareTo(SECOND) < 0) {
            return millis(d);
        }
        long seconds = d.getSeconds() + (d.getNano() >= 500_000_000 ? 1 : 0);
        if (seconds < MINUTE) {
            return seconds + " s";
        }
        return seconds / MINUTE + " min" + (seconds % MINUTE == 0 ? "" : " " + seconds % MINUTE + " s");
    }

    /** {@code 1234 ms}: to the millisecond, the same unit at every length. */
    public static String millis(Duration d) {
        return d.toMillis() + " ms";
    }

    /** {@code 45s remaining}, {@code 3m 5s remaining}, {@code 2h 10m remaining}. */
    public static String remaining(Duration d) {
        long s = d.toSeconds();
        if (s < MINUTE) {
            return s + "s remaining";
        }
        if (s < HOUR) {
            return (s / MINUTE) + "m " + (s % MINUTE) + "s remaining";
        }
        return (s / HOUR) + "h " + (s % HOUR / MINUTE) + "m remaining";
    }

    /** {@code just now}, {@code 1 minute ago}, {@code 3 hours ago}, {@code 2 days ago}: from {@code then} to {@code now}. */
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

    /**
     * {@code 2026-02-07T12:00:00Z}, or {@code 2026-02-07T12:00:00.336Z} with the fraction recorded: the
     * same text as the record's JSON, so a time read on screen can be found in the file.
     */
    public static String time(Instant instant) {
        return instant.toString();
    }

    /** {@code 1,234,567 bytes}, {@code 1 byte}: exact, because operators compare it with a manifest's size. */
    public static String bytes(long n) {
        return String.format(Locale.ROOT, "%,d %s", n, n == 1 ? "byte" : "bytes");
    }

    /** {@code 999 B}, {@code 1.0 kB}, {@code 12.4 MB}, {@code 256 MB}: three figures, decimal units. */
    public static String size(long bytes) {
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

    /** {@code 2.1 MB/s}. */
    public static String rate(double bytesPerSecond) {
        return size(Math.round(bytesPerSecond)) + "/s";
    }

    private static String plural(long n, String unit) {
        return n + " " + unit + (n == 1 ? "" : "s");
    }
}
