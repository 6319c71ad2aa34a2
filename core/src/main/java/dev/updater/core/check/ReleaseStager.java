package dev.updater.core.check;

import dev.updater.core.ErrorCode;
import dev.updater.core.Sha256;
import dev.updater.core.UpdaterException;
import dev.updater.core.archive.ArchiveLimits;
import dev.updater.core.archive.ReleaseTree;
import dev.updater.core.archive.Unpacker;
import dev.updater.core.delta.DeltaDownload;
import dev.updater.core.download.Cancellation;
import dev.updater.core.download.DownloadListener;
import dev.updater.core.download.DownloadRequest;
import dev.updater.core.download.MirrorFailover;
import dev.updater.core.download.Downloader;
import dev.updater.core.download.VerifiedFile;
import dev.updater.core.home.AgentRecord;
import dev.updater.core.home.AtomicFiles;
import dev.updater.core.home.InstalledRelease;
import dev.updater.core.home.HomeCleanup;
import dev.updater.core.home.HistoryEvent;
import dev.updater.core.home.StagedRelease;
import dev.updater.core.home.UpdateHome;
import dev.updater.core.manifest.Artifact;
import dev.updater.core.manifest.Manifest;
import dev.updater.core.policy.Decision;
import dev.updater.core.text.HumanUnits;
import dev.updater.core.version.ReleaseVersion;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Stages a release the sidecar can install: download and verify into {@code downloads/}, move into
 * {@code releases/<version>/}, then write {@code staged.json} last, so its presence means complete.
 * Never touches the installed artifact. Used by the agent, and by an operator's {@code apply} when
 * the agent has not staged the release yet.
 */
public final class ReleaseStager {
    /** Indexing a base reads and hashes it whole; a few recent ones hold nearly every unchanged entry. */
    private static final int MAX_DELTA_BASES = 4;

    private final UpdateHome home;
    private final Downloader downloader;
    private final Clock clock;

    private final MirrorFailover mirrors;

    /** Tries an artifact's mirrors in one fixed order (an operator's {@code apply}). */
    public ReleaseStager(UpdateHome home, Downloader downloader, Clock clock) {
        this(home, downloader, clock, new MirrorFailover(""));
    }

    /** @param mirrors this host's mirror order and the mirror that worked last (DESIGN §11) */
    public ReleaseStager(UpdateHome home, Downloader downloader, Clock clock, MirrorFailover mirrors) {
        this.home = home;
        this.downloader = downloader;
        this.clock = clock;
        this.mirrors = mirrors;
    }

    /** Returns the staged record, reusing an identical staged release instead of downloading again. */
    public StagedRelease stage(Manifest manifest, String platformKey, Artifact artifact, URI manifestUri,
                               Decision.Install decision) throws UpdaterException {
        return stage(manifest, platformKey, artifact, manifestUri, decision, DownloadListener.NONE, Cancellation.none());
    }

