package dev.updater.core.home;

import dev.updater.core.version.ReleaseVersion;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * {@code quarantine.json}: versions that failed their health gate here and are never installed again
 * automatically. Read and written only through {@link UpdateHome#quarantineList()}; a missing file is
 * an empty list ({@link #NONE}). Versions are compared as {@link ReleaseVersion}s (SemVer equality):
 * {@code 1.2.0+a} and {@code 1.2.0+b} are one version, so neither installs while the other is listed.
 *
 * <pre>{@code
 * {"versions":[{"version":"1.2.0","reason":"failed its health gate: …","at":"2026-02-07T12:01:00Z","held":false}]}
 * }</pre>
 */
public record Quarantine(List<Entry> versions) {
    /** No version quarantined. */
    public static final Quarantine NONE = new Quarantine(List.of());

    public Quarantine {
        versions = versions == null ? List.of() : List.copyOf(versions);
    }

    /**
     * One version never installed again automatically.
     *
     * @param held true when an operator rolled back from it (a choice, not a failed gate); false when it
     *     failed its health gate here
     */
    public record Entry(ReleaseVersion version, String reason, Instant at, boolean held) {
        public Entry {
            Objects.requireNonNull(version, "version");
        }

        /** A version that failed its health gate. */
        public Entry(ReleaseVersion version, String reason, Instant at) {
            this(version, reason, at, false);
        }

        /** {@code held back} or {@code quarantined}, as the operator's screens say it. */
        public String label() {
            return held ? "held back" : "quarantined";
        }
    }

    public boolean contains(ReleaseVersion version) {
        return versions.stream().anyMatch(e -> e.version().equals(version));
    }

    /** The entry of {@code version}, if listed. */
    public Optional<Entry> entry(ReleaseVersion version) {
        return versions.stream().filter(e -> e.version().equals(version)).findFirst();
    }

    /** This list without {@code version}, or empty when it is not listed. */
    public Optional<Quarantine> without(ReleaseVersion version) {
        if (!contains(version)) {
            return Optional.empty();
        }
        return Optional.of(new Quarantine(versions.stream().filter(e -> !e.version().equals(version)).toList()));
    }

    /** This list with {@code version} held back by an operator, or empty when it is listed already or unknown. */
    public Optional<Quarantine> withHeld(ReleaseVersion version, String reason, Instant at) {
        if (version == null || contains(version)) {
            return Optional.empty();
        }
        List<Entry> entries = new ArrayList<>(versions);
        entries.add(new Entry(version, reason, at, true));
        return Optional.of(new Quarantine(entries));
    }

    /** This list with {@code version} added, or empty when it is there already or unknown (null). */
    public Optional<Quarantine> with(ReleaseVersion version, String reason, Instant at) {
        if (version == null || contains(version)) {
            return Optional.empty();
        }
        List<Entry> entries = new ArrayList<>(versions);
        entries.add(new Entry(version, reason, at));
        return Optional.of(new Quarantine(entries));
    }
}
