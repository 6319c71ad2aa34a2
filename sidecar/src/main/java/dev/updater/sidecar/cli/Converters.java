package dev.updater.sidecar.cli;

import dev.updater.core.Durations;
import dev.updater.core.version.ReleaseVersion;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;

/**
 * Option value types shared by the commands. Each checks its value while picocli parses the command
 * line, so a bad value is a usage error (exit 2, "Invalid value for option '--x': …", the synopsis)
 * before the command touches anything; each failure message says the accepted form.
 */
final class Converters {
    /** Longer spans are typing mistakes, and would overflow the clock arithmetic they feed. */
    private static final Duration LONGEST = Duration.ofDays(36_500);

    private Converters() {
    }

    static final class Version implements ITypeConverter<ReleaseVersion> {
        @Override
        public ReleaseVersion convert(String value) {
            ReleaseVersion version = ReleaseVersion.tryParse(value);
            if (version == null) {
                throw new TypeConversionException("'" + value + "' is not a semantic version such as 1.3.0 or 2.0.0-rc.1");
            }
            return version;
        }
    }

    /** A duration, zero included: {@code --min-uptime 0s} asks for no uptime. */
    static final class Span implements ITypeConverter<Duration> {
        @Override
        public Duration convert(String value) {
            Duration span;
            try {
                span = Durations.parse(value);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(e.getMessage());
            }
            if (span.compareTo(LONGEST) > 0) {
                throw new TypeConversionException("\"" + value + "\" is longer than 100 years; write at most 36500d");
            }
            return span;
        }
    }

    /** A duration longer than zero: a timeout of nothing would fail or roll back at once. */
    static final class PositiveSpan implements ITypeConverter<Duration> {
        @Override
        public Duration convert(String value) {
            Duration span = new Span().convert(value);
            if (span.isZero()) {
                throw new TypeConversionException("\"" + value + "\" is zero; write a duration longer than that, such"
                        + " as 500ms, 5s, 10m, 1h or 30d");
            }
            return span;
        }
    }

    static final class Timestamp implements ITypeConverter<Instant> {
        @Override
        public Instant convert(String value) {
            try {
                return OffsetDateTime.parse(value).toInstant();
            } catch (DateTimeParseException e) {
                throw new TypeConversionException("'" + value + "' is not an ISO-8601 date-time such as 2026-02-07T12:00:00Z");
            }
        }
    }

    /** How many backups to keep: at least 1, since rolling back needs the version before. */
    static final class BackupCount implements ITypeConverter<Integer> {
        @Override
        public Integer convert(String value) {
            int count;
            try {
                count = Integer.parseInt(value.strip());
            } catch (NumberFormatException e) {
                throw new TypeConversionException("'" + value + "' is not a whole number such as 2");
            }
            if (count < 1) {
                throw new TypeConversionException(count + "; keep at least 1, a rollback needs the previous version");
            }
            return count;
        }
    }

    /** A share of hosts in percent, 0 to 100; decimals allowed ({@code 2.5}). */
    static final class Percent implements ITypeConverter<Double> {
        @Override
        public Double convert(String value) {
            double percent;
            try {
                percent = Double.parseDouble(value.strip());
            } catch (NumberFormatException e) {
                throw new TypeConversionException("'" + value + "' is not a percentage such as 25 or 2.5");
            }
            if (!(percent >= 0 && percent <= 100)) {
                throw new TypeConversionException(percent + " is outside 0 to 100");
            }
            return percent;
        }
    }

    /** An absolute http or https URL with a host, such as a health check's. */
    static final class HttpUrl implements ITypeConverter<URI> {
        @Override
        public URI convert(String value) {
            try {
                URI uri = new URI(value);
                if (("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) && uri.getHost() != null) {
                    return uri;
                }
            } catch (URISyntaxException e) {
                // the message below says what is expected
            }
            throw new TypeConversionException("'" + value + "' is not an http or https URL; write it as"
                    + " http://127.0.0.1:8080/health");
        }
    }

    /** An absolute URL with a host, under which artifacts are published. */
    static final class BaseUrl implements ITypeConverter<URI> {
        @Override
        public URI convert(String value) {
            try {
                URI uri = new URI(value);
                if (uri.isAbsolute() && uri.getHost() != null) {
                    return uri;
                }
            } catch (URISyntaxException e) {
                // the message below says what is expected
            }
            throw new TypeConversionException("'" + value + "' is not an absolute URL such as https://cdn.example.com/app/");
        }
    }
}
