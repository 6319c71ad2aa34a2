package dev.updater.core.home;

import dev.updater.core.ErrorCode;
import dev.updater.core.UpdaterException;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Checks that an update home can be trusted before anything in it is read (DESIGN §4): the home and
 * its folders are real directories (not symbolic links), belong to one user, and nobody else can
 * write them. Threat: whoever can write into the home writes {@code staged.json} and an artifact,
 * and the sidecar installs it; a home made by another user (in a world-writable temp folder, on a
 * shared volume) is that user's, whatever its mode says.
 *
 * <p>Whether the owner may differ from the user running this process is the caller's decision:
 * the agent never accepts it, the sidecar only with {@code --allow-other-owner}.
 *
 * <pre>{@code
 * HomeOwnership ownership = HomeOwnership.check(home);
 * if (!ownership.ownedByThisProcess()) { ... refuse, naming ownership.owner() and ownership.user() ... }
 * }</pre>
 *
 * @param owner who owns the home, or null where the filesystem has no POSIX owners (Windows)
 * @param user who runs this process, or null where that cannot be told
 */
public record HomeOwnership(User owner, User user) {

    /**
     * A user as the filesystem knows it.
     *
     * @param uid the numeric id, -1 when unknown
     * @param name the name, or the uid as text where the system has no name for it
     */
    public record User(int uid, String name) {
        /** {@code app (uid 1000)}. */
        @Override
        public String toString() {
            return uid < 0 ? name : name + " (uid " + uid + ")";
        }
    }

    /** True when this process runs as the home's owner, or where owners cannot be compared (no POSIX). */
    public boolean ownedByThisProcess() {
        if (owner == null || user == null) {
            return true;
        }
        return owner.uid() >= 0 && user.uid() >= 0 ? owner.uid() == user.uid() : owner.name().equals(user.name());
    }

    /** Folders of the home whose version subfolders are checked too. */
    private static final List<String> FOLDERS = List.of("downloads", "releases", "backup", "requests", "handoff");

    /**
     * Checks an existing home and its folders.
     *
     * @throws UpdaterException {@code HOME_INSECURE} when the home or a folder in it is a symbolic
     *     link, belongs to another user than the home, or is writable by group or others;
     *     {@code HOME_UNUSABLE} when it is not a directory or cannot be read
     */
    public static HomeOwnership check(UpdateHome home) throws UpdaterException {
        Path dir = home.dir();
        PosixFileAttributes homeAttributes = posixAttributes(dir, dir);
        if (homeAttributes == null) {
            return new HomeOwnership(null, processUser());
        }
        if (homeAttributes.isSymbolicLink()) {
            throw new UpdaterException(ErrorCode.HOME_INSECURE, "The update home " + dir + " is a symbolic link"
                    + linkDestination(dir) + "; whoever can change the link decides where updater works. Give the"
                    + " real directory as the home.");
        }
        if (!homeAttributes.isDirectory()) {
            throw new UpdaterException(ErrorCode.HOME_UNUSABLE, "The update home " + dir + " is not a directory;"
                    + " give the home a directory.");
        }
        User owner = userOf(dir);
        refuseWritableByOthers("The update home " + dir, dir, homeAttributes.permissions());
        for (Path folder : folders(home)) {
            try {
                checkFolder(folder, dir, owner);
            } catch (UpdaterException e) {
                if (!(e.getCause() instanceof NoSuchFileException)) {
                    throw e;
                }
                // Gone since it was listed: the sidecar's clean-up deletes releases/<v> and old backups while a
                // host starts. What no longer exists cannot be unsafe; reading it as "no update home" had
                // disabled the agent of a host that had just been updated.
            }
        }
        return new HomeOwnership(owner, processUser());
    }

    /** Checks one folder of the home; a folder gone meanwhile throws with a {@link NoSuchFileException} cause. */
    static void checkFolder(Path folder, Path dir, User owner) throws UpdaterException {
        PosixFileAttributes attributes = posixAttributes(folder, dir);
        if (attributes == null) {
            return;
        }
        String what = "The folder " + folder + " of the update home";
        if (attributes.isSymbolicLink()) {
            throw new UpdaterException(ErrorCode.HOME_INSECURE, what + " is a symbolic link" + linkDestination(folder)
                    + "; the home's folders are plain directories, and a link could send updater's writes"
                    + " anywhere. Remove it (rm " + folder + ") and start again.");
        }
        if (!attributes.isDirectory()) {
            throw new UpdaterException(ErrorCode.HOME_INSECURE, what + " is not a directory; remove it (rm "
                    + folder + ") and start again.");
        }
        User folderOwner = userOf(folder);
        if (folderOwner.uid() != owner.uid()) {
            throw new UpdaterException(ErrorCode.HOME_INSECURE, what + " belongs to " + folderOwner
                    + ", not to the home's owner " + owner + ", who alone may write the home; run 'chown -R "
                    + owner.name() + " " + dir + "' and start again.");
        }
        refuseWritableByOthers(what, folder, attributes.permissions());
    }

