package dev.updater.core.delta;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * A zip file on disk with its {@link EntryIndex} and where each object's bytes start in it
 * ({@code objectOffsets[i]} for {@code index.objects().get(i)}), so a client can read the objects it
 * already has straight from the installed artifact; {@code nestedOffsets.get(n)[i]} is where object
 * {@code i} of nested zip {@code n} ({@code index.nested().get(n)}) starts in the same file.
 */
public record IndexedZip(Path file, EntryIndex index, long[] objectOffsets, List<long[]> nestedOffsets) {
    public IndexedZip {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(index, "index");
        Objects.requireNonNull(objectOffsets, "objectOffsets");
        nestedOffsets = List.copyOf(nestedOffsets);
        if (nestedOffsets.size() != index.nested().size()) {
            throw new IllegalArgumentException("Offsets for " + nestedOffsets.size() + " nested zips, the index has "
                    + index.nested().size());
        }
    }

    /** The location of every object of {@code index} and of its nested zips' entries, with the file's offsets. */
    void forEachObject(java.util.function.ObjLongConsumer<ObjectRef> action) {
        List<ObjectRef> objects = index.objects();
        for (int i = 0; i < objects.size(); i++) {
            action.accept(objects.get(i), objectOffsets[i]);
        }
        for (int n = 0; n < nestedOffsets.size(); n++) {
            List<ObjectRef> inner = index.nested().get(n).index().objects();
            for (int i = 0; i < inner.size(); i++) {
                action.accept(inner.get(i), nestedOffsets.get(n)[i]);
            }
        }
    }
}
