package dev.updater.core;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Durations as operators write them: {@code 500ms}, {@code 5s}, {@code 10m}, {@code 1h}, {@code 30d},
 * or ISO-8601 ({@code PT1H30M}). One syntax for every agent key and CLI option; a duration is shown
 * back in it by {@link dev.updater.core.text.HumanUnits#setting}.
 */
public final class Durations {
    private static final Pattern SHORT = Pattern.compile("(\\d{1,12})\\s*(ms|s|m|h|d)");

    private Durations() {
    }

    /** Parses {@code text}, or throws IllegalArgumentException saying which forms are accepted. */
    public static Duration parse(String text) {
        String trimmed = text == null ? "" : text.strip().toLowerCase(Locale.ROOT);
        Matcher m = SHORT.matcher(trimmed);
        if (m.matches()) {
            long n = Long.parseLong(m.group(1));
            switch (m.group(2)) {
                case "ms":
                    return Duration.ofMillis(n);
                case "s":
                    return Duration.ofSeconds(n);
                case "m":
                    return Duration.ofMinutes(n);
                case "h":
                    return Duration.ofHours(n);
                default:
                    return Duration.ofDays(n);
            }
        }
        if (trimmed.startsWith("p")) {
            try {
                Duration d = Duration.parse(trimmed.toUpperCase(Locale.ROOT));
                if (!d.isNegative()) {
                    return d;
                }
            } catch (DateTimeParseException ignored) {
                // fall through to the message below
            }
        }
        throw new IllegalArgumentException("\"" + text + "\" is not a duration; write a number and a unit: 500ms, 5s,"
                + " 10m, 1h or 30d");
    }
}
