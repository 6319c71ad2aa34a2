package dev.updater.sidecar.channel;

import dev.updater.core.ErrorCode;
import dev.updater.core.Sha256;
import dev.updater.core.UpdaterException;
import dev.updater.core.delta.ChunkedIndex;
import dev.updater.core.delta.EntryIndex;
import dev.updater.core.delta.IndexedZip;
import dev.updater.core.delta.LocalObjects;
import dev.updater.core.delta.ObjectRef;
import dev.updater.core.delta.ZipIndexer;
import dev.updater.core.delta.ZipRebuilder;
import dev.updater.core.manifest.Artifact;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;

/**
 * Publishes a zip-format artifact for delta downloads (DESIGN §12): its entry index beside it
 * ({@code <artifact>.index}, the small top-level file of a {@link ChunkedIndex}), and under the
 * channel's {@code objects/<sha256>} each entry's data and each chunk of the index, shared by every
 * version, so a release adds only the objects and index chunks that changed. Before the index is
 * named in the manifest, it is read back from the channel's files and the artifact rebuilt from the
 * channel's objects, as a client with nothing would: an index that would not give the exact bytes
 * is never published.
 */
final class EntryIndexPublisher {
    static final String OBJECTS = "objects/";
    private static final long MAX_OBJECT = 1L << 30;

    private EntryIndexPublisher() {
    }

    /**
     * The published index: an entry index for a zip, else a chunk index of the whole file
     * ({@link FileChunkPublisher}); null when neither applies (published whole, as before).
     */
    static Artifact.IndexRef publish(Path artifact, Path channel, String indexRelative, String urlBase)
            throws UpdaterException {
        IndexedZip zip;
        try {
            zip = ZipIndexer.index(artifact);
        } catch (UpdaterException e) {
            if (e.code() == ErrorCode.ZIP_UNINDEXABLE) {
                return FileChunkPublisher.publish(artifact, channel, indexRelative, urlBase);
            }
            throw e;
        }
        // An object is written from memory; an entry this large gains nothing from a delta anyway.
        if (zip.index().objects().stream().anyMatch(ref -> ref.size() > MAX_OBJECT)) {
            return null;
        }
        try {
            Path objects = channel.resolve(OBJECTS);
            ChannelFiles.createFoldersInside(channel, objects);
            // Nested jars (Spring Boot's BOOT-INF/lib) are stored whole, for version 2 clients and for a
            // client that lacks most of one, and as their entries, for a client that has most of them.
            LocalObjects source = new LocalObjects(List.of(zip), null);
            ChunkedIndex.Written written = ChunkedIndex.write(zip.index());
            try (ObjectBatch batch = new ObjectBatch(objects)) {
                for (ObjectRef ref : zip.index().allObjects()) {
                    // Content-addressed: an existing object is this object (checked by every client anyway).
                    if (batch.lacks(ref.sha256().hex())) {
                        try (InputStream in = source.open(ref)) {
                            batch.add(ref.sha256().hex(), in.readNBytes(Math.toIntExact(ref.size())));
                        }
                    }
                }
                for (int i = 0; i < written.storedChunks().size(); i++) {
                    String name = written.index().chunks().get(i).object().sha256().hex();
                    if (batch.lacks(name)) {
                        batch.add(name, written.storedChunks().get(i));
                    }
                }
            }
            byte[] index = written.top();
            Path indexFile = channel.resolve(indexRelative);
            ChannelFiles.write(indexFile, index);
            checkRebuilds(index, objects, artifact);
            return new Artifact.IndexRef(urlBase + indexRelative, Sha256.ofBytes(index), index.length, urlBase + OBJECTS);
        } catch (IOException e) {
            throw new UpdaterException(ErrorCode.IO, "Nothing was published: could not write the entry index of "
                    + artifact + " or its objects into " + channel + ": " + e
                    + "; check that the --out directory is writable and has free space.", e);
        }
    }

    /** Reads the index back and rebuilds the artifact from the channel's objects only, as a client with nothing would. */
    private static void checkRebuilds(byte[] top, Path objects, Path artifact) throws IOException, UpdaterException {
        Path check = Files.createTempFile("updater-index-check-", ".zip");
        Files.delete(check);
        try {
            long size = Files.size(artifact);
            Sha256 sha = Sha256.ofFile(artifact);
            EntryIndex index = ChunkedIndex.read(top, size, sha).assemble(chunk -> {
                Path file = objects.resolve(chunk.sha256().hex());
                return Files.exists(file, LinkOption.NOFOLLOW_LINKS) ? Files.readAllBytes(file) : null;
            });
            ZipRebuilder.rebuild(index, new LocalObjects(List.of(), objects), check, sha, size);
            for (EntryIndex.Nested nested : index.nested()) {
                // Each nested jar from its entries alone, as a client that rebuilds it would.
                Files.delete(check);
                ObjectRef jar = index.entries().get(nested.entry()).data();
                ZipRebuilder.rebuild(nested.index(), new LocalObjects(List.of(), objects), check, jar.sha256(), jar.size());
            }
        } catch (UpdaterException e) {
            throw new UpdaterException(ErrorCode.DELTA_REBUILD_FAILED, "Nothing was published: the entry index of "
                    + artifact + " does not rebuild it exactly (" + e.getMessage() + "); report this as a bug.", e);
        } finally {
            Files.deleteIfExists(check);
        }
    }
}
