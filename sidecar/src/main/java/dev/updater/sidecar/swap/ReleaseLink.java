package dev.updater.sidecar.swap;

import dev.updater.core.ErrorCode;
import dev.updater.core.UpdaterException;
import dev.updater.core.home.SwapJournal;
import dev.updater.core.home.UpdateHome;
import dev.updater.core.version.ReleaseVersion;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The swap steps of an archive release (DESIGN §5 "Archives"), for a journal that
 * {@link SwapJournal#swapsLink() swaps the link}: the release folder is the artifact, the link
 * {@code APP/current} is the target, and where it points is what every decision reads, as the target's
 * hash is for a single file.
 *
 * <p>The archive layout is recognised from the target the host runs ({@code --target} or its
 * {@code -jar} path): the nearest folder on that path named {@code current} that is a symbolic link
 * whose text is exactly {@code releases/<name>}, with {@code APP} its parent. The path is read as
 * written, never resolved, because resolving it would step through the very link being looked for.
 */
final class ReleaseLink {
    private ReleaseLink() {
    }

    /** {@code APP} when {@code target} lies under {@code APP/current -> releases/<v>}; empty otherwise. */
    static Optional<Path> appOf(Path target) {
        Path absolute = target.toAbsolutePath().normalize();
        for (Path dir = absolute.getParent(); dir != null && dir.getParent() != null; dir = dir.getParent()) {
            if (dir.getFileName().toString().equals(ReleaseFolders.CURRENT) && Files.isSymbolicLink(dir)) {
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
        Path tree = home.dir().resolve(journal.source());
        if (!Files.isDirectory(tree, LinkOption.NOFOLLOW_LINKS)) {
            throw new UpdaterException(ErrorCode.STAGED_INVALID, "the staged release tree " + tree + " is missing");
        }
        Path previous = app.resolve(ReleaseFolders.RELEASES).resolve(releases.from());
        ReleaseFolders.Installed installed = ReleaseFolders.install(tree, app, version(releases.to()),
                releases.config(), Files.isDirectory(previous, LinkOption.NOFOLLOW_LINKS) ? previous : null);
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

    /** True when the staged tree a redone swap copies from is still there. */
    static boolean sourcePresent(UpdateHome home, SwapJournal journal) {
        return Files.isDirectory(home.dir().resolve(journal.source()), LinkOption.NOFOLLOW_LINKS);
    }

    /** Keeps the newest {@code keep} release folders and the current one (the backups of an archive layout). */
    static List<String> prune(SwapJournal done, int keep) throws UpdaterException {
        Path app = Path.of(done.releases().app());
        try {
            return ReleaseFolders.prune(app, keep);
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
