package dev.updater.sidecar.swap;

import dev.updater.core.ErrorCode;
import dev.updater.core.UpdaterException;
import dev.updater.core.home.Backup;
import dev.updater.core.home.HomeCleanup;
import dev.updater.core.home.Quarantine;
import dev.updater.core.home.SwapJournal;
import dev.updater.core.home.UpdateHome;
import dev.updater.core.Sha256;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * {@code backup/<version>/}: the artifacts installs replaced, each beside a {@code backup.json}
 * ({@link Backup}) written once the copy is verified, so a directory without one is an unfinished
 * backup. The newest {@code --keep-backups} survive a commit.
 */
public final class Backups {
    private final UpdateHome home;

    public Backups(UpdateHome home) {
        this.home = home;
    }

    /** Where an install keeps the artifact it replaces: {@code backup/1.0.0/app.jar}, or {@code backup/sha-…/} when the version is unknown. */
    static String pathFor(SwapJournal.Artifact installed, Path target) {
        String dir = installed.version() != null && installed.version().toString().matches("[0-9A-Za-z.+-]+")
                ? installed.version().toString()
                : "sha-" + installed.sha256().hex().substring(0, 12);
        return "backup/" + dir + "/" + target.getFileName();
    }

    /** Every complete backup, newest first. */
    public List<Backup> list() throws UpdaterException {
        List<Backup> all = new ArrayList<>();
        if (!Files.isDirectory(home.backups(), LinkOption.NOFOLLOW_LINKS)) {
            return all;
        }
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(home.backups())) {
            for (Path dir : dirs) {
                // a damaged record makes its backup unusable, not the home
                Optional<Backup> record = home.backup(dir).readQuietly();
                if (record.isPresent() && isBeside(record.get(), dir)) {
                    all.add(record.get());
                }
            }
        } catch (IOException e) {
            throw new UpdaterException(ErrorCode.IO, "Could not list " + home.backups() + ": " + e
                    + "; check the update home's permissions.", e);
        }
        all.sort(Comparator.comparing(Backup::createdAt).reversed());
        return all;
    }

    /** The newest backup whose bytes differ from {@code installedSha256}: what {@code rollback} reinstalls. */
    public Optional<Backup> newestOtherThan(Sha256 installedSha256) throws UpdaterException {
        return list().stream().filter(b -> !b.sha256().equals(installedSha256)).findFirst();
    }

    /**
     * The backup {@code rollback} reinstalls over {@code target}: the newest whose bytes differ from the
     * target's; for an archive layout ({@code APP/current -> releases/<v>}) the newest kept release folder
     * older than the current one and not quarantined or held back ({@link ReleaseLink#previous}).
     */
    public Optional<Backup> forRollbackOf(Path target) throws UpdaterException {
        if (ReleaseLink.appOf(target).isPresent()) {
            return ReleaseLink.previous(target, home.quarantineList().read().orElse(Quarantine.NONE));
        }
        // a target that holds no file matches no backup, so the newest of all is the one
        return newestOtherThan(ArtifactFiles.hashOfTargetOrNull(target));
    }

    /** Says that {@link #forRollbackOf} found nothing, and where backups of {@code target} are kept. */
    public String noneFor(Path target) {
        Optional<Path> app = ReleaseLink.appOf(target);
        if (app.isPresent()) {
            return "There is no release folder to roll back to in " + app.get().resolve(ReleaseFolders.RELEASES)
                    + ": each install keeps the folders it replaced (--keep-backups of them), and none older than the"
                    + " one " + ReleaseFolders.pointer(app.get()) + " points at is there.";
        }
        return "There is no backup to roll back to in " + home.backups() + ": each install keeps the version it"
                + " replaces, and none other than the installed one is there.";
    }

    /**
     * The input of an operator's rollback: the backup's bytes as they are on disk now, or
     * {@code NO_BACKUP} when they cannot be read or are not what its record says.
     */
    SwapJournal.Artifact verified(Backup backup) throws UpdaterException {
        // (an archive layout's rollback measures its folder in ReleaseLink#previous and never comes here)
        Path source = home.dir().resolve(backup.file());
        SwapJournal.Artifact measured;
        try {
            measured = ArtifactFiles.measure(source, backup.version());
        } catch (IOException e) {
            throw new UpdaterException(ErrorCode.NO_BACKUP, "The backup " + source + " cannot be read: "
                    + ArtifactFiles.describe(e) + "; nothing was changed.", e);
        }
        if (!measured.sha256().equals(backup.sha256()) || measured.size() != backup.size()) {
            throw new UpdaterException(ErrorCode.NO_BACKUP, "The backup " + source + " is damaged: SHA-256 "
                    + measured.sha256() + ", recorded " + backup.sha256() + "; nothing was changed.");
        }
        return measured;
    }

    /** Deletes all but the newest {@code keep} backups, never the one {@code protectedFile} names. */
    void prune(int keep, String protectedFile) throws UpdaterException {
        new HomeCleanup(home).pruneBackups(list(), keep, protectedFile);
    }

    /**
     * True when the backup's {@code file} is a file in {@code dir}, the folder of its record. Threat:
     * backup.json lies in the home; a {@code file} of {@code ../../etc/shadow} would make a rollback
     * install that file's bytes, and pruning delete that file's folder.
     */
    private boolean isBeside(Backup backup, Path dir) {
        try {
            Path file = home.resolveInside(backup.file(), home.backups());
            return dir.equals(file.getParent()) && backup.sha256() != null && backup.createdAt() != null;
        } catch (IllegalArgumentException e) {
            return false; // an unusable backup, not a broken home
        }
    }
}
