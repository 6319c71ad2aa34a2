package dev.updater.core.home;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import dev.updater.core.json.WireNames;

import java.time.Instant;
import java.util.List;

/**
 * {@code sidecar.json}: what the running sidecar sees and cannot fix by itself, for {@code status}.
 * Written by the sidecar when it starts and whenever a problem appears or goes away; read only while
 * the sidecar holds {@code sidecar.lock} (a record left by a stopped sidecar says nothing now).
 *
 * <pre>{@code
 * {"pid":4242,"startedAt":"2026-02-07T12:00:00Z","mode":"run","applyPolicy":"manual",
 *  "waitingFor":"apply: updater-sidecar apply --home /var/lib/app/updates",
 *  "problems":[{"code":"gate-misconfigured","message":"…","since":"2026-02-07T12:00:05Z"}],
 *  "metricsUrl":"http://127.0.0.1:9400/metrics","version":"1.4.0"}
 * }</pre>
 *
 * @param pid the sidecar's pid
 * @param startedAt when it started
 * @param mode {@code run} or {@code watch}
 * @param applyPolicy its {@code --apply} policy as the sidecar printed it ({@code manual}, {@code window=02:00-04:00}, …):
 *     the sidecar's {@code ApplyPolicy} reads it back (it lives beside the sidecar's loop, not in core)
 * @param waitingFor what an install waits for, or null: {@code apply: updater-sidecar apply --home …}
 * @param problems what the operator must fix, oldest first (a metrics port in use is one of them)
 * @param metricsUrl where {@code /metrics} answers ({@code http://127.0.0.1:9400/metrics}), or null when it does not
 * @param version the updater version this sidecar runs (its jar's Implementation-Version; after a restart in
 *     place, the new one), or null for a build without one or a record written before it was recorded
 */
public record SidecarRecord(long pid, Instant startedAt, Mode mode, String applyPolicy, String waitingFor,
                            List<Problem> problems, String metricsUrl, String version) {
    /** The problem code of a metrics endpoint that could not be opened (its port in use). */
    public static final String METRICS_UNAVAILABLE = "metrics-unavailable";

    public SidecarRecord {
        problems = problems == null ? List.of() : List.copyOf(problems);
    }

    /** How the sidecar supervises the host, written as its wire name ({@code run}). */
    public enum Mode {
        /** {@code updater-sidecar run}: the sidecar starts the host as its child. */
        RUN("run"),
        /** {@code updater-sidecar watch}: the host runs under a service manager; the sidecar watches it. */
        WATCH("watch");

        private final String wireName;

        Mode(String wireName) {
            this.wireName = wireName;
        }

        @JsonValue
        public String wireName() {
            return wireName;
        }

        @JsonCreator
        static Mode of(String wireName) {
            return WireNames.parse(values(), Mode::wireName, wireName, "sidecar mode");
        }

        @Override
        public String toString() {
            return wireName;
        }
    }

    /**
     * One thing the operator must fix.
     *
     * @param code stable, for scripts: {@code gate-misconfigured}, {@code previous-unhealthy},
     *     {@code agent-home-differs}, {@code no-agent}, {@code agent-missing}, {@code metrics-unavailable}
     * @param message one sentence: what is wrong, the value, what to check
     * @param since when it was first seen
     */
    public record Problem(String code, String message, Instant since) {
    }
}
