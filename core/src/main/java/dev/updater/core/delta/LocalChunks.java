package dev.updater.core.delta;

import dev.updater.core.Sha256;

import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
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
 * The chunks of a {@link FileChunkIndex} a client already has: every chunk of the files it holds (the
 * installed artifact, kept releases), cut as {@code publish} cuts them and read in place, and the
 * chunks it fetched into a folder. {@link FileChunkIndex#rebuild} checks every chunk read from here
 * against its name, so a base that changed since it was cut costs the delta, never correctness.
 */
final class LocalChunks implements ObjectSource {
    private record Location(Path file, long offset) { }

    private final Map<Sha256, Location> known = new HashMap<>();
    private final Path fetched;

    /** @param fetched the folder of fetched chunks */
    LocalChunks(List<Path> bases, Path fetched) {
        this.fetched = fetched;
        for (Path base : bases) {
            try {
                if (Files.isRegularFile(base, LinkOption.NOFOLLOW_LINKS)) {
                    FileChunkIndex.of(base, (ref, buffer, from, to, offset) ->
                            known.putIfAbsent(ref.sha256(), new Location(base, offset)));
                }
            } catch (IOException e) {
                // unreadable: it contributes nothing, the others still may
            }
        }
    }

    /** The distinct chunks of {@code index} that no base holds, in file order. */
    List<ObjectRef> missing(FileChunkIndex index) {
        Map<Sha256, ObjectRef> missing = new LinkedHashMap<>();
        for (ObjectRef ref : index.chunks()) {
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
            Path file = fetched.resolve(ref.sha256().hex());
            if (!Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
                throw new NoSuchFileException(ref.path(), null, "neither in a file this host has nor fetched");
            }
            return Channels.newInputStream(FileChannel.open(file, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS));
        }
        FileChannel channel = FileChannel.open(location.file(), StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS);
        channel.position(location.offset());
        return Channels.newInputStream(channel);
    }
}
