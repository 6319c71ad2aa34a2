package dev.updater.sidecar.selfupdate;

import dev.updater.core.ErrorCode;
import dev.updater.core.UpdaterException;
import dev.updater.core.home.AtomicFiles;

import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;

/**
 * Replaces installed jars with new ones, each by one atomic rename, after keeping the old one as
 * {@code NAME.previous} (a hard link to the old file, else a copy; fsynced). A JVM running the old
 * jar keeps reading its inode, so a running sidecar or host never sees a torn jar (SIGBUS). When a
 * later replacement fails, the ones done before it are put back from their backups, and the
 * original error is reported: the install is either all old or all new, except after a crash
 * between two renames, which the next {@code self-update} repairs (the sidecar jar goes last, so the
 * old one still runs and offers the same update again).
 */
final class JarReplacement {
    /** The suffix of the backup beside each jar. */
    static final String BACKUP_SUFFIX = ".previous";

    /** @param target the installed jar; @param replacement the new one, in a folder on the same filesystem */
    record Swap(Path target, Path replacement) {
        Path backup() {
            return target.resolveSibling(target.getFileName() + BACKUP_SUFFIX);
        }
    }

    private JarReplacement() {
    }

    /** Replaces every target in order; all or none. */
    static void replaceAll(List<Swap> swaps) throws UpdaterException {
        List<Swap> done = new ArrayList<>();
        for (Swap swap : swaps) {
            try {
                replace(swap);
                done.add(swap);
            } catch (IOException e) {
                UpdaterException failure = new UpdaterException(ErrorCode.IO, "Could not replace " + swap.target()
                        + ": " + e + "; " + (done.isEmpty() ? "nothing was replaced"
                        : putBack(done)) + ". Check that the folder is writable by this user and has free space.", e);
                throw failure;
            }
        }
    }

    /** Backup, keep the mode, fsync, rename over the target (which fsyncs the folder). */
    private static void replace(Swap swap) throws IOException {
        Path target = swap.target();
        if (!Files.isRegularFile(target, LinkOption.NOFOLLOW_LINKS)) {
            throw new IOException(target + " is not a regular file");
        }
        keepBackup(target, swap.backup());
        if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
            Files.setPosixFilePermissions(swap.replacement(), Files.getPosixFilePermissions(target));
        }
        AtomicFiles.fsync(swap.replacement());
        AtomicFiles.moveAtomically(swap.replacement(), target);
    }

    /** {@code backup} becomes the old file: a hard link (the very bytes) or a copy, fsynced, renamed into place. */
    private static void keepBackup(Path target, Path backup) throws IOException {
        Path temp = backup.resolveSibling("." + backup.getFileName() + ".tmp");
        Files.deleteIfExists(temp);
        try {
            Files.createLink(temp, target);
        } catch (IOException | UnsupportedOperationException e) {
            Files.copy(target, temp, StandardCopyOption.COPY_ATTRIBUTES);
        }
        AtomicFiles.fsync(temp);
        AtomicFiles.moveAtomically(temp, backup);
    }

    /** Puts the already replaced jars back from their backups; says what it did. */
    private static String putBack(List<Swap> done) {
        List<String> failed = new ArrayList<>();
        for (Swap swap : done) {
            Path temp = swap.target().resolveSibling("." + swap.target().getFileName() + ".restore.tmp");
            try {
                Files.deleteIfExists(temp);
                Files.copy(swap.backup(), temp, StandardCopyOption.COPY_ATTRIBUTES);
                AtomicFiles.fsync(temp);
                AtomicFiles.moveAtomically(temp, swap.target());
            } catch (IOException e) {
                failed.add(swap.target() + " (copy " + swap.backup() + " over it by hand: " + e + ")");
            }
        }
        return failed.isEmpty() ? "the jars replaced before it were put back from their " + BACKUP_SUFFIX
                + " backups, so the old updater is installed as it was"
                : "could not put back " + String.join(", ", failed);
    }
}
