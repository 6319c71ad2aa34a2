package dev.updater.core.home;

import dev.updater.core.ErrorCode;
import dev.updater.core.UpdaterException;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;

/**
 * Opens the files of an update home without following symbolic links. Threat: whoever can write
 * into the home plants {@code sidecar.lock -> /etc/passwd} or {@code history.jsonl -> ~/.bashrc},
 * and a process that followed it would truncate or append to that file, with its own rights
 * (perhaps root's). A link, a FIFO or a device at a home file's name is refused; the link's
 * destination is never opened.
 *
 * <pre>{@code
 * try (FileChannel ch = HomeFiles.open(home.sidecarLock(), StandardOpenOption.CREATE, StandardOpenOption.WRITE)) { ... }
 * Optional<byte[]> bytes = HomeFiles.read(home.agentRecord().path(), 4 << 20);
 * }</pre>
 */
public final class HomeFiles {
    private HomeFiles() {
    }

    /**
     * Opens {@code file} with {@code options} and {@link LinkOption#NOFOLLOW_LINKS}.
     *
     * @throws UpdaterException {@code HOME_INSECURE} when the name is a symbolic link or not a regular file
     * @throws IOException any other failure, as {@link FileChannel#open} reports it
     */
    public static FileChannel open(Path file, OpenOption... options) throws IOException, UpdaterException {
        refuseUnlessRegularOrMissing(file);
        Set<OpenOption> noFollow = new HashSet<>(Set.of(options));
        noFollow.add(LinkOption.NOFOLLOW_LINKS);
        try {
            return FileChannel.open(file, noFollow);
        } catch (IOException e) {
            if (Files.isSymbolicLink(file)) { // planted between the check and the open
                throw symbolicLink(file, e);
            }
            throw e;
        }
    }

    /**
     * Reads the whole of {@code file}, or empty when it does not exist.
     *
     * @throws UpdaterException {@code HOME_INSECURE} when the name is a symbolic link or not a regular
     *     file; {@code RECORD_MALFORMED} when it holds more than {@code maxBytes}
     */
    public static Optional<byte[]> read(Path file, long maxBytes) throws IOException, UpdaterException {
        FileChannel channel;
        try {
            channel = open(file, StandardOpenOption.READ);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
        try (channel) {
            long size = channel.size();
            if (size > maxBytes) {
                throw new UpdaterException(ErrorCode.RECORD_MALFORMED, file + " is " + size + " bytes, more than the "
                        + maxBytes + " a file of the update home may hold; it is not updater's. Move it away.");
            }
            ByteBuffer buffer = ByteBuffer.allocate((int) size);
            while (buffer.hasRemaining() && channel.read(buffer) >= 0) {
                // a file that shrank while read ends the loop at EOF
            }
            byte[] bytes = new byte[buffer.position()];
            buffer.flip().get(bytes);
            return Optional.of(bytes);
        }
    }

    /**
     * Refuses a symbolic link, a FIFO, a device or a directory at {@code file}'s name. Opening a FIFO
     * would block this process until someone writes into it; a link would send the I/O elsewhere.
     */
    static void refuseUnlessRegularOrMissing(Path file) throws IOException, UpdaterException {
        BasicFileAttributes attributes;
        try {
            attributes = Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException e) {
            return;
        }
        if (attributes.isSymbolicLink()) {
            throw symbolicLink(file, null);
        }
        if (!attributes.isRegularFile()) {
            throw new UpdaterException(ErrorCode.HOME_INSECURE, file + " is not a regular file ("
                    + (attributes.isDirectory() ? "a directory" : "a FIFO, socket or device") + "); the update home's"
                    + " files are plain files. Remove it (rm -r " + file + ") and start again.");
        }
    }

    /**
     * Creates {@code dir} and its missing parents with mode 0700 where POSIX has modes, whatever the
     * process's umask: a folder of the home that its group could write would make the sidecar refuse
     * the home ({@link HomeOwnership}).
     */
    public static Path createPrivateDirectories(Path dir) throws IOException {
        if (Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
            return dir;
        }
        Path parent = dir.toAbsolutePath().getParent();
        if (parent != null && !Files.exists(parent, LinkOption.NOFOLLOW_LINKS)) {
            createPrivateDirectories(parent);
        }
        try {
            Files.createDirectory(dir);
        } catch (java.nio.file.FileAlreadyExistsException e) {
            return dir; // created meanwhile by another process of the home; the check at start judges it
        }
        if (dir.getFileSystem().supportedFileAttributeViews().contains("posix")) {
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
        }
        if (parent != null) {
            AtomicFiles.fsyncDirectory(parent); // the new entry survives a power cut with what is written inside
        }
        return dir;
    }

    /**
     * Refuses {@code file} when a folder between the home and it is a symbolic link. Threat: a
     * version folder swapped for a link to {@code /etc} after it was checked; opening the last
     * element without following links does not see links before it.
     *
     * @throws UpdaterException {@code HOME_INSECURE} naming where the folder really is
     */
    public static void refuseLinksOnTheWay(UpdateHome home, Path file) throws IOException, UpdaterException {
        Path parent = file.toAbsolutePath().normalize().getParent();
        Path real = parent.toRealPath();
        Path expected = home.dir().toRealPath().resolve(home.dir().relativize(parent));
        if (!real.equals(expected)) {
            throw new UpdaterException(ErrorCode.HOME_INSECURE, file + " is reached through a symbolic link (its folder"
                    + " is really " + real + "); the update home's folders are plain directories. Remove the link"
                    + " and start again.");
        }
    }

    private static UpdaterException symbolicLink(Path file, IOException cause) {
        String destination;
        try {
            destination = " to " + Files.readSymbolicLink(file);
        } catch (IOException | UnsupportedOperationException e) {
            destination = "";
        }
        return new UpdaterException(ErrorCode.HOME_INSECURE, file + " is a symbolic link" + destination
                + "; the update home's files are plain files, and a link could send updater's writes to any file."
                + " Nothing was opened through it. Remove it (rm " + file + ") and find out who planted it.", cause);
    }
}
