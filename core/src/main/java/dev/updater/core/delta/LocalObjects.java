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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The objects a client already has: the data of every entry of the zips it indexed (read in place,
 * nothing is copied) and the objects it fetched into a folder ({@code <folder>/<sha256>}).
 * {@link ZipRebuilder} checks every byte read from here against the object's name.
 */
public final class LocalObjects implements ObjectSource {
    private record Location(Path file, long offset) { }

    private final Map<Sha256, Location> known = new HashMap<>();
    private final Path fetched;

    /** @param fetched the folder of fetched objects, or null */
    public LocalObjects(List<IndexedZip> zips, Path fetched) {
        this.fetched = fetched;
        for (IndexedZip zip : zips) {
            List<ObjectRef> objects = zip.index().objects();
            for (int i = 0; i < objects.size(); i++) {
                known.putIfAbsent(objects.get(i).sha256(), new Location(zip.file(), zip.objectOffsets()[i]));
            }
        }
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
