package dev.updater.core.home;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import dev.updater.core.json.WireNames;
import dev.updater.core.version.ReleaseVersion;

import java.time.Instant;
import java.util.Objects;

/**
 * One line of {@code history.jsonl}, the append-only record of what happened to this install.
 *
 * <pre>{@code
 * {"at":"2026-02-07T12:01:00Z","event":"installed","version":"1.3.0","from":"1.2.0","detail":"swapped …"}
 * }</pre>
 *
 * @param event what happened
 * @param version the release concerned, or null
 * @param from the version before, for installs and rollbacks, or null
 * @param detail one human sentence
 */
public record HistoryEvent(Instant at, Kind event, ReleaseVersion version, ReleaseVersion from, String detail) {
    public HistoryEvent {
        Objects.requireNonNull(event, "event");
    }

    /** What happened, written as its wire name ({@code rolled-back}); a line with a name not listed here is skipped. */
    public enum Kind {
        /** A check decided something worth keeping: a refusal, a release waiting for apply. */
        CHECKED("checked"),
        /** A verified release was staged. */
        STAGED("staged"),
        /** A release was swapped in (it still has to pass its health gate). */
        INSTALLED("installed"),
        /** The installed release passed its health gate. */
        HEALTHY("healthy"),
        /** A release that failed its gate was replaced by the one before. */
        ROLLED_BACK("rolled-back"),
        /** A version was quarantined: never installed again automatically. */
        QUARANTINED("quarantined"),
        /** An operator rolled back from a version: held back, never installed again automatically (a choice, not a failed gate). */
        HELD("held"),
        /** An operator lifted a quarantine or a hold ({@code updater-sidecar allow}). */
        ALLOWED("allowed"),
        /** Something was refused or went wrong; {@code detail} says what. */
        FAILED("failed"),
        /** The old host's state was saved for the new version ({@code handoff/<v>.json}, DESIGN §7 "State hand-off"). */
        STATE_SAVED("state-saved"),
        /** A new host restored the state its predecessor saved for it, and the file was deleted. */
        STATE_RESTORED("state-restored"),
        /** No state was handed over: {@code save()} failed, or a saved state was kept aside unrestored; {@code detail} says why. */
        STATE_NOT_HANDED_OFF("state-not-handed-off"),
        /**
         * {@code run} restarting itself in place into a newer updater (execve), or not after all (execve failed,
         * or the sidecar was asked to stop first); {@code detail} says which, with both updater versions.
         */
        SIDECAR_RESTART("sidecar-restart");

        private final String wireName;

        Kind(String wireName) {
            this.wireName = wireName;
        }

        @JsonValue
        public String wireName() {
            return wireName;
        }

        @JsonCreator
        static Kind of(String wireName) {
            return WireNames.parse(values(), Kind::wireName, wireName, "history event");
        }

        @Override
        public String toString() {
            return wireName;
        }
    }
}
