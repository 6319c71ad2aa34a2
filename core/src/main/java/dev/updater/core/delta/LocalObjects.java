package dev.updater.core.delta;

import dev.updater.core.Sha256;

import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The objects a client already has: the data of every entry of the zips it indexed (read in place,
 * nothing is copied) and the objects it fetched into a folder ({@code <folder>/<sha256>}).
 * {@link ZipRebuilder} checks every byte read from here against the object's name.
 */
public final class LocalObjects implements ObjectSource {
    private record Location(Path file, long offset) { }

    /**
     * What one more GET costs beside its body (request and response headers, about half a KiB): a nested
     * jar with thousands of small changed entries is cheaper fetched whole than in thousands of requests.
     */
    static final long REQUEST_COST = 512;

    private final Map<Sha256, Location> known = new HashMap<>();
    private final Path fetched;

    /** @param fetched the folder of fetched objects, or null */
    public LocalObjects(List<IndexedZip> zips, Path fetched) {
        this.fetched = fetched;
        for (IndexedZip zip : zips) {
            zip.forEachObject((ref, offset) -> known.putIfAbsent(ref.sha256(), new Location(zip.file(), offset)));
        }
    }

    /**
     * What a client fetches for {@code index}: the objects it lacks, in file order, except that a nested
     * zip it lacks is rebuilt from its entries ({@code rebuild}) when the entries it lacks of it weigh less
     * than the nested zip itself, counting {@link #REQUEST_COST} for each: a nested jar that changed in
     * one class costs that class.
     */
    public record Plan(List<ObjectRef> fetch, List<EntryIndex.Nested> rebuild) {
        public Plan {
            fetch = List.copyOf(fetch);
            rebuild = List.copyOf(rebuild);
        }
    }

    public Plan plan(EntryIndex index) {
        Map<Integer, EntryIndex.Nested> nestedAt = new HashMap<>();
        index.nested().forEach(nested -> nestedAt.put(nested.entry(), nested));
        Map<Sha256, ObjectRef> fetch = new LinkedHashMap<>();
        Set<Sha256> rebuilt = new HashSet<>();
        List<EntryIndex.Nested> rebuild = new ArrayList<>();
        if (index.prefix() != null && !known.containsKey(index.prefix().sha256())) {
            fetch.put(index.prefix().sha256(), index.prefix());
        }
        for (int i = 0; i < index.entries().size(); i++) {
            ObjectRef ref = index.entries().get(i).data();
            if (known.containsKey(ref.sha256()) || fetch.containsKey(ref.sha256()) || rebuilt.contains(ref.sha256())) {
                continue;
            }
            EntryIndex.Nested nested = nestedAt.get(i);
            List<ObjectRef> inner = nested == null ? List.of() : missing(nested.index()).stream()
                    .filter(object -> !fetch.containsKey(object.sha256())).toList();
            if (nested != null && inner.stream().mapToLong(object -> object.size() + REQUEST_COST).sum() < ref.size()) {
                inner.forEach(object -> fetch.put(object.sha256(), object));
                rebuilt.add(ref.sha256());
                rebuild.add(nested);
            } else {
                fetch.put(ref.sha256(), ref);
            }
        }
        return new Plan(new ArrayList<>(fetch.values()), rebuild);
    }

    /** The distinct objects of {@code index} that are neither in an indexed zip nor fetched yet, in file order. */
    public List<ObjectRef> missing(EntryIndex index) {
        Map<Sha256, ObjectRef> missing = new LinkedHashMap<>();
        for (ObjectRef ref : index.objects()) {
            if (!known.containsKey(ref.sha256())) {
                missing.putIfAbsent(ref.sha256(), ref);
            }
        }
        return new ArrayList<>(missing.values());
    }

    @Override
    public InputStream open(ObjectRef ref) throws IOException {
        Location location = known.get(ref.sha256());
        if (location == null) {
            if (fetched == null) {
                throw new NoSuchFileException(ref.path(), null, "neither in the installed artifact nor fetched");
            }
            return Channels.newInputStream(FileChannel.open(fetched.resolve(ref.sha256().hex()),
                    StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS));
        }
        FileChannel channel = FileChannel.open(location.file(), StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS);
        channel.position(location.offset());
        return Channels.newInputStream(channel);
    }
}
