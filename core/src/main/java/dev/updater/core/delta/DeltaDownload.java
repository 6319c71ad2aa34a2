package dev.updater.core.delta;

import dev.updater.core.ErrorCode;
import dev.updater.core.UpdaterException;
import dev.updater.core.download.Cancellation;
import dev.updater.core.download.DownloadListener;
import dev.updater.core.download.DownloadRequest;
import dev.updater.core.download.Downloader;
import dev.updater.core.download.VerifiedFile;
import dev.updater.core.home.HomeCleanup;
import dev.updater.core.home.HomeFiles;
import dev.updater.core.manifest.Artifact;
import dev.updater.core.text.HumanUnits;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The client side of DESIGN §12, step by step: fetch the new index (its SHA-256 is in the signed
 * manifest), index the files this host already has (the zips' entries, or for an artifact that is not a
 * zip the whole files' content-defined chunks, as the index's magic says), fetch only the objects none of them holds
 * (plain GETs, each verified by the downloader against its name), rebuild the artifact and check it
 * against the manifest's size and SHA-256. Any failure is an {@link UpdaterException}; the caller
 * then downloads the full artifact. Work files live in a folder of {@code downloads/} and are
 * removed either way.
 */
public final class DeltaDownload {
    /** Past this many objects, one download of the whole artifact costs less than the round trips. */
    static final int MAX_OBJECTS_TO_FETCH = 10_000;

    /** What a delta download cost. */
    public record Outcome(VerifiedFile file, long bytesFetched, int objectsFetched, DownloadListener.DeltaPieces pieces) {
    }

    private final Downloader downloader;

    public DeltaDownload(Downloader downloader) {
        this.downloader = downloader;
    }

    /**
     * Builds {@code directory/fileName} from {@code bases} and the channel.
     *
     * @param bases      files this host holds (the installed artifact, kept releases); those that cannot be
     *                   read, or are not zips for a zip's index, are skipped
     * @param keptChunks the folder that keeps the chunks of the last version 2 index used, for the next
     *                   one (emptied of all others after a rebuild that worked), or null
     * @throws UpdaterException any reason not to use the delta; {@code DOWNLOAD_CANCELLED} when cancelled
     */
    public Outcome download(Artifact artifact, URI manifestUri, List<Path> bases, Path directory, String fileName,
                            Path keptChunks, Cancellation cancellation) throws UpdaterException {
        Artifact.IndexRef ref = artifact.index();
        if (ref == null) {
            throw new UpdaterException(ErrorCode.DELTA_INDEX_INVALID, "The manifest names no entry index for "
                    + artifact.url() + ".");
        }
        if (bases.stream().noneMatch(base -> Files.isRegularFile(base, LinkOption.NOFOLLOW_LINKS))) {
            throw new UpdaterException(ErrorCode.DELTA_REBUILD_FAILED, "No installed or kept release to build on.");
        }
        Path work = directory.resolve(fileName + ".delta");
        try {
            HomeCleanup.deleteTree(work);
            HomeFiles.createPrivateDirectories(work); // in the home: a folder left by a crash must not be writable by others
            byte[] top = fetchTop(ref, manifestUri, work, cancellation);
            Path target = directory.resolve(fileName);
            // The index's magic says its kind (DESIGN §12); the artifact's bytes are never sniffed.
            if (FileChunkIndex.isFileChunkIndex(top)) {
                return fromChunks(FileChunkIndex.read(top, artifact.size(), artifact.sha256()), artifact, ref,
                        manifestUri, bases, work, target, cancellation);
            }
            List<IndexedZip> have = indexBases(bases);
            if (have.isEmpty()) {
                throw new UpdaterException(ErrorCode.DELTA_REBUILD_FAILED, "No installed or kept zip to build on.");
            }
            KeptIndexChunks chunks = new KeptIndexChunks(keptChunks, work.resolve("chunks"));
            ChunkedIndex chunked = null;
            long indexBytes = ref.size();
            EntryIndex index;
            if (ChunkedIndex.isChunked(top)) {
                chunked = ChunkedIndex.read(top, artifact.size(), artifact.sha256());
                List<ObjectRef> lacking = chunks.missing(chunked, have);
                indexBytes += checkBudget(artifact, indexBytes, lacking);
                fetch(lacking, ref, manifestUri, work.resolve("chunks"), cancellation);
                index = chunked.assemble(chunks);
            } else {
                index = IndexCodec.read(top, artifact.size(), artifact.sha256());
            }
            LocalObjects local = new LocalObjects(have, work.resolve("objects"));
            LocalObjects.Plan plan = local.plan(index);
            List<ObjectRef> missing = plan.fetch();
            long deltaBytes = indexBytes + checkBudget(artifact, indexBytes, missing);
            fetch(missing, ref, manifestUri, work.resolve("objects"), cancellation);
            for (EntryIndex.Nested nested : plan.rebuild()) {
                rebuildNested(index.entries().get(nested.entry()), nested, local, work.resolve("objects"));
            }
            Files.deleteIfExists(target);
            ZipRebuilder.rebuild(index, local, target, artifact.sha256(), artifact.size());
            if (chunked != null) {
                chunks.keep(chunked);
            }
            return new Outcome(new VerifiedFile(target, artifact.size(), artifact.sha256()), deltaBytes, missing.size(),
                    DownloadListener.DeltaPieces.ENTRIES);
        } catch (IOException e) {
            throw new UpdaterException(ErrorCode.IO, "Could not use " + work + " for a delta download: " + e + ".", e);
        } finally {
            HomeCleanup.deleteTreeQuietly(work); // a later delta into the same folder starts by deleting it again
        }
    }

