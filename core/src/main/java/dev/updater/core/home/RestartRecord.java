package dev.updater.core.home;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import dev.updater.core.json.WireNames;
import dev.updater.core.version.ReleaseVersion;

import java.time.Instant;
import java.util.Objects;

/**
 * {@code restart.json}: how {@code run} restarted the host for the last update, so that
 * {@code status} can say "overlap" or "stop-start (why)" (DESIGN §5 "Overlap mode").
 *
 * <pre>{@code
 * {"mode":"stop-start","fallback":"the host's listener 127.0.0.1:8080 was bound without SO_REUSEPORT",
 *  "version":"1.1.0","tcpMigrateReq":false,"at":"2026-11-30T06:00:00Z","steering":null}
 * }</pre>
 *
 * @param mode the restart actually used
 * @param fallback why overlap mode fell back to stop-start, or null (overlap used, or stop-start asked for)
 * @param version the release being installed, or null when not known
 * @param tcpMigrateReq whether {@code net.ipv4.tcp_migrate_req} was on in the sidecar's network namespace
 * @param at when the restart began
 * @param steering how an overlap steered connections ({@link SteeringPath}); null for a stop-start or an older record
 */
public record RestartRecord(Mode mode, String fallback, ReleaseVersion version, boolean tcpMigrateReq, Instant at,
                            SteeringPath steering) {
    public RestartRecord {
        Objects.requireNonNull(mode, "mode");
    }

    /** A restart mode, written as its wire name ({@code stop-start}). */
    public enum Mode {
        /** The old host is stopped, then the new one started: the service is down in between. */
        STOP_START("stop-start"),
        /** The new host starts beside the old one on the same ports and takes over its connections. */
        OVERLAP("overlap");

        private final String wireName;

        Mode(String wireName) {
            this.wireName = wireName;
        }

        @JsonValue
        public String wireName() {
            return wireName;
        }

        @JsonCreator
        public static Mode of(String wireName) {
            for (Mode mode : values()) {
                if (mode.wireName.equals(wireName)) {
                    return mode;
                }
            }
            throw new IllegalArgumentException("\"" + wireName + "\" is not a restart mode; use stop-start or overlap");
        }

        @Override
        public String toString() {
            return wireName;
        }
    }

    /** How an overlap steered new connections, written as its wire name ({@code sidecar-socket}). */
    public enum SteeringPath {
        /** Through a duplicate of the old host's listening socket ({@code pidfd_getfd}). */
        PIDFD("pidfd"),
        /** pidfd access refused: through a never-accepting socket of the sidecar's own in the reuse-port group. */
        SIDECAR_SOCKET("sidecar-socket"),
        /** Not steered: the bench's plain {@code SO_REUSEPORT} ({@code -Dupdater.overlap.steering=off}). */
        OFF("off");

        private final String wireName;

        SteeringPath(String wireName) {
            this.wireName = wireName;
        }

        @JsonValue
        public String wireName() {
            return wireName;
        }

        @JsonCreator
        static SteeringPath of(String wireName) {
            return WireNames.parse(values(), SteeringPath::wireName, wireName, "steering path");
        }

        @Override
        public String toString() {
            return wireName;
        }
    }
}
