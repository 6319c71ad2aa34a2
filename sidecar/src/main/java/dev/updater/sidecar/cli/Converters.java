package dev.updater.sidecar.cli;

import dev.updater.core.Durations;
import dev.updater.core.version.ReleaseVersion;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;

/** Option value types shared by the commands; each failure message says the accepted form. */
final class Converters {
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

    static final class Span implements ITypeConverter<Duration> {
        @Override
        public Duration convert(String value) {
            try {
                return Durations.parse(value);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(e.getMessage());
            }
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
}
