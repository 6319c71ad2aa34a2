package dev.updater.core.home;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * {@code quarantine.json}: versions that failed their health gate here and are never installed again
 * automatically. Read and written only through {@link UpdateHome#quarantineList()}; a missing file is
 * an empty list ({@link #NONE}).
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
    public record Entry(String version, String reason, Instant at, boolean held) {
        /** A version that failed its health gate. */
        public Entry(String version, String reason, Instant at) {
            this(version, reason, at, false);
        }

        /** {@code held back} or {@code quarantined}, as the operator's screens say it. */
        public String label() {
            return held ? "held back" : "quarantined";
        }
    }

    public boolean contains(String version) {
        return versions.stream().anyMatch(e -> e.version().equals(version));
    }

    /** The entry of {@code version}, if listed. */
    public Optional<Entry> entry(String version) {
        return versions.stream().filter(e -> e.version().equals(version)).findFirst();
    }

    /** This list without {@code version}, or empty when it is not listed. */
    public Optional<Quarantine> without(String version) {
        if (!contains(version)) {
            return Optional.empty();
        }
        return Optional.of(new Quarantine(versions.stream().filter(e -> !e.version().equals(version)).toList()));
    }

    /** This list with {@code version} held back by an operator, or empty when it is listed already or unknown. */
    public Optional<Quarantine> withHeld(String version, String reason, Instant at) {
        if (version == null || contains(version)) {
            return Optional.empty();
        }
        List<Entry> entries = new ArrayList<>(versions);
        entries.add(new Entry(version, reason, at, true));
        return Optional.of(new Quarantine(entries));
    }

    /** This list with {@code version} added, or empty when it is there already or unknown (null). */
    public Optional<Quarantine> with(String version, String reason, Instant at) {
        if (version == null || contains(version)) {
            return Optional.empty();
        }
        List<Entry> entries = new ArrayList<>(versions);
        entries.add(new Entry(version, reason, at));
        return Optional.of(new Quarantine(entries));
    }
}
