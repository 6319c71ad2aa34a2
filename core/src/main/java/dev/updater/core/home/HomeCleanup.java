package dev.updater.core.home;

import dev.updater.core.ErrorCode;
import dev.updater.core.Sha256;
import dev.updater.core.UpdaterException;
import dev.updater.core.version.ReleaseVersion;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Removes what the update home no longer needs: a staged release once installed, the release folders
 * nothing will install any more, backups past {@code --keep-backups}; and, for anyone, a folder tree.
 * Every removal stays inside the folder it is given and never follows a symbolic link into another.
 *
 * <pre>{@code
 * HomeCleanup cleanup = new HomeCleanup(home);
 * cleanup.dropStagedIf(installedSha256);
 * cleanup.deleteRelease(ReleaseVersion.parse("1.1.0"));
 * }</pre>
 */
public final class HomeCleanup {
    private final UpdateHome home;

    public HomeCleanup(UpdateHome home) {
        this.home = home;
    }

    /**
     * Deletes {@code dir} and everything in it; nothing when it does not exist. A symbolic link inside
     * (or at {@code dir} itself) is deleted as a link: what it points at is never walked into.
     */
    public static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    /** As {@link #deleteTree}, for a temporary folder: one left behind is harmless, so a failure is ignored. */
    public static void deleteTreeQuietly(Path dir) {
        if (dir == null) {
            return;
        }
        try {
            deleteTree(dir);
        } catch (IOException e) {
            // a temporary folder left behind is harmless; the work it held is done
        }
    }

    /** Deletes staged.json when it names {@code sha256}: that release is installed or was refused. */
    public void dropStagedIf(Sha256 sha256) throws UpdaterException {
        Optional<StagedRelease> staged = home.stagedRecord().readQuietly();
        if (staged.isPresent() && staged.get().sha256().equals(sha256)) {
            home.stagedRecord().delete();
        }
    }

    /**
     * Deletes {@code releases/<version>/} unless something may still read it: staged.json names that
     * version (staged again, perhaps with other bytes), or a swap is journaled but not finished.
     */
    public void deleteRelease(ReleaseVersion version) throws UpdaterException {
        if (version == null || stagedNames(version.toString()) || swapInFlight()) {
            return;
        }
        Path dir = home.release(version.toString()).normalize();
        if (!dir.startsWith(home.releases()) || dir.equals(home.releases())) {
            return; // a version such as "../x" names no release folder
        }
        try {
            deleteTree(dir);
        } catch (IOException e) {
            throw new UpdaterException(ErrorCode.IO, "Could not delete " + dir + ": " + AtomicFiles.describe(e)
                    + "; delete it by hand.", e);
        }
    }

    /** Deletes the folders of all but the first {@code keep} of {@code newestFirst}, never the one holding {@code protectedFile}. */
    public void pruneBackups(List<Backup> newestFirst, int keep, String protectedFile) throws UpdaterException {
        for (Backup old : newestFirst.subList(Math.min(keep, newestFirst.size()), newestFirst.size())) {
            if (old.file().equals(protectedFile)) {
                continue;
            }
            Path dir = home.resolveInside(old.file(), home.backups()).getParent();
            if (dir.equals(home.backups())) {
                continue; // a backup.json of the folder itself names no backup folder to delete
            }
            try {
                deleteTree(dir);
            } catch (IOException e) {
                throw new UpdaterException(ErrorCode.IO, "Could not delete the old backup " + dir + ": "
                        + AtomicFiles.describe(e) + "; delete it by hand.", e);
            }
        }
    }

    /** True when journal.json holds a transaction not yet finished, or cannot be read (assume the worst). */
    public boolean swapInFlight() {
        try {
            return home.swapJournal().read().map(j -> !j.state().isFinished()).orElse(false);
        } catch (UpdaterException e) {
            return true;
        }
    }

    /** True when staged.json names {@code version}, or cannot be read (leave the folder to the agent). */
    private boolean stagedNames(String version) {
        try {
            return home.stagedRecord().read()
                    .map(s -> version.equals(String.valueOf(s.version()))).orElse(false);
        } catch (UpdaterException e) {
            return true;
        }
    }
}
