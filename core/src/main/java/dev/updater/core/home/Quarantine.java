package dev.updater.core.home;

import java.time.Instant;
import java.util.List;

/** {@code quarantine.json}: versions that failed their health gate here and are never installed again automatically. */
public record Quarantine(List<Entry> versions) {
    public Quarantine {
        versions = versions == null ? List.of() : List.copyOf(versions);
    }

    public record Entry(String version, String reason, Instant at) {
    }

    public boolean contains(String version) {
        return versions.stream().anyMatch(e -> e.version().equals(version));
    }
}
