package dev.updater.core.manifest;

import java.util.List;

/** What a release brings, as shown to operators before they apply it. */
public record Changelog(List<String> features, List<String> fixes) {
    public static final Changelog EMPTY = new Changelog(List.of(), List.of());

    public Changelog {
        features = List.copyOf(features);
        fixes = List.copyOf(fixes);
    }

    public boolean isEmpty() {
        return features.isEmpty() && fixes.isEmpty();
    }
}
