package dev.updater.sidecar.cli;

import dev.updater.sidecar.log.LogFormat;
import dev.updater.sidecar.log.SidecarLog;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Option;
import picocli.CommandLine.TypeConversionException;

import java.io.PrintWriter;
import java.time.Clock;

/** {@code --log-format} of {@code run} and {@code watch}: the sidecar's own lines as text or JSON. */
final class LogFormatOption {
    @Option(names = "--log-format", paramLabel = "FORMAT", defaultValue = "text", converter = FormatConverter.class,
            description = {"How the sidecar writes its own lines: text (local time to the second, then the sentence)"
                    + " or json (one object per line with time, level, event, message and fields, for log"
                    + " shippers). The host's own output is passed through unchanged. Default: ${DEFAULT-VALUE}.",
                    "Example: --log-format json"})
    LogFormat format = LogFormat.TEXT;

    /** The log the supervision loop reports to, on {@code out}. */
    SidecarLog log(PrintWriter out) {
        return new SidecarLog(out, format, Clock.systemDefaultZone());
    }

    static final class FormatConverter implements ITypeConverter<LogFormat> {
        @Override
        public LogFormat convert(String value) {
            try {
                return LogFormat.parse(value);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(e.getMessage());
            }
        }
    }
}
