package dev.updater.sidecar.channel;

import dev.updater.core.home.AtomicFiles;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Files of a release channel, which exists to be served: on POSIX every file {@code publish}
 * writes is 0644 and every folder it creates 0755, whatever the umask or the 0600 of a temp file.
 * Threat: a web server running as another user (nginx as {@code www-data}) that answers 403 to
 * every host, so that the whole fleet silently stops updating.
 */
final class ChannelFiles {
    static final Set<PosixFilePermission> FILE_MODE = PosixFilePermissions.fromString("rw-r--r--");
    static final Set<PosixFilePermission> FOLDER_MODE = PosixFilePermissions.fromString("rwxr-xr-x");

    private ChannelFiles() {
    }

    /**
     * Replaces {@code target} with {@code bytes} atomically and durably (temp file, fsync, rename,
     * fsync the folder), the temp file made world-readable before the rename.
     */
    static void write(Path target, byte[] bytes) throws IOException {
        Path temp = Files.createTempFile(target.toAbsolutePath().getParent(), "." + target.getFileName() + ".", ".tmp");
        try {
            makeReadable(temp);
            try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE)) {
                ByteBuffer buffer = ByteBuffer.wrap(bytes);
                while (buffer.hasRemaining()) {
                    channel.write(buffer);
                }
                channel.force(true);
            }
            AtomicFiles.moveAtomically(temp, target);
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    /** Gives a file the channel's file mode (0644); a no-op where the file system has no POSIX modes. */
    static void makeReadable(Path file) throws IOException {
        if (isPosix(file)) {
            Files.setPosixFilePermissions(file, FILE_MODE);
        }
    }

    /**
     * Creates the channel folder {@code dir} and its missing parents, each made 0755:
     * {@code createDirectories} alone would leave them as narrow as the umask (0700 under
     * {@code umask 077}). An existing folder keeps its mode: it is the operator's.
     */
    static void createFolders(Path dir) throws IOException {
        List<Path> missing = new ArrayList<>();
        for (Path p = dir.toAbsolutePath().normalize(); p != null && !Files.exists(p, LinkOption.NOFOLLOW_LINKS);
                p = p.getParent()) {
            missing.add(p);
        }
        Files.createDirectories(dir);
        if (isPosix(dir)) {
            for (Path created : missing) {
                Files.setPosixFilePermissions(created, FOLDER_MODE);
            }
        }
    }

    /**
     * Creates {@code dir} inside {@code channel} (such as {@code 1.3.0/any}) and makes every folder
     * from below {@code channel} down to {@code dir} 0755, existing ones too: publish owns them.
     */
    static void createFoldersInside(Path channel, Path dir) throws IOException {
        Files.createDirectories(dir);
        if (!isPosix(dir)) {
            return;
        }
        Path root = channel.toAbsolutePath().normalize();
        for (Path p = dir.toAbsolutePath().normalize(); p != null && p.startsWith(root) && !p.equals(root);
                p = p.getParent()) {
            if (!Files.isSymbolicLink(p)) { // chmod would follow it out of the channel
                Files.setPosixFilePermissions(p, FOLDER_MODE);
            }
        }
    }

    /**
     * A warning when others cannot list {@code dir} (a channel folder the operator created 0700),
     * or null: publish leaves the operator's own folder as it is, but says why hosts would get 403.
     */
    static String unreadableFolderWarning(Path dir) throws IOException {
        if (!isPosix(dir) || !Files.isDirectory(dir)) {
            return null;
        }
        Set<PosixFilePermission> mode = Files.getPosixFilePermissions(dir);
        if (mode.contains(PosixFilePermission.OTHERS_READ) && mode.contains(PosixFilePermission.OTHERS_EXECUTE)) {
            return null;
        }
        return dir + " has mode " + PosixFilePermissions.toString(mode) + ": a web server running as another user"
                + " cannot read the channel and hosts would get 403. Make it readable: chmod 755 " + dir;
    }

    private static boolean isPosix(Path path) {
        return path.getFileSystem().supportedFileAttributeViews().contains("posix");
    }
}