    /** The folders of the home that exist, and the version folders one level below them. */
    private static List<Path> folders(UpdateHome home) throws UpdaterException {
        List<Path> folders = new ArrayList<>();
        for (String name : FOLDERS) {
            Path folder = home.dir().resolve(name);
            if (!Files.exists(folder, LinkOption.NOFOLLOW_LINKS)) {
                continue;
            }
            folders.add(folder);
            if (!Files.isDirectory(folder, LinkOption.NOFOLLOW_LINKS)) {
                continue;
            }
            try (DirectoryStream<Path> children = Files.newDirectoryStream(folder)) {
                for (Path child : children) {
                    if (Files.isDirectory(child, LinkOption.NOFOLLOW_LINKS) || Files.isSymbolicLink(child)) {
                        folders.add(child);
                    }
                }
            } catch (IOException e) {
                throw new UpdaterException(ErrorCode.HOME_UNUSABLE, "Cannot list " + folder + ": " + e
                        + "; check the update home's permissions.", e);
            }
        }
        return folders;
    }

    private static void refuseWritableByOthers(String what, Path dir, Set<PosixFilePermission> mode)
            throws UpdaterException {
        if (mode.contains(PosixFilePermission.GROUP_WRITE) || mode.contains(PosixFilePermission.OTHERS_WRITE)) {
            throw new UpdaterException(ErrorCode.HOME_INSECURE, what + " is writable by "
                    + (mode.contains(PosixFilePermission.OTHERS_WRITE) ? "others" : "its group") + " ("
                    + PosixFilePermissions.toString(mode) + "), so they could make updater install anything;"
                    + " run 'chmod 700 " + dir + "' and start again.");
        }
    }

    /** The attributes of {@code path} itself (a link is not followed), or null without POSIX attributes. */
    private static PosixFileAttributes posixAttributes(Path path, Path home) throws UpdaterException {
        if (!path.getFileSystem().supportedFileAttributeViews().contains("posix")) {
            return null; // Windows: the directory's ACL is the operator's business
        }
        try {
            return Files.readAttributes(path, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException e) {
            throw new UpdaterException(ErrorCode.HOME_UNUSABLE, "There is no update home at " + home + ".", e);
        } catch (IOException e) {
            throw new UpdaterException(ErrorCode.HOME_UNUSABLE, "Cannot read the owner and mode of " + path + ": " + e
                    + "; check the update home's permissions.", e);
        }
    }

    private static User userOf(Path path) throws UpdaterException {
        try {
            int uid = (Integer) Files.getAttribute(path, "unix:uid", LinkOption.NOFOLLOW_LINKS);
            String name = Files.getOwner(path, LinkOption.NOFOLLOW_LINKS).getName();
            return new User(uid, name);
        } catch (UnsupportedOperationException | IllegalArgumentException e) {
            try {
                return new User(-1, Files.getOwner(path, LinkOption.NOFOLLOW_LINKS).getName());
            } catch (IOException io) {
                throw unreadableOwner(path, io);
            }
        } catch (IOException e) {
            throw unreadableOwner(path, e);
        }
    }

    private static UpdaterException unreadableOwner(Path path, IOException e) {
        return new UpdaterException(ErrorCode.HOME_UNUSABLE, "Cannot read the owner of " + path + ": " + e
                + "; check the update home's permissions.", e);
    }

    /**
     * The user this process runs as: its uid from the JDK's {@code UnixSystem}, else from the owner
     * of {@code /proc/self} (Linux), else by the {@code user.name} property alone; null when none works.
     */
    static User processUser() {
        String name = System.getProperty("user.name", "?");
        try {
            com.sun.security.auth.module.UnixSystem system = new com.sun.security.auth.module.UnixSystem();
            return new User((int) system.getUid(), system.getUsername() == null ? name : system.getUsername());
        } catch (LinkageError | RuntimeException e) {
            // a runtime without jdk.security.auth (a trimmed image): ask the kernel another way
        }
        try {
            return new User((Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid"), name);
        } catch (IOException | RuntimeException e) {
            return name.equals("?") ? null : new User(-1, name);
        }
    }

    private static String linkDestination(Path link) {
        try {
            return " (to " + Files.readSymbolicLink(link) + ")";
        } catch (IOException | UnsupportedOperationException e) {
            return "";
        }
    }
}
