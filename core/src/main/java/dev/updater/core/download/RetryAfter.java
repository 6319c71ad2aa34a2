package dev.updater.core.download;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoField;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Reads a server's {@code Retry-After} (RFC 9110 §10.2.3): delta-seconds ({@code 120}) or an HTTP
 * date in any of the three forms a recipient must accept. Anything else (a negative number, a
 * fraction, garbage) is ignored rather than guessed at: the caller then backs off on its own. The
 * value is not bounded here; {@code PollLoop}'s back-off bounds what it obeys.
 *
 * <pre>{@code
 * Optional<Duration> wait = RetryAfter.parse(exchange.header("Retry-After"), serverNow);
 * }</pre>
 */
public final class RetryAfter {
    /**
     * Longer than any wait anyone obeys (about 31 years): a 40-digit delta-seconds or a date in the
     * year 9999 becomes this instead of an overflow.
     */
    static final Duration HUGE = Duration.ofSeconds(1_000_000_000L);

    private static final List<DateTimeFormatter> DATES = List.of(
            DateTimeFormatter.RFC_1123_DATE_TIME, // IMF-fixdate: Sun, 06 Nov 1994 08:49:37 GMT
            new DateTimeFormatterBuilder().parseCaseInsensitive() // obsolete RFC 850: Sunday, 06-Nov-94 08:49:37 GMT
                    .appendPattern("EEEE, dd-MMM-").appendValueReduced(ChronoField.YEAR, 2, 2, 1970)
                    .appendPattern(" HH:mm:ss 'GMT'").toFormatter(Locale.US).withZone(ZoneOffset.UTC),
            new DateTimeFormatterBuilder().parseCaseInsensitive() // asctime: Sun Nov  6 08:49:37 1994
                    .appendPattern("EEE MMM ppd HH:mm:ss yyyy").toFormatter(Locale.US).withZone(ZoneOffset.UTC));

    private RetryAfter() {
    }

    /**
     * The wait a {@code Retry-After} value asks for, counted from {@code now} for a date (a date in the
     * past asks for no wait); empty when there is no value or it is not one of the forms above.
     *
     * @param now the server's {@code Date} when it sent one, so that a skewed local clock does not
     *            stretch or shrink the wait; else the local time
     */
    public static Optional<Duration> parse(String value, Instant now) {
        if (value == null) {
            return Optional.empty();
        }
        String text = value.trim();
        if (!text.isEmpty() && text.chars().allMatch(c -> c >= '0' && c <= '9')) {
            // 1*DIGIT; more than 10 digits is beyond any sane wait and would overflow a long past 19.
            return Optional.of(text.length() > 10 ? HUGE : min(Duration.ofSeconds(Long.parseLong(text)), HUGE));
        }
        for (DateTimeFormatter format : DATES) {
            try {
                Instant at = ZonedDateTime.parse(text, format).toInstant();
                Duration wait = Duration.between(now, at);
                return Optional.of(wait.isNegative() ? Duration.ZERO : min(wait, HUGE));
            } catch (DateTimeParseException | ArithmeticException e) {
                // not this form; try the next
            }
        }
        return Optional.empty();
    }

    /** The instant of an HTTP date such as a response's {@code Date} header; empty for anything else. */
    static Optional<Instant> date(String value) {
        if (value == null) {
            return Optional.empty();
        }
        for (DateTimeFormatter format : DATES) {
            try {
                return Optional.of(ZonedDateTime.parse(value.trim(), format).toInstant());
            } catch (DateTimeParseException e) {
                // not this form
            }
        }
        return Optional.empty();
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }
}
