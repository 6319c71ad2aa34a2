package dev.updater.sidecar.swap;

import dev.updater.core.ErrorCode;
import dev.updater.core.Sha256;
import dev.updater.core.UpdaterException;
import dev.updater.core.home.Backup;
import dev.updater.core.home.HomeCleanup;
import dev.updater.core.home.Quarantine;
import dev.updater.core.home.SwapJournal;
import dev.updater.core.home.UpdateHome;
import dev.updater.core.version.ReleaseVersion;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The swap steps of an archive release (DESIGN §5 "Archives"), for a journal that
 * {@link SwapJournal#swapsLink() swaps the link}: the release folder is the artifact, the link
 * {@code APP/current} is the target, and where it points is what every decision reads, as the target's
 * hash is for a single file.
 *
 * <p>The archive layout is recognised from the target the host runs ({@code --target} or its
 * {@code -jar} path): the nearest folder on that path named {@code current} that is a symbolic link
 * whose text is exactly {@code releases/<name>}, with {@code APP} its parent; or, where no link can be made,
 * a {@code current} that does not exist beside an {@code APP/current.json} naming {@code releases/<name>}
 * ({@link CurrentRecord}): every decision below then reads the record where it reads the link. The path is read as
 * written, never resolved, because resolving it would step through the very link being looked for.
 */
public final class ReleaseLink {
    private ReleaseLink() {
    }

    /**
     * The release folder the host runs from, {@code APP/releases/<v>}, when {@code target} lies under
     * {@code APP/current -> releases/<v>}; empty for a single-file target. For {@code status}.
     */
    public static Optional<Path> releaseFolderOf(Path target) {
        return appOf(target).flatMap(app -> Optional.ofNullable(currentOf(app))
                .map(name -> app.resolve(ReleaseFolders.RELEASES).resolve(name)));
    }

    /**
     * What an operator's {@code rollback} moves the link back to: the newest kept release folder older
     * than the one {@code current} points at, as a {@link Backup} whose {@code file} is
     * {@code releases/<v>} relative to {@code APP} and whose hash is that folder's copy of the target
     * file (what {@code current}'s target reads once the link is back). A folder of a version in
     * {@code quarantine} is passed over: an operator held it back, or its gate failed, and a rollback
     * must not install it behind their back. Empty when there is none.
     */
    static Optional<Backup> previous(Path target, Quarantine quarantine) throws UpdaterException {
        Optional<Path> app = appOf(target);
        ReleaseVersion current = app.map(ReleaseLink::currentOf).map(ReleaseVersion::tryParse).orElse(null);
        if (current == null) {
            return Optional.empty();
        }
        Path releases = app.get().resolve(ReleaseFolders.RELEASES);
        ReleaseVersion best = null;
        try (Stream<Path> children = Files.list(releases)) {
            for (Path child : children.toList()) {
                ReleaseVersion version = ReleaseVersion.tryParse(child.getFileName().toString());
                if (version != null && version.compareTo(current) < 0 && Files.isDirectory(child, LinkOption.NOFOLLOW_LINKS)
                        && !quarantine.contains(version) && (best == null || version.compareTo(best) > 0)) {
                    best = version;
                }
            }
            if (best == null) {
                return Optional.empty();
            }
            Path folder = releases.resolve(best.toString());
            Path file = folder.resolve(app.get().resolve(ReleaseFolders.CURRENT).relativize(
                    target.toAbsolutePath().normalize()));
            SwapJournal.Artifact measured = ArtifactFiles.measure(file, best);
            return Optional.of(new Backup(best, measured.sha256(), measured.size(), ReleaseFolders.RELEASES + "/" + best,
                    Files.getLastModifiedTime(folder).toInstant()));
        } catch (IOException e) {
            throw new UpdaterException(ErrorCode.NO_BACKUP, "Could not read the previous release folder in " + releases
                    + ": " + ArtifactFiles.describe(e) + "; nothing was changed.", e);
        }
    }

    /**
     * {@code APP} when {@code target} lies under {@code APP/current -> releases/<v>}, or under
     * {@code APP/current} with {@code APP/current.json} naming {@code releases/<v>} ({@link CurrentRecord});
     * empty otherwise.
     */
    static Optional<Path> appOf(Path target) {
        Path absolute = target.toAbsolutePath().normalize();
        for (Path dir = absolute.getParent(); dir != null && dir.getParent() != null; dir = dir.getParent()) {
            if (dir.getFileName().toString().equals(ReleaseFolders.CURRENT)
                    && (Files.isSymbolicLink(dir) || CurrentRecord.usedBy(dir.getParent()))) {
                try {
                    return ReleaseFolders.current(dir.getParent()).isPresent()
                            ? Optional.of(dir.getParent()) : Optional.empty();
                } catch (IOException e) {
                    return Optional.empty();
                }
            }
        }
        return Optional.empty();
    }

    /**
     * The SHA-256 of the target's file inside release folder {@code folder} ({@code APP/releases/<v>/lib/app.jar}
     * for {@code APP/current/lib/app.jar}): what the agent of a host started from that release reports, which
     * {@code watch} waits for. Null when that file cannot be read.
     */
    public static Sha256 targetSha256In(SwapJournal journal, String folder) {
        Path app = Path.of(journal.releases().app());
        Path inside = app.resolve(ReleaseFolders.CURRENT).relativize(Path.of(journal.target()).toAbsolutePath().normalize());
        try {
            return Sha256.ofFile(app.resolve(ReleaseFolders.RELEASES).resolve(folder).resolve(inside));
        } catch (IOException | IllegalArgumentException e) {
            return null;
        }
    }

    /**
     * {@code path} with {@code APP/current} replaced by the release folder it points at or
     * {@code current.json} names ({@code APP/current/lib/app.jar} to {@code APP/releases/1.1.0/lib/app.jar});
     * {@code path} itself when it lies under no archive layout. In the fallback layout {@code APP/current}
     * does not exist, so this is the file the host runs.
     */
    public static Path inCurrentFolder(Path path) {
        Path absolute = path.toAbsolutePath().normalize();
        Optional<Path> app = appOf(absolute);
        String name = app.map(ReleaseLink::currentOf).orElse(null);
        if (name == null) {
            return path;
        }
        return app.get().resolve(ReleaseFolders.RELEASES).resolve(name)
                .resolve(app.get().resolve(ReleaseFolders.CURRENT).relativize(absolute));
    }

    /** {@code APP} when {@code target} lies under the fallback layout {@code APP/current.json}; empty otherwise. */
    public static Optional<Path> recordLayoutOf(Path target) {
        Path absolute = target.toAbsolutePath().normalize();
        for (Path dir = absolute.getParent(); dir != null && dir.getParent() != null; dir = dir.getParent()) {
            if (dir.getFileName().toString().equals(ReleaseFolders.CURRENT) && CurrentRecord.usedBy(dir.getParent())) {
                return Optional.of(dir.getParent()); // even when the record names nothing: the launcher says so
            }
        }
        return Optional.empty();
    }

    /** {@code APP/current}, or {@code APP/current.json} in the fallback layout: what names the current folder. */
    public static Path pointerOf(Path app) {
        return ReleaseFolders.pointer(app);
    }

    /** The release folder name {@code APP/current.json} names, or null when it names none. */
    public static String recordedFolder(Path app) {
        return currentOf(app);
    }

    /** The release folder name {@code current} points at now, or null when it is no such link. */
    static String pointsAt(SwapJournal journal) {
        return currentOf(Path.of(journal.releases().app()));
    }

    /** The release folder name {@code app/current} points at, or null when it is no such link. */
    static String currentOf(Path app) {
        try {
            return ReleaseFolders.current(app).orElse(null);
        } catch (IOException e) {
            return null;
        }
    }

    /** True when the link points at the new release, false at the old one, null at neither. */
    static Boolean holdsNew(SwapJournal journal) {
        String now = pointsAt(journal);
        if (journal.releases().to().equals(now)) {
            return true;
        }
        return journal.releases().from().equals(now) ? false : null;
    }

    /**
     * Steps 3–5 for a release folder: copy the staged tree to {@code APP/releases/<to>/} with the config
     * carry-over (the previous folder stays as it is: it is the backup), then rename a new link over
     * {@code current}. Returns the carry-over's sentences for the history.
     */
    static List<String> install(UpdateHome home, SwapJournal journal) throws UpdaterException {
        SwapJournal.Releases releases = journal.releases();
        Path app = Path.of(releases.app());
        if (journal.kind() == SwapJournal.Kind.ROLLBACK) { // an operator's: the kept folder is the source
            Path kept = app.resolve(ReleaseFolders.RELEASES).resolve(releases.to());
            if (!Files.isDirectory(kept, LinkOption.NOFOLLOW_LINKS)) {
                throw new UpdaterException(ErrorCode.NO_BACKUP, "the release folder " + kept + " is missing, so "
                        + journal.to().label() + " cannot be put back");
            }
            ReleaseFolders.pointCurrent(app, version(releases.to()), journal.id());
            return List.of();
        }
        Path tree = home.dir().resolve(journal.source());
        if (!Files.isDirectory(tree, LinkOption.NOFOLLOW_LINKS)) {
            throw new UpdaterException(ErrorCode.STAGED_INVALID, "the staged release tree " + tree + " is missing");
        }
        Path previous = app.resolve(ReleaseFolders.RELEASES).resolve(releases.from());
        ReleaseFolders.Installed installed = ReleaseFolders.install(tree, app, version(releases.to()),
                releases.config(), Files.isDirectory(previous, LinkOption.NOFOLLOW_LINKS) ? previous : null,
                releases.treeSha256());
        CrashPoint.AFTER_COPY.reach();
        ReleaseFolders.pointCurrent(app, version(releases.to()), journal.id());
        return installed.keptConfig();
    }

    /** Rollback, steps 4–5: moves {@code current} back to the previous release folder, which must still be there. */
    static void restore(SwapJournal failing) throws UpdaterException {
        SwapJournal.Releases releases = failing.releases();
        Path app = Path.of(releases.app());
        Path previous = app.resolve(ReleaseFolders.RELEASES).resolve(releases.from());
        if (!Files.isDirectory(previous, LinkOption.NOFOLLOW_LINKS)) {
            throw new UpdaterException(ErrorCode.NO_BACKUP, "the previous release folder " + previous
                    + " is missing, so " + failing.from().label() + " cannot be put back");
        }
        ReleaseFolders.pointCurrent(app, version(releases.from()), failing.id());
    }

    /** True when what a redone swap installs is still there: the staged tree, or for a rollback the kept folder. */
    static boolean sourcePresent(UpdateHome home, SwapJournal journal) {
        Path source = journal.kind() == SwapJournal.Kind.ROLLBACK
                ? Path.of(journal.releases().app()).resolve(ReleaseFolders.RELEASES).resolve(journal.releases().to())
                : home.dir().resolve(journal.source());
        return Files.isDirectory(source, LinkOption.NOFOLLOW_LINKS);
    }

    /**
     * After a failed gate moved the link back: deletes the failed release's folder and its config record.
     * Kept, it would outrank the real backups when folders are pruned by version, and a later rollback
     * could move the link onto a quarantined release.
     */
    static void dropFailed(SwapJournal done) throws UpdaterException {
        if (done.releases().to().equals(pointsAt(done))) {
            return; // never the folder the host runs from
        }
        Path folder = Path.of(done.releases().app()).resolve(ReleaseFolders.RELEASES).resolve(done.releases().to());
        try {
            HomeCleanup.deleteTree(folder);
            Files.deleteIfExists(ConfigCarryOver.shippedFile(folder));
        } catch (IOException e) {
            throw new UpdaterException(ErrorCode.SWAP_FAILED, "Could not delete the failed release folder " + folder
                    + ": " + ArtifactFiles.describe(e) + "; delete it by hand.", e);
        }
    }

    /**
     * Deletes the copies {@link ReleaseFolders#install} left unfinished ({@code APP/releases/.<v>.installing}),
     * for a journal that is finished: no swap is in flight, so none of them is being written. A redone swap
     * deletes its own first, but one whose recovery was abandoned (or whose source was gone) is never
     * redone, and a whole distribution would stay as wasted disk, never linked. The folder {@code current}
     * names is never touched, nor a link (its destination is not ours to delete).
     *
     * @return one sentence per folder deleted, or that could not be
     */
    static List<String> dropUnfinishedCopies(SwapJournal done) {
        if (!done.state().isFinished()) {
            return List.of();
        }
        Path app = Path.of(done.releases().app());
        Path releases = app.resolve(ReleaseFolders.RELEASES);
        String current = currentOf(app);
        List<String> said = new ArrayList<>();
        try (Stream<Path> children = Files.list(releases)) {
            for (Path child : children.toList()) {
                String name = child.getFileName().toString();
                if (!ReleaseFolders.isUnfinishedCopy(name) || name.equals(current)
                        || !Files.isDirectory(child, LinkOption.NOFOLLOW_LINKS)) {
                    continue;
                }
                try {
                    HomeCleanup.deleteTree(child);
                    said.add("deleted " + child + ", a release folder an interrupted install left half-copied");
                } catch (IOException e) {
                    said.add("could not delete " + child + ", a release folder an interrupted install left"
                            + " half-copied: " + ArtifactFiles.describe(e) + "; delete it by hand");
                }
            }
        } catch (NoSuchFileException e) {
            return said; // no release folder at all: nothing left half-copied
        } catch (IOException e) {
            said.add("could not look for half-copied release folders in " + releases + ": "
                    + ArtifactFiles.describe(e));
        }
        return said;
    }

    /**
     * Keeps the newest {@code keep} release folders and the current one (the backups of an archive
     * layout); folders of versions in {@code quarantine} are no backups ({@link ReleaseFolders#prune}).
     */
    static List<String> prune(SwapJournal done, int keep, Quarantine quarantine) throws UpdaterException {
        Path app = Path.of(done.releases().app());
        try {
            return ReleaseFolders.prune(app, keep, quarantine);
        } catch (IOException e) {
            throw new UpdaterException(ErrorCode.SWAP_FAILED, "Could not delete old release folders in "
                    + app.resolve(ReleaseFolders.RELEASES) + ": " + ArtifactFiles.describe(e), e);
        }
    }

    private static ReleaseVersion version(String name) throws UpdaterException {
        ReleaseVersion version = ReleaseVersion.tryParse(name);
        if (version == null) {
            throw new UpdaterException(ErrorCode.STAGED_INVALID, "the release folder name \"" + name
                    + "\" is not a version");
        }
        return version;
    }
}
