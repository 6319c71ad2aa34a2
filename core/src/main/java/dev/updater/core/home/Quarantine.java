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

    public record Entry(String version, String reason, Instant at) {
    }

    public boolean contains(String version) {
        return versions.stream().anyMatch(e -> e.version().equals(version));
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
