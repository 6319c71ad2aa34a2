package dev.updater.sidecar.log;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * One line of the sidecar's own log: how serious, a stable event name for log queries
 * ({@code host-started}, {@code installing}, {@code committed}), the sentence for a person, and
 * the values in it as fields.
 *
 * <pre>{@code
 * SidecarLog.emit(log, LogEvent.info("host-started", "started the host (pid 22725)", "pid", 22725));
 * }</pre>
 */
public record LogEvent(Level level, String event, String message, Map<String, Object> fields) {
    /** The event of a line written as a plain sentence, with no event of its own. */
    public static final String NOTE = "note";

    public enum Level { INFO, WARN, ERROR }

    public LogEvent {
        Objects.requireNonNull(level, "level");
        Objects.requireNonNull(event, "event");
        Objects.requireNonNull(message, "message");
        fields = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(fields));
    }

    /** An event at INFO; {@code keysAndValues} alternate: a name, then its value. */
    public static LogEvent info(String event, String message, Object... keysAndValues) {
        return new LogEvent(Level.INFO, event, message, fields(keysAndValues));
    }

    /** An event at WARN: the operator should look. */
    public static LogEvent warn(String event, String message, Object... keysAndValues) {
        return new LogEvent(Level.WARN, event, message, fields(keysAndValues));
    }

    private static Map<String, Object> fields(Object... keysAndValues) {
        if (keysAndValues.length % 2 != 0) {
            throw new IllegalArgumentException("fields come in pairs of a name and a value");
        }
        Map<String, Object> fields = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            if (keysAndValues[i + 1] != null) {
                fields.put((String) keysAndValues[i], keysAndValues[i + 1]);
            }
        }
        return fields;
    }
}