    /**
     * As {@link #stage(Manifest, String, Artifact, URI, Decision.Install)}, reporting download progress;
     * a cancelled download keeps its part for the next attempt.
     */
    public StagedRelease stage(Manifest manifest, String platformKey, Artifact artifact, URI manifestUri,
                               Decision.Install decision, DownloadListener listener, Cancellation cancellation)
            throws UpdaterException {
        URI uri = artifact.resolve(manifestUri);
        String version = manifest.version().toString();
        String fileName = fileNameOf(uri);
        Path releaseDir = home.release(version);
        Path releaseFile = releaseDir.resolve(fileName);

        String note = "";
        Long deltaFetched = null;
        if (!alreadyThere(releaseFile, artifact)) {
            ensureDirectory(home.downloads());
            VerifiedFile file = null;
            if (artifact.index() != null) {
                try {
                    DeltaDownload.Outcome delta = new DeltaDownload(downloader).download(artifact, manifestUri,
                            localZips(), home.downloads(), version + "-" + fileName, home.indexChunks(), cancellation);
                    listener.deltaUsed(delta.bytesFetched(), artifact.size(), delta.objectsFetched(), delta.pieces());
                    note = "; delta: fetched " + HumanUnits.bytes(delta.bytesFetched()) + " of "
                            + HumanUnits.bytes(artifact.size());
                    file = delta.file();
                    deltaFetched = delta.bytesFetched();
                } catch (UpdaterException e) {
                    if (e.code() == ErrorCode.DOWNLOAD_CANCELLED) {
                        throw e;
                    }
                    listener.deltaRefused(e);
                    note = "; full download, the delta was not used: " + e.getMessage();
                }
            }
            if (file == null) {
                // One part file for every mirror: a download broken off at one resumes at the next
                // (If-Range sends the first mirror's validator, so a mirror with other validators starts over).
                file = mirrors.tryInOrder(artifact.candidates(manifestUri), "the download of " + version,
                        mirror -> downloader.download(new DownloadRequest(mirror, artifact.size(), artifact.sha256(),
                                home.downloads(), version + "-" + fileName), listener, cancellation));
            }
            ensureDirectory(home.releases());
            ensureDirectory(releaseDir);
            try {
                AtomicFiles.moveAtomically(file.path(), releaseFile);
            } catch (IOException e) {
                throw new UpdaterException(ErrorCode.IO, "Could not move the verified " + file.path() + " to "
                        + releaseFile + ": " + e + ".", e);
            }
        }

        String tree = null;
        Sha256 treeSha256 = null;
        if (artifact.isArchive()) {
            Unpacker.Unpacked unpacked = unpack(releaseFile, artifact);
            Path root = Unpacker.releaseRoot(unpacked.folder());
            tree = home.dir().relativize(root).toString();
            try {
                treeSha256 = ReleaseTree.hashOf(root); // what the sidecar checks its copy against
            } catch (IOException e) {
                throw new UpdaterException(ErrorCode.IO, "Could not read the unpacked " + root + ": " + e
                        + "; check the update home's permissions.", e);
            }
            note += "; unpacked " + unpacked.files() + " files (" + HumanUnits.size(unpacked.bytes()) + ")";
        }
        StagedRelease staged = new StagedRelease(manifest.version(), home.dir().relativize(releaseFile).toString(),
                artifact.size(), artifact.sha256(), platformKey, manifest.changelog().features(),
                manifest.changelog().fixes(), manifest.minVersion(), manifest.breakingChanges(),
                decision.needsApproval(), decision.needsApproval() ? decision.message() : null,
                manifestUri.toString(), manifest.releaseDate(), clock.instant(), artifact.format(), tree,
                artifact.config(), deltaFetched, treeSha256);
        Optional<StagedRelease> replaced = home.stagedRecord().read();
        home.stagedRecord().write(staged);
        replaced.filter(old -> !old.version().equals(manifest.version())).ifPresent(this::deleteRelease);
        home.history().append(new HistoryEvent(clock.instant(), HistoryEvent.Kind.STAGED, manifest.version(), null,
                (decision.needsApproval() ? "staged; waits for apply: " + decision.message() : "staged") + note));
        return staged;
    }

    /**
     * Unpacks the verified archive into {@code releases/<version>/<file>.d/}, afresh: a folder left by an
     * earlier attempt is not trusted, and only a whole unpack appears there (DESIGN §5 "Archives").
     */
    private static Unpacker.Unpacked unpack(Path archive, Artifact artifact) throws UpdaterException {
        Path tree = treeOf(archive);
        try {
            HomeCleanup.deleteTree(tree);
        } catch (IOException e) {
            throw new UpdaterException(ErrorCode.IO, "Could not remove " + tree + " left by an earlier attempt: " + e
                    + "; check the update home's permissions.", e);
        }
        return Unpacker.unpack(archive, artifact.format(), tree, ArchiveLimits.DEFAULT);
    }

