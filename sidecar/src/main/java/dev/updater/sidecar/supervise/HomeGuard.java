package dev.updater.sidecar.supervise;

import dev.updater.core.ErrorCode;
import dev.updater.core.UpdaterException;
import dev.updater.core.home.HomeOwnership;
import dev.updater.core.home.HomeFiles;
import dev.updater.core.home.UpdateHome;
import dev.updater.sidecar.swap.ReleaseLink;

import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;

/**
 * Checks an update home before a sidecar trusts it. Threat: anyone who can write into the home can
 * write {@code staged.json} and an artifact, and this sidecar would install it; so the home and its
 * folders must be real directories of one user that nobody else can write ({@link HomeOwnership}),
 * and that user must be the one running the sidecar. A home of another user is refused (root
 * included): its records would steer what this sidecar, with its own rights, reads, writes and
 * installs. {@code --allow-other-owner} lets an operator act on such a home on purpose.
 */
public final class HomeGuard {
    private HomeGuard() {
    }

    /** Creates the home (0700) when missing, then checks it ({@link #check}). */
    public static HomeOwnership open(Path dir, boolean allowOtherOwner) throws UpdaterException {
        UpdateHome home = new UpdateHome(dir);
        boolean existed = Files.exists(home.dir(), LinkOption.NOFOLLOW_LINKS);
        try {
            if (!existed) {
                Files.createDirectories(home.dir().getParent()); // the operator's folders keep their usual modes
                HomeFiles.createPrivateDirectories(home.dir()); // 0700 whatever the umask, fsynced into its parent
            }
        } catch (IOException e) {
            throw new UpdaterException(ErrorCode.IO, "Could not create the update home " + home.dir() + ": " + e
                    + "; create it (mode 700) or pick another --home.", e);
        }
        try {
            return check(home, allowOtherOwner);
        } catch (UpdaterException e) {
            if (existed && e.code() == ErrorCode.HOME_INSECURE && sharedTempFolder(home.dir()) && !home.holdsHomeFiles()) {
                throw notAHome(home, "it is a shared folder (sticky bit, like /tmp), never a home. Give --home a"
                        + " folder of its own (it is created, mode 700, when missing), for example --home"
                        + " /var/lib/app/updates.");
            }
            throw e;
        }
    }

    /** The sticky bit ({@code /tmp}, {@code /var/tmp}): a folder meant for everyone's files, whose mode must stay. */
    private static boolean sharedTempFolder(Path dir) {
        try {
            return (((Integer) Files.getAttribute(dir, "unix:mode", LinkOption.NOFOLLOW_LINKS)) & 01000) != 0;
        } catch (IOException | RuntimeException e) {
            return false; // no unix view: the folder's own message stands
        }
    }

    /**
     * A folder that holds none of a home's files ({@code /tmp}, a typo'd path). Threat: advice meant for a
     * home ({@code chmod 700 /tmp}) would break the system it was given for; such a folder gets none.
     */
    public static UpdaterException notAHome(UpdateHome home, String whatToDo) {
        return new UpdaterException(ErrorCode.HOME_UNUSABLE, home.dir() + " is not an update home: it holds none of"
                + " the files an agent or a sidecar keeps in one (agent.json, history.jsonl, sidecar.lock, ...); "
                + whatToDo);
    }

    /**
     * Refuses a home that is not a directory, is a symbolic link, has a folder of another user or
     * one that group or others can write, or (unless {@code allowOtherOwner}) that belongs to another
     * user than the one running this process.
     */
    public static HomeOwnership check(UpdateHome home, boolean allowOtherOwner) throws UpdaterException {
        HomeOwnership ownership = HomeOwnership.check(home);
        if (!ownership.ownedByThisProcess() && !allowOtherOwner) {
            throw new UpdaterException(ErrorCode.HOME_OTHER_OWNER, "The update home " + home.dir() + " belongs to "
                    + ownership.owner() + ", not to " + ownership.user() + ", who runs this command: its records"
                    + " and staged files are that user's word, and acting on them with your rights would let that"
                    + " user choose what is read, written and installed. Run the command as "
                    + ownership.owner().name() + " (sudo -u " + ownership.owner().name() + " updater-sidecar ...),"
                    + " or pass --allow-other-owner if you mean to act on it.");
        }
        return ownership;
    }

    /**
     * Backups are hard links and the new artifact is renamed over the target: the home and the target
     * must share a filesystem (DESIGN §9), checked once at start rather than failing with EXDEV mid-swap.
     */
    public static void checkSameFileSystem(UpdateHome home, Path target) throws UpdaterException {
        try {
            FileStore homeStore = Files.getFileStore(home.dir());
            // through the folder: APP/current/... of the current.json layout does not exist
            FileStore targetStore = Files.getFileStore(ReleaseLink.inCurrentFolder(target).toAbsolutePath().getParent());
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

    /** Creates {@code dir} (0700) inside the home when missing; refuses a symbolic link there. */
    static Path privateDirectory(Path dir) throws IOException {
        if (Files.isSymbolicLink(dir)) {
            // a link in place of requests/ would make the sidecar write its requests wherever it points
            throw new IOException(dir + " is a symbolic link; the update home's folders are plain directories."
                    + " Remove it");
        }
        return HomeFiles.createPrivateDirectories(dir);
    }
}
