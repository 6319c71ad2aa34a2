package dev.updater.sidecar.channel;

import dev.updater.core.ErrorCode;
import dev.updater.core.Sha256;
import dev.updater.core.UpdaterException;
import dev.updater.core.delta.FileChunkIndex;
import dev.updater.core.manifest.Artifact;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Publishes an artifact that is not a zip (a native binary, a tarball) for delta downloads (DESIGN
 * §12): its {@link FileChunkIndex} beside it ({@code <artifact>.index}) and each content-defined chunk
 * under the channel's {@code objects/<sha256>}, shared by every version, so a release adds only the
 * chunks that changed. Before the index is named in the manifest, it is read back and the artifact
 * rebuilt from the channel's chunks alone, as a client with nothing would.
 */
final class FileChunkPublisher {
    private FileChunkPublisher() {
    }

    /** The published index, or null for a file too small to gain from a delta (published whole, as before). */
    static Artifact.IndexRef publish(Path artifact, Path channel, String indexRelative, String urlBase)
            throws UpdaterException {
        try {
            if (Files.size(artifact) < FileChunkIndex.MIN_FILE_SIZE) {
                return null;
            }
            Path objects = channel.resolve(EntryIndexPublisher.OBJECTS);
            ChannelFiles.createFoldersInside(channel, objects);
            FileChunkIndex index;
            try (ObjectBatch batch = new ObjectBatch(objects)) {
                index = FileChunkIndex.of(artifact, (ref, buffer, from, to, offset) -> {
                    if (batch.lacks(ref.sha256().hex())) { // content-addressed: an existing one is this chunk
                        batch.add(ref.sha256().hex(), Arrays.copyOfRange(buffer, from, to));
                    }
                });
            }
            byte[] top = index.toBytes();
            ChannelFiles.write(channel.resolve(indexRelative), top);
            checkRebuilds(top, objects, artifact);
            return new Artifact.IndexRef(urlBase + indexRelative, Sha256.ofBytes(top), top.length,
                    urlBase + EntryIndexPublisher.OBJECTS);
        } catch (IOException e) {
            throw new UpdaterException(ErrorCode.IO, "Nothing was published: could not write the chunk index of "
                    + artifact + " or its chunks into " + channel + ": " + e
                    + "; check that the --out directory is writable and has free space.", e);
        }
    }

    /** Reads the index back and rebuilds the artifact from the channel's chunks only. */
    private static void checkRebuilds(byte[] top, Path objects, Path artifact) throws IOException, UpdaterException {
        Path check = Files.createTempFile("updater-index-check-", ".bin");
        Files.delete(check);
        try {
            FileChunkIndex.read(top, Files.size(artifact), Sha256.ofFile(artifact)).rebuild(
                    ref -> Files.newInputStream(objects.resolve(ref.sha256().hex()), LinkOption.NOFOLLOW_LINKS), check);
        } catch (UpdaterException e) {
            throw new UpdaterException(ErrorCode.DELTA_REBUILD_FAILED, "Nothing was published: the chunk index of "
                    + artifact + " does not rebuild it exactly (" + e.getMessage() + "); report this as a bug.", e);
        } finally {
            Files.deleteIfExists(check);
        }
    }
}
