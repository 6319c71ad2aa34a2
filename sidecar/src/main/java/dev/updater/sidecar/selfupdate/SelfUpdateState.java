package dev.updater.sidecar.selfupdate;

import dev.updater.core.ErrorCode;
import dev.updater.core.UpdaterException;
import dev.updater.core.home.AtomicFiles;
import dev.updater.core.home.UpdateHome;
import dev.updater.core.json.Json;

import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.Optional;

/**
 * What {@code self-update} and {@code status} remember about the updater's own channel, per user, in
 * {@code $XDG_CACHE_HOME/updater/self-update/} (else {@code ~/.cache/updater/self-update/}; on
 * Windows {@code %LOCALAPPDATA%/updater/self-update/}), laid out as an update home: {@code
 * accepted.json} (the highest updater version ever accepted, as every channel check keeps it) and
 * {@code last-check.json} (when status last checked, and what it found).
 *
 * <p>Why per user and not in an application's home: one installed updater serves every home on the
 * machine, an application's home belongs to its service user (status must not write into it), and
 * checking once a day per user is what "at most daily" means to the channel. Losing the folder costs
 * one extra check; it holds no protection that matters: the floor against a rollback is the
 * installed jar's own version, which an older release can never go below.
 */
final class SelfUpdateState {
    /** What status found at its last check of the channel. */
    record LastCheck(String manifest, String running, Instant at, String latest, String error) {
    }

    private final Path dir;

    SelfUpdateState(Path dir) {
        this.dir = dir;
    }

    static SelfUpdateState forUser() {
        String xdg = System.getenv("XDG_CACHE_HOME");
        String localAppData = System.getenv("LOCALAPPDATA");
        Path base;
        if (xdg != null && !xdg.isBlank() && Path.of(xdg).isAbsolute()) {
            base = Path.of(xdg);
        } else if (System.getProperty("os.name", "").startsWith("Windows") && localAppData != null) {
            base = Path.of(localAppData);
        } else {
            base = Path.of(System.getProperty("user.home"), ".cache");
        }
        return new SelfUpdateState(base.resolve("updater").resolve("self-update"));
    }

    Path dir() {
        return dir;
    }

    /** The folder as an update home for the channel check (accepted.json), created 0700. */
    UpdateHome home() throws UpdaterException {
        try {
            if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
                AtomicFiles.createDirectories(dir, PosixFilePermissions.asFileAttribute(
                        PosixFilePermissions.fromString("rwx------")));
            } else {
                AtomicFiles.createDirectories(dir);
            }
        } catch (IOException e) {
            throw new UpdaterException(ErrorCode.IO, "Cannot create " + dir + " (where self-update remembers the"
                    + " highest updater version it accepted): " + e + "; set XDG_CACHE_HOME to a writable folder.", e);
        }
        return new UpdateHome(dir);
    }

    Optional<LastCheck> lastCheck() {
        Path file = dir.resolve("last-check.json");
        try {
            if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
                return Optional.empty();
            }
            return Optional.of(Json.mapper().readValue(Files.readAllBytes(file), LastCheck.class));
        } catch (IOException | RuntimeException e) {
            return Optional.empty(); // unreadable: check again, and write it anew
        }
    }

    void lastCheck(LastCheck check) throws UpdaterException {
        home();
        try {
            AtomicFiles.write(dir.resolve("last-check.json"), Json.mapper().writeValueAsBytes(check));
        } catch (IOException e) {
            throw new UpdaterException(ErrorCode.IO, "Cannot write " + dir.resolve("last-check.json") + ": " + e, e);
        }
    }
}
