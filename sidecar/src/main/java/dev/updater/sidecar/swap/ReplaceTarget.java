package dev.updater.sidecar.swap;

import dev.updater.core.Sha256;
import dev.updater.core.ErrorCode;
import dev.updater.core.UpdaterException;
import dev.updater.core.home.AtomicFiles;
import dev.updater.core.home.SwapJournal;
import dev.updater.core.home.UpdateHome;

import java.io.IOException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Set;

/**
 * Steps 4 and 5, for an install and for a rollback alike: copy the source beside the target, then
 * rename it over the target. The target only ever changes by that rename, so it holds, byte for byte,
 * the old artifact or the new one at every instant.
 */
final class ReplaceTarget {
    private ReplaceTarget() {
    }

    /**
     * Step 4. Input: the journal (its target and id), the source file and the artifact it must be.
     * Output: the temp file beside the target, with the mode of the file the target holds, fsynced and
     * verified to be {@code expected}; or {@code SWAP_FAILED}/{@code STAGED_INVALID}, the target untouched.
     */
    static Path copyBeside(SwapJournal journal, Path source, SwapJournal.Artifact expected, CrashPoint halfway)
            throws UpdaterException {
        Path target = Path.of(journal.target());
        Path temp = tempFileOf(journal);
        Set<PosixFilePermission> mode;
        try {
            // of the file a symbolic link points at: a link's own mode (0777) would make the jar world-writable
            mode = ArtifactFiles.modeOf(ArtifactFiles.installedFile(target));
        } catch (IOException e) {
            throw new UpdaterException(ErrorCode.TARGET_UNKNOWN, "Cannot read the mode of " + target + ": "
                    + ArtifactFiles.describe(e) + ". Nothing was replaced.", e);
        }
        ArtifactFiles.copyVerified(source, temp, expected, mode, halfway);
        return temp;
    }

    /**
     * Step 5. Input: the verified temp file. Output: the target holds its bytes (an atomic rename, the
     * directory fsynced); or {@code SWAP_FAILED} with the target unchanged and the temp file gone.
     */
    static void rename(Path temp, SwapJournal journal) throws UpdaterException {
        Path target = Path.of(journal.target());
        try {
            AtomicFiles.moveAtomically(temp, target);
        } catch (IOException e) {
            ArtifactFiles.deleteQuietly(temp);
            throw new UpdaterException(ErrorCode.SWAP_FAILED, "Could not rename " + temp + " over " + target + ": "
                    + ArtifactFiles.describe(e) + "; the target is unchanged. Check permissions on "
                    + target.getParent() + ".", e);
        }
    }

    /**
     * Steps 4–5 of a rollback, with the backup as the source. Input: a journal whose new version failed
     * (its {@code backup} and {@code from}). Output: the target holds {@code from} again; or an exception
     * whose message says why it cannot be put back (a backup missing, holding other bytes, or not copied).
     */
    static void restoreBackup(UpdateHome home, SwapJournal failing) throws UpdaterException {
        Path backup = home.dir().resolve(failing.backup());
        Sha256 kept = ArtifactFiles.hashOrNull(backup);
        if (!failing.from().sha256().equals(kept)) {
            throw new UpdaterException(ErrorCode.NO_BACKUP, "its backup " + backup + (kept == null ? " is missing"
                    : " holds other bytes (SHA-256 " + kept + ")") + ", so " + failing.from().label()
                    + " cannot be put back");
        }
        try {
            rename(copyBeside(failing, backup, failing.from(), CrashPoint.ROLLBACK_DURING_COPY), failing);
        } catch (UpdaterException e) {
            throw new UpdaterException(e.code(), "its backup could not be put back: " + e.getMessage(), e);
        }
    }

    /** {@code .app.jar.updater-<id>.tmp} beside the target: one per transaction, so recovery knows what to delete. */
    static Path tempFileOf(SwapJournal journal) {
        Path target = Path.of(journal.target());
        return target.resolveSibling("." + target.getFileName() + ".updater-" + journal.id() + ".tmp");
    }
}
