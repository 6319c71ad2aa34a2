package dev.updater.core.delta;

import java.nio.file.Path;
import java.util.Objects;

/**
 * A zip file on disk with its {@link EntryIndex} and where each object's bytes start in it
 * ({@code objectOffsets[i]} for {@code index.objects().get(i)}), so a client can read the objects it
 * already has straight from the installed artifact.
 */
public record IndexedZip(Path file, EntryIndex index, long[] objectOffsets) {
    public IndexedZip {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(index, "index");
        Objects.requireNonNull(objectOffsets, "objectOffsets");
    }
}
