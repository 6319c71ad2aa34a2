package dev.updater.agent.host;

import dev.updater.core.ErrorCode;
import dev.updater.core.UpdaterException;
import dev.updater.core.home.HomeFiles;
import dev.updater.core.home.HomeOwnership;
import dev.updater.core.home.UpdateHome;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/** The update home as the agent sets it up at start: created for the host's user only, or checked to be that. */
public final class HostHome {
    private HostHome() {
    }

    /**
     * Creates the home (0700) and checks it is usable: ours (below), writable, and on the target's
     * filesystem, since the sidecar's final rename cannot cross filesystems (EXDEV).
     */
    public static void prepare(UpdateHome home, Path target) throws UpdaterException {
        Path dir = home.dir();
        try {
            if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
                if (dir.getFileSystem().supportedFileAttributeViews().contains("posix")) {
                    Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(
                            PosixFilePermissions.fromString("rwx------")));
                } else {
                    Files.createDirectories(dir);
                }
            }
            checkOwnHome(home);
            HomeFiles.createPrivateDirectories(home.requests());
            Path probe = Files.createTempFile(dir, ".write-check-", ".tmp");
            Files.delete(probe);
        } catch (IOException e) {
            throw new UpdaterException(ErrorCode.HOME_UNUSABLE, "updater agent disabled: the update home " + dir
                    + " is not usable (" + e + "). Make it a directory the host's user can write, or set home=.", e);
        }
        try {
            if (!Files.getFileStore(dir).equals(Files.getFileStore(target.getParent()))) {
                throw new UpdaterException(ErrorCode.HOME_UNUSABLE, "updater agent disabled: the update home " + dir
                        + " is on another filesystem than the target " + target + ", so the swap could not be an"
                        + " atomic rename. Put the home on the target's filesystem (or a volume holding both).");
            }
        } catch (IOException e) {
            throw new UpdaterException(ErrorCode.HOME_UNUSABLE, "Could not compare the filesystems of " + dir + " and "
                    + target + ": " + e + ".", e);
        }
    }

    /**
     * Threat: a home made by another user (in a world-writable temp folder, on a shared volume), or one
     * others can write, holds records and releases this host's sidecar would act on; that user would
     * choose what this host installs. Such a home is refused and updating stays off; the host runs on.
     */
    private static void checkOwnHome(UpdateHome home) throws UpdaterException {
        HomeOwnership ownership;
        try {
            ownership = HomeOwnership.check(home);
        } catch (UpdaterException e) {
            throw new UpdaterException(e.code(), "updater agent disabled: " + e.getMessage()
                    + " The host runs on without updates.", e);
        }
        if (!ownership.ownedByThisProcess()) {
            throw new UpdaterException(ErrorCode.HOME_OTHER_OWNER, "updater agent disabled: the update home "
                    + home.dir() + " belongs to " + ownership.owner() + ", not to " + ownership.user() + ", who runs"
                    + " this host; that user could choose what this host installs. The host runs on without updates."
                    + " Give the home to the host's user (chown -R " + ownership.user().name() + " " + home.dir()
                    + ") or set home= to a folder of its own.");
        }
    }
}