    /** Where an archive release is unpacked: beside the archive, named after it, so the two never collide. */
    static Path treeOf(Path archive) {
        return archive.resolveSibling(archive.getFileName() + ".d");
    }

    /**
     * Removes a release that a newer staged one replaced, so that a host whose sidecar waits (manual
     * policy, approval) does not pile up every release it skipped. Only ever under {@code releases/},
     * and never while a swap the sidecar journaled but has not finished may still read it.
     */
    private void deleteRelease(StagedRelease old) {
        try {
            new HomeCleanup(home).deleteRelease(old.version());
        } catch (UpdaterException e) {
            // left for the next clean-up; it is not in the way
        }
    }

    /**
     * The zips a delta can build on: what the host runs (agent.json, installed.json) and the kept
     * releases and backups. Every byte taken from them is checked against its hash, so a file that
     * changed or lies costs only the delta, never correctness.
     */
    private List<Path> localZips() {
        Set<Path> zips = new LinkedHashSet<>();
        home.agentRecord().readQuietly().map(AgentRecord::target).filter(Objects::nonNull)
                .ifPresent(target -> zips.add(Path.of(target)));
        home.installedRecord().readQuietly().map(InstalledRelease::target).filter(Objects::nonNull)
                .ifPresent(target -> zips.add(Path.of(target)));
        for (Path folder : List.of(home.releases(), home.backups())) {
            try (Stream<Path> versions = Files.list(folder)) {
                for (Path version : versions.sorted(Comparator.reverseOrder()).toList()) {
                    try (Stream<Path> files = Files.list(version)) {
                        files.filter(file -> Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)).forEach(zips::add);
                    }
                }
            } catch (IOException | java.io.UncheckedIOException e) {
                // no kept releases or backups: the installed artifact alone may do
            }
        }
        return zips.stream().limit(MAX_DELTA_BASES).toList();
    }

    /** True when the staged record already names this exact artifact and the file is intact. */
    public boolean isStaged(ReleaseVersion version, Artifact artifact) throws UpdaterException {
        Optional<StagedRelease> staged = home.stagedRecord().read();
        if (staged.isEmpty() || !staged.get().version().equals(version)
                || !staged.get().sha256().equals(artifact.sha256())) {
            return false;
        }
        Path file;
        try {
            file = home.resolveInside(staged.get().file(), home.releases());
        } catch (IllegalArgumentException e) {
            return false; // a record naming a file outside releases/ stages nothing: stage it again
        }
        try {
            return Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS) && Files.size(file) == artifact.size()
                    && (!artifact.isArchive() || (staged.get().tree() != null
                    && Files.isDirectory(home.resolveInside(staged.get().tree(), home.releases()), LinkOption.NOFOLLOW_LINKS)));
        } catch (IOException | IllegalArgumentException e) {
            return false;
        }
    }

    private static boolean alreadyThere(Path file, Artifact artifact) {
        try {
            return Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS) && Files.size(file) == artifact.size()
                    && Sha256.ofFile(file).equals(artifact.sha256());
        } catch (IOException e) {
            return false;
        }
    }

    private static void ensureDirectory(Path dir) throws UpdaterException {
        try {
            dev.updater.core.home.HomeFiles.createPrivateDirectories(dir);
        } catch (IOException e) {
            throw new UpdaterException(ErrorCode.HOME_UNUSABLE, "Could not create " + dir + ": " + e
                    + "; check the update home's permissions and free space.", e);
        }
    }

    /** The artifact's own file name, reduced to safe characters: it becomes a path in the home. */
    static String fileNameOf(URI uri) {
        String path = uri.getPath() == null ? "" : uri.getPath();
        String name = path.substring(path.lastIndexOf('/') + 1).replaceAll("[^A-Za-z0-9._-]", "_");
        if (name.isEmpty() || name.equals(".") || name.equals("..")) {
            return "artifact";
        }
        return name;
    }
}
