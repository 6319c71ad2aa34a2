package dev.updater.core.home;

import dev.updater.core.Sha256;
import dev.updater.core.version.ReleaseVersion;

import java.time.Instant;

/**
 * {@code backup/<folder>/backup.json}: a verified backup of an artifact an install replaced, written
 * once the copy beside it is verified, so a folder without one holds an unfinished backup. Read and
 * written only through {@link UpdateHome#backup(java.nio.file.Path)}; the sidecar lists them for
 * {@code rollback} and prunes all but the newest {@code --keep-backups}.
 *
 * <pre>{@code
 * {"version":"1.0.0","sha256":"…","size":1234,"file":"backup/1.0.0/app.jar","createdAt":"2026-02-07T12:00:00Z"}
 * }</pre>
 *
 * @param version the version it holds, or null when unknown
 * @param sha256 its SHA-256
 * @param size its size in bytes
 * @param file its path relative to the home ({@code backup/1.0.0/app.jar}); a reader checks it lies
 *     beside this record before trusting it
 * @param createdAt when it was taken
 */
public record Backup(ReleaseVersion version, Sha256 sha256, long size, String file, Instant createdAt) {
    /** The record's name in each backup folder. */
    public static final String FILE_NAME = "backup.json";

    /** The backed-up file as one side of a swap. */
    public SwapJournal.Artifact artifact() {
        return new SwapJournal.Artifact(version, sha256, size);
    }
}
