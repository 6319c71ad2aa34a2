package dev.updater.sidecar.swap;

import dev.updater.core.ErrorCode;
import dev.updater.core.UpdaterException;
import dev.updater.core.home.HomeFiles;
import dev.updater.core.home.Backup;
import dev.updater.core.home.SwapJournal;
import dev.updater.core.home.UpdateHome;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;

/**
 * Step 3: keeps what the target holds now in {@code backup/}, verified, before anything replaces it.
 * Input: a {@code prepared} install journal (its {@code from} and {@code backup}) and the target's
 * identity while step 1 hashed it (or null). Output: the backup file beside its {@code backup.json};
 * or {@code SWAP_FAILED} when it cannot be taken or the target changed meanwhile. Idempotent: a
 * backup already holding those bytes is kept.
 */
final class BackUpInstalled {
    private BackUpInstalled() {
    }

    static void run(UpdateHome home, SwapJournal journal, ArtifactFiles.Identity asMeasured, Instant now)
            throws UpdaterException {
        Path target = Path.of(journal.target());
        Path backup = home.dir().resolve(journal.backup());
        try {
            if (!journal.from().sha256().equals(ArtifactFiles.hashOrNull(backup))) {
                HomeFiles.createPrivateDirectories(backup.getParent());
                Path installed = ArtifactFiles.installedFile(target);
                // A symbolic link's destination stays where it is after the swap, and whoever manages it
                // may rewrite it in place: the backup of a linked target is a copy, never a hard link.
                ArtifactFiles.linkOrCopy(installed, backup, installed.equals(target));
            }
            // A hard link to the very inode hashed a moment ago, unchanged since: hashing it again
            // would read the same bytes (100 ms per 100 MiB). Anything else is verified.
            boolean sameBytesAsHashed = asMeasured != null && asMeasured.fileKey() != null
                    && asMeasured.equals(ArtifactFiles.identity(backup));
            SwapJournal.Artifact kept = sameBytesAsHashed ? journal.from()
                    : ArtifactFiles.measure(backup, journal.from().version());
            if (!kept.sha256().equals(journal.from().sha256())) {
                throw new UpdaterException(ErrorCode.SWAP_FAILED, "The backup " + backup + " does not match the"
                        + " installed artifact (SHA-256 " + kept.sha256() + ", expected " + journal.from().sha256()
                        + "); the target changed during the install. Nothing was replaced; start again.");
            }
        } catch (IOException e) {
            throw new UpdaterException(ErrorCode.SWAP_FAILED, "Could not back up " + target + " to " + backup + ": "
                    + ArtifactFiles.describe(e) + "; check free space and permissions. Nothing was replaced.", e);
        }
        home.backup(backup.getParent()).write(new Backup(journal.from().version(), journal.from().sha256(),
                journal.from().size(), journal.backup(), now));
        CrashPoint.AFTER_BACKUP.reach();
    }
}
