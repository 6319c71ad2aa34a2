package dev.updater.core.delta;

import dev.updater.core.Sha256;
import dev.updater.core.home.HomeFiles;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The index chunks a client has without fetching them: those it kept from the last index it used
 * (a folder of the home, {@code <sha256>} files), and those it computes from the zips it indexed
 * (their own index, written as a publisher would; equal whenever both sides' zlib compresses alike),
 * then the ones it fetched. A kept file is used only if its bytes hash to its name (an altered one is
 * fetched again), and {@link ChunkedIndex#assemble} checks every chunk against its name, whatever
 * its source.
 */
final class KeptIndexChunks implements ChunkedIndex.ChunkSource {
    private final Path kept;
    private final Path fetched;
    private final Map<Sha256, byte[]> computed = new HashMap<>();
    private final Set<Sha256> keptIntact = new HashSet<>();

    /**
     * @param kept    the folder of chunks kept from the last index, or null
     * @param fetched the folder chunks are fetched into
     */
    KeptIndexChunks(Path kept, Path fetched) {
        this.kept = kept;
        this.fetched = fetched;
    }

    /** The distinct chunks of {@code index} neither kept nor computable from {@code have}, in body order. */
    List<ObjectRef> missing(ChunkedIndex index, List<IndexedZip> have) {
        List<ObjectRef> missing = lacking(index);
        Set<Sha256> done = new HashSet<>();
        for (int i = 0; i < have.size() && !missing.isEmpty(); i++) {
            if (!done.add(have.get(i).index().archiveSha256())) {
                continue; // the same jar in two places (running, kept): its chunks are computed once
            }
            ChunkedIndex.Written own = ChunkedIndex.write(have.get(i).index());
            Set<Sha256> wanted = new HashSet<>();
            missing.forEach(ref -> wanted.add(ref.sha256()));
            for (int c = 0; c < own.storedChunks().size(); c++) {
                Sha256 name = own.index().chunks().get(c).object().sha256();
                if (wanted.contains(name)) {
                    computed.put(name, own.storedChunks().get(c));
                }
            }
            missing = lacking(index);
        }
        return missing;
    }

    private List<ObjectRef> lacking(ChunkedIndex index) {
        Map<Sha256, ObjectRef> lacking = new java.util.LinkedHashMap<>();
        for (ChunkedIndex.Chunk chunk : index.chunks()) {
            ObjectRef ref = chunk.object();
            if (!computed.containsKey(ref.sha256()) && !isKept(ref)) { // kept ones are read once, into computed
                lacking.putIfAbsent(ref.sha256(), ref);
            }
        }
        return new ArrayList<>(lacking.values());
    }

    /** Whether the kept folder holds {@code ref} with the right bytes; an altered or cut file counts as absent. */
    private boolean isKept(ObjectRef ref) {
        if (kept == null) {
            return false;
        }
        try {
            byte[] bytes = read(kept.resolve(ref.sha256().hex()), ref.size());
            if (bytes != null && bytes.length == ref.size() && Sha256.ofBytes(bytes).equals(ref.sha256())) {
                computed.put(ref.sha256(), bytes);
                keptIntact.add(ref.sha256());
                return true;
            }
            return false;
        } catch (IOException e) {
            return false;
        }
    }

    @Override
    public byte[] stored(ObjectRef chunk) throws IOException {
        byte[] bytes = computed.get(chunk.sha256());
        return bytes != null ? bytes : read(fetched.resolve(chunk.sha256().hex()), chunk.size());
    }

    /** At most {@code size + 1} bytes of {@code file} (a longer file is then refused by its hash), or null if absent. */
    private static byte[] read(Path file, long size) throws IOException {
        try (InputStream in = Files.newInputStream(file, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)) {
            return in.readNBytes((int) Math.min(size + 1, Integer.MAX_VALUE));
        } catch (NoSuchFileException e) {
            return null;
        }
    }

    /**
     * Keeps exactly the chunks of {@code index} (just assembled and verified) for the next update, and
     * removes the others, so the folder stays the size of one index. Best effort: a chunk not kept is
     * computed or fetched next time.
     */
    void keep(ChunkedIndex index) {
        if (kept == null) {
            return;
        }
        try {
            HomeFiles.createPrivateDirectories(kept); // a folder of the home: never writable by others
            Set<String> names = new HashSet<>();
            for (ChunkedIndex.Chunk chunk : index.chunks()) {
                ObjectRef ref = chunk.object();
                names.add(ref.sha256().hex());
                if (!keptIntact.contains(ref.sha256())) {
                    byte[] bytes = stored(ref);
                    if (bytes != null && bytes.length == ref.size() && Sha256.ofBytes(bytes).equals(ref.sha256())) {
                        Path part = kept.resolve(ref.sha256().hex() + ".part");
                        Files.write(part, bytes);
                        Files.move(part, kept.resolve(ref.sha256().hex()), StandardCopyOption.REPLACE_EXISTING,
                                StandardCopyOption.ATOMIC_MOVE);
                    }
                }
            }
            try (DirectoryStream<Path> files = Files.newDirectoryStream(kept)) {
                for (Path file : files) {
                    if (!names.contains(file.getFileName().toString())) {
                        Files.deleteIfExists(file);
                    }
                }
            }
        } catch (IOException e) {
            // keeping is an optimisation: the next delta computes or fetches what is not here
        }
    }
}
