package dev.updater.sidecar.log;

import java.util.Locale;

/** How {@code run} and {@code watch} write their own lines: for people, or one JSON object per line for log shippers. */
public enum LogFormat {
    /** {@code 2026-11-30 06:12:03 updater-sidecar: started the host (pid 22725)}: local time, to the second. */
    TEXT,
    /**
     * {@code {"time":"2026-11-30T06:12:03+01:00","level":"INFO","event":"host-started","message":"…","fields":{"pid":22725}}}:
     * one object per line, the event a stable name a query can select on.
     */
    JSON;

    /** {@code text} or {@code json}, as the option takes it. */
    public static LogFormat parse(String value) {
        for (LogFormat format : values()) {
            if (format.label().equals(value)) {
                return format;
            }
        }
        throw new IllegalArgumentException("'" + value + "' is not a log format; use text or json");
    }

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
