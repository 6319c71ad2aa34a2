package dev.updater.sidecar.swap;

import dev.updater.core.ErrorCode;
import dev.updater.core.UpdaterException;
import dev.updater.core.home.JsonRecords;
import dev.updater.core.home.UpdateHome;
import dev.updater.core.version.ReleaseVersion;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * {@code backup/<version>/}: the artifacts installs replaced, each beside a {@code backup.json}
 * written once the copy is verified, so a directory without one is an unfinished backup. The newest
 * {@code --keep-backups} survive a commit.
 */
public final class Backups {
    static final String RECORD = "backup.json";

    private final UpdateHome home;

    public Backups(UpdateHome home) {
        this.home = home;
    }

    /**
     * A verified backup.
     *
     * @param version the version it holds, or null when unknown
     * @param sha256 its SHA-256
     * @param size its size in bytes
     * @param file its path relative to the home ({@code backup/1.0.0/app.jar})
     * @param createdAt when it was taken
     */
    public record Backup(String version, String sha256, long size, String file, Instant createdAt) {
        SwapJournal.Artifact artifact() {
            return new SwapJournal.Artifact(version, sha256, size);
        }
    }

    /** Where an install keeps the artifact it replaces: {@code backup/1.0.0/app.jar}, or {@code backup/sha-…/} when the version is unknown. */
    static String pathFor(SwapJournal.Artifact installed, Path target) {
        String dir = installed.version() != null && ReleaseVersion.tryParse(installed.version()) != null
                && installed.version().matches("[0-9A-Za-z.+-]+")
                ? installed.version()
                : "sha-" + installed.sha256().substring(0, 12);
        return "backup/" + dir + "/" + target.getFileName();
    }

    void record(Backup backup) throws UpdaterException {
        Path file = home.dir().resolve(backup.file());
        JsonRecords.write(file.resolveSibling(RECORD), backup);
    }

    /** Every complete backup, newest first. */
    public List<Backup> list() throws UpdaterException {
        List<Backup> all = new ArrayList<>();
        if (!Files.isDirectory(home.backups(), LinkOption.NOFOLLOW_LINKS)) {
            return all;
        }
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(home.backups())) {
            for (Path dir : dirs) {
                Optional<Backup> record = readQuietly(dir.resolve(RECORD));
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
    public Optional<Backup> newestOtherThan(String installedSha256) throws UpdaterException {
        return list().stream().filter(b -> !b.sha256().equals(installedSha256)).findFirst();
    }

    /** The backup {@code rollback} reinstalls over {@code target}: the newest whose bytes differ from the target's. */
    public Optional<Backup> forRollbackOf(Path target) throws UpdaterException {
        String installed = ArtifactFiles.hashOfTargetOrNull(target);
        return newestOtherThan(installed == null ? "" : installed);
    }

    /** Deletes all but the newest {@code keep} backups, never the one {@code protectedFile} names. */
    void prune(int keep, String protectedFile) throws UpdaterException {
        List<Backup> all = list();
        for (int i = keep; i < all.size(); i++) {
            Backup old = all.get(i);
            if (old.file().equals(protectedFile)) {
                continue;
            }
            deleteTree(home.dir().resolve(old.file()).getParent());
        }
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

    private static Optional<Backup> readQuietly(Path record) {
        try {
            return JsonRecords.read(record, Backup.class);
        } catch (UpdaterException e) {
            return Optional.empty(); // a damaged record makes its backup unusable, not the home
        }
    }

    private static void deleteTree(Path dir) throws UpdaterException {
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new UpdaterException(ErrorCode.IO, "Could not delete the old backup " + dir + ": " + e
                    + "; delete it by hand.", e);
        }
    }
}
