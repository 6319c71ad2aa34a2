package dev.updater.sidecar.supervise;

import dev.updater.core.ErrorCode;
import dev.updater.core.UpdaterException;
import dev.updater.core.home.UpdateHome;

import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * Checks an update home before a sidecar trusts it. Threat: anyone who can write into the home can
 * write {@code staged.json} and an artifact, and this sidecar would install it; so the home is the
 * operator's only (0700), and one writable by group or others is refused.
 */
public final class HomeGuard {
    private HomeGuard() {
    }

    /** Creates the home (0700) when missing, then checks it. */
    public static UpdateHome open(Path dir) throws UpdaterException {
        UpdateHome home = new UpdateHome(dir);
        try {
            if (!Files.exists(home.dir(), LinkOption.NOFOLLOW_LINKS)) {
                Files.createDirectories(home.dir().getParent());
                Files.createDirectory(home.dir());
                setPrivate(home.dir());
            }
        } catch (IOException e) {
            throw new UpdaterException(ErrorCode.IO, "Could not create the update home " + home.dir() + ": " + e
                    + "; create it (mode 700) or pick another --home.", e);
        }
        check(home);
        return home;
    }

    /** Refuses a home that is not a directory, or that group or others can write. */
    public static void check(UpdateHome home) throws UpdaterException {
        Path dir = home.dir();
        if (!Files.isDirectory(dir)) {
            throw new UpdaterException(ErrorCode.IO, "The update home " + dir + " is not a directory; give --home"
                    + " a directory.");
        }
        PosixFileAttributeView view = Files.getFileAttributeView(dir, PosixFileAttributeView.class);
        if (view == null) {
            return; // no POSIX modes here (Windows): the directory's ACL is the operator's business
        }
        Set<PosixFilePermission> mode;
        try {
            mode = view.readAttributes().permissions();
        } catch (IOException e) {
            throw new UpdaterException(ErrorCode.IO, "Cannot read the permissions of " + dir + ": " + e + ".", e);
        }
        if (mode.contains(PosixFilePermission.GROUP_WRITE) || mode.contains(PosixFilePermission.OTHERS_WRITE)) {
            throw new UpdaterException(ErrorCode.HOME_INSECURE, "The update home " + dir + " is writable by "
                    + (mode.contains(PosixFilePermission.OTHERS_WRITE) ? "others" : "its group") + " ("
                    + PosixFilePermissions.toString(mode) + "), so they could make this sidecar install anything;"
                    + " run 'chmod 700 " + dir + "' and start again.");
        }
    }

    /**
     * Backups are hard links and the new artifact is renamed over the target: the home and the target
     * must share a filesystem (DESIGN §9), checked once at start rather than failing with EXDEV mid-swap.
     */
    public static void checkSameFileSystem(UpdateHome home, Path target) throws UpdaterException {
        try {
            FileStore homeStore = Files.getFileStore(home.dir());
            FileStore targetStore = Files.getFileStore(target.toAbsolutePath().getParent());
            if (!homeStore.equals(targetStore)) {
                throw new UpdaterException(ErrorCode.FILESYSTEM_MISMATCH, "The update home " + home.dir() + " ("
                        + homeStore + ") and the target " + target + " (" + targetStore + ") are on different"
                        + " filesystems; put the home on the target's filesystem (for Kubernetes, on the same volume)"
                        + " so backups and swaps stay atomic.");
            }
        } catch (IOException e) {
            throw new UpdaterException(ErrorCode.TARGET_UNKNOWN, "Cannot read the filesystem of " + target + " or "
                    + home.dir() + ": " + e + "; check that the target exists.", e);
        }
    }

    static void setPrivate(Path dir) throws IOException {
        if (Files.getFileAttributeView(dir, PosixFileAttributeView.class) != null) {
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
        }
    }

    /** Creates {@code dir} (0700) inside the home when missing. */
    static Path privateDirectory(Path dir) throws IOException {
        if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
            Files.createDirectories(dir);
            setPrivate(dir);
        }
        return dir;
    }
}
