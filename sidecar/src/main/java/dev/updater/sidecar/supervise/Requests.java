package dev.updater.sidecar.supervise;

import dev.updater.core.ErrorCode;
import dev.updater.core.UpdaterException;
import dev.updater.core.home.AtomicFiles;
import dev.updater.core.home.JsonRecords;
import dev.updater.core.home.UpdateHome;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;

/**
 * {@code requests/}: how the other processes of a home ask for something. Each request is one JSON
 * file written atomically; whoever acts on it deletes it.
 *
 * <ul>
 *   <li>{@code apply.json} — from {@code updater-sidecar apply}: install the staged release now;</li>
 *   <li>{@code rollback.json} — from {@code updater-sidecar rollback}: reinstall the newest backup;</li>
 *   <li>{@code exit.json} — from {@code watch}, for the host's agent: exit gracefully
 *       ({@code System.exit(0)}) so the container runtime starts the host again.</li>
 * </ul>
 */
public final class Requests {
    private final UpdateHome home;

    public Requests(UpdateHome home) {
        this.home = home;
    }

    /**
     * Install the staged release now, approving it.
     *
     * @param version the staged version the operator saw
     * @param sha256 its SHA-256, so a release staged meanwhile is not approved by mistake
     */
    public record Apply(String version, String sha256, Instant requestedAt) {
    }

    /**
     * Reinstall a backup and quarantine the version rolled away from.
     *
     * @param fromSha256 what the target held when the operator asked; a request made before another
     *     swap changed it is refused rather than rolling back one version too far
     * @param toSha256 the backup the operator was shown
     */
    public record Rollback(String fromSha256, String toSha256, Instant requestedAt) {
    }

    /**
     * For the host's agent: exit gracefully. A host is named by its pid and its start time together:
     * in a container the restarted JVM often gets the pid of the one before.
     *
     * @param reason one sentence the agent logs
     * @param pid the pid of the host this is meant for
     * @param startedAt that host's start, as its {@code agent.json} says; an agent of another pid or
     *     start deletes the request and stays
     */
    public record Exit(String reason, Instant requestedAt, long pid, Instant startedAt) {
    }

    public Path applyFile() {
        return home.requests().resolve("apply.json");
    }

    public Path rollbackFile() {
        return home.requests().resolve("rollback.json");
    }

    public Path exitFile() {
        return home.requests().resolve("exit.json");
    }

    public void write(Path file, Object request) throws UpdaterException {
        try {
            HomeGuard.privateDirectory(home.requests());
        } catch (IOException e) {
            throw new UpdaterException(ErrorCode.IO, "Could not create " + home.requests() + ": " + e
                    + "; check the update home's permissions.", e);
        }
        JsonRecords.write(file, request);
    }

    /** Reads and deletes a request; a malformed one is deleted too and reads as empty. */
    public <T> Optional<T> take(Path file, Class<T> type) throws UpdaterException {
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        Optional<T> request;
        try {
            request = JsonRecords.read(file, type);
        } catch (UpdaterException e) {
            if (e.code() != ErrorCode.RECORD_MALFORMED) {
                throw e;
            }
            request = Optional.empty();
        }
        delete(file);
        return request;
    }

    public boolean exists(Path file) {
        return Files.exists(file);
    }

    public void delete(Path file) throws UpdaterException {
        try {
            if (Files.deleteIfExists(file)) {
                AtomicFiles.fsyncDirectory(file.getParent());
            }
        } catch (IOException e) {
            throw new UpdaterException(ErrorCode.IO, "Could not delete " + file + ": " + e + "; delete it by hand.", e);
        }
    }
}