    /**
     * A file that is not a zip: cut the files this host has as {@code publish} cut the new one, fetch
     * the chunks none of them holds, write the chunks in order and check the result.
     */
    private Outcome fromChunks(FileChunkIndex index, Artifact artifact, Artifact.IndexRef ref, URI manifestUri,
                               List<Path> bases, Path work, Path target, Cancellation cancellation)
            throws UpdaterException, IOException {
        LocalChunks local = new LocalChunks(bases, work.resolve("objects"));
        List<ObjectRef> missing = local.missing(index);
        long deltaBytes = ref.size() + checkBudget(artifact, ref.size(), missing);
        fetch(missing, ref, manifestUri, work.resolve("objects"), cancellation);
        Files.deleteIfExists(target);
        index.rebuild(local, target);
        return new Outcome(new VerifiedFile(target, artifact.size(), artifact.sha256()), deltaBytes, missing.size(),
                DownloadListener.DeltaPieces.CHUNKS);
    }

    /**
     * Rebuilds a nested jar from its entries where a fetched one would land, checked against its name (the
     * SHA-256 the signed index gives): a nested index that lies makes the whole delta fail.
     */
    private static void rebuildNested(EntryIndex.Entry entry, EntryIndex.Nested nested, LocalObjects local,
                                      Path objects) throws UpdaterException {
        ObjectRef jar = entry.data();
        try {
            ZipRebuilder.rebuild(nested.index(), local, objects.resolve(jar.sha256().hex()), jar.sha256(), jar.size());
        } catch (UpdaterException e) {
            byte[] header = entry.localHeader();
            String name = new String(header, 30, HeaderFields.u16(header, 26), java.nio.charset.StandardCharsets.UTF_8);
            throw new UpdaterException(ErrorCode.DELTA_REBUILD_FAILED, "The nested jar " + name
                    + " rebuilt from its entries is not the one the index names: " + e.getMessage(), e);
        }
    }

    /** The bytes of the objects (or index chunks) to fetch, unless the delta would cost more than it saves. */
    private static long checkBudget(Artifact artifact, long alreadyCounted, List<ObjectRef> toFetch)
            throws UpdaterException {
        long bytes = toFetch.stream().mapToLong(ObjectRef::size).sum();
        long deltaBytes = alreadyCounted + bytes;
        if (toFetch.size() > MAX_OBJECTS_TO_FETCH || deltaBytes > artifact.size() / 2) {
            throw new UpdaterException(ErrorCode.DELTA_REBUILD_FAILED, "The delta would be "
                    + HumanUnits.bytes(deltaBytes) + " in " + toFetch.size() + " objects, more than half the "
                    + HumanUnits.bytes(artifact.size()) + " artifact or more than " + MAX_OBJECTS_TO_FETCH + " objects.");
        }
        return bytes;
    }

    /** Fetches each object into {@code folder}; the downloader bounds it to its size and checks its SHA-256 (its name). */
    private void fetch(List<ObjectRef> objects, Artifact.IndexRef ref, URI manifestUri, Path folder,
                       Cancellation cancellation) throws UpdaterException, IOException {
        HomeFiles.createPrivateDirectories(folder);
        for (ObjectRef object : objects) {
            downloader.download(new DownloadRequest(ref.object(manifestUri, object.sha256()), object.size(),
                    object.sha256(), folder, object.sha256().hex()), DownloadListener.NONE, cancellation);
        }
    }

    private byte[] fetchTop(Artifact.IndexRef ref, URI manifestUri, Path work, Cancellation cancellation)
            throws UpdaterException, IOException {
        if (ref.size() > IndexCodec.MAX_INFLATED) {
            throw new UpdaterException(ErrorCode.DELTA_INDEX_INVALID, "The entry index is "
                    + HumanUnits.bytes(ref.size()) + ", more than the " + HumanUnits.bytes(IndexCodec.MAX_INFLATED)
                    + " a client reads.");
        }
        VerifiedFile file = downloader.download(new DownloadRequest(ref.resolve(manifestUri), ref.size(), ref.sha256(),
                work, "index"), DownloadListener.NONE, cancellation);
        return Files.readAllBytes(file.path());
    }

    private static List<IndexedZip> indexBases(List<Path> bases) {
        List<IndexedZip> have = new ArrayList<>();
        for (Path base : bases) {
            try {
                if (Files.isRegularFile(base, LinkOption.NOFOLLOW_LINKS)) {
                    have.add(ZipIndexer.index(base));
                }
            } catch (UpdaterException e) {
                // not a zip, or unreadable: it contributes nothing, the others still may
            }
        }
        return have;
    }
}
