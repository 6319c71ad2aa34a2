package dev.updater.demo;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * What the status page shows, at one instant.
 *
 * @param version the running version, from the jar's {@code Implementation-Version}
 * @param uptime  how long this process has been running the app
 * @param visits  visits of {@code /} counted in the data file, over every run and release
 * @param change  the last change of version this data file saw, if any
 */
public record Status(String version, Duration uptime, long visits, Optional<VersionChange> change) {

    public Status {
        Objects.requireNonNull(version, "version");
        Objects.requireNonNull(change, "change");
        if (uptime.isNegative()) {
            throw new IllegalArgumentException("uptime is negative: " + uptime);
        }
        if (visits < 0) {
            throw new IllegalArgumentException("visits is negative: " + visits);
        }
    }

    /** The uptime as a person reads it: {@code 45s}, {@code 3m 05s}, {@code 2h 00m 07s}, {@code 3d 04h 00m 00s}. */
    public String uptimeText() {
        return describe(uptime);
    }

    static String describe(Duration uptime) {
        long seconds = uptime.toSeconds();
        long days = seconds / 86_400;
        long hours = seconds / 3_600 % 24;
        long minutes = seconds / 60 % 60;
        long secs = seconds % 60;
        if (days > 0) {
            return String.format("%dd %02dh %02dm %02ds", days, hours, minutes, secs);
        }
        if (hours > 0) {
            return String.format("%dh %02dm %02ds", hours, minutes, secs);
        }
        if (minutes > 0) {
            return String.format("%dm %02ds", minutes, secs);
        }
        return secs + "s";
    }
}
