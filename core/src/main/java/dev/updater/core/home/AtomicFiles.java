package dev.updater.core.home;

import dev.updater.core.ErrorCode;
import dev.updater.core.UpdaterException;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;

/**
 * Durable, atomic file replacement: write a temp file beside the target, fsync it, rename it over
 * the target, fsync the directory. A reader sees the old bytes or the new bytes, never a mix, and
 * after a power cut the rename is not lost (atomic is not durable without both fsyncs).
 */
public final class AtomicFiles {
    private AtomicFiles() {
    }

    /** Replaces {@code target} with {@code bytes} atomically and durably. */
    public static void write(Path target, byte[] bytes) throws UpdaterException {
        Path dir = parentOf(target);
        Path temp = null;
        try {
            temp = Files.createTempFile(dir, "." + target.getFileName() + ".", ".tmp");
            try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE)) {
                ByteBuffer buffer = ByteBuffer.wrap(bytes);
                while (buffer.hasRemaining()) {
                    channel.write(buffer);
                }
                channel.force(true);
            }
            moveAtomically(temp, target);
            temp = null;
        } catch (IOException e) {
            throw new UpdaterException(ErrorCode.IO,
                    "Could not write " + target + ": " + describe(e) + "; check that the directory exists, is writable and has free space.", e);
        } finally {
            deleteQuietly(temp);
        }
    }

    /**
     * Renames {@code source} over {@code target} atomically, then fsyncs the target's directory.
     * Never falls back to a non-atomic replace: on Windows a plain REPLACE_EXISTING deletes the target first.
     */
    public static void moveAtomically(Path source, Path target) throws IOException {
        try {
            Files.move(source, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            throw new IOException("cannot rename " + source + " to " + target
                    + " atomically; both must be on the same filesystem", e);
        }
        fsyncDirectory(parentOf(target));
    }

    /**
     * Creates {@code dir} and each missing parent (with {@code attributes}), and fsyncs the parent of
     * every directory it creates. A new directory is an entry in its parent: without that fsync a
     * power cut can take {@code backup/1.0.0/} away, with the fsynced artifact and record inside it.
     * An existing directory, also one reached through a symbolic link, is left as it is.
     */
    public static Path createDirectories(Path dir, FileAttribute<?>... attributes) throws IOException {
        Path absolute = dir.toAbsolutePath();
        if (Files.isDirectory(absolute)) {
            return dir;
        }
        Path parent = absolute.getParent();
        if (parent != null) {
            createDirectories(parent, attributes);
        }
        try {
            Files.createDirectory(absolute, attributes);
        } catch (FileAlreadyExistsException e) {
            if (!Files.isDirectory(absolute)) {
                throw e;
            }
            // another process created it meanwhile; its entry is made durable below all the same
        }
        if (parent != null) {
            fsyncDirectory(parent);
        }
        return dir;
    }

    /** Flushes a file's contents and metadata to disk; a symbolic link at {@code file} is not followed. */
    public static void fsync(Path file) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS)) {
            channel.force(true);
        }
    }

    /**
     * Flushes a directory entry change (a rename, a create) to disk. Windows cannot open a
     * directory for syncing; there NTFS journals the rename itself, so it is skipped.
     */
    public static void fsyncDirectory(Path dir) throws IOException {
        if (isWindows()) {
            return;
        }
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        }
    }

    static Path parentOf(Path file) {
        Path parent = file.toAbsolutePath().getParent();
        if (parent == null) {
            throw new IllegalArgumentException("No parent directory for " + file);
        }
        return parent;
    }

    private static boolean isWindows() {
        return System.getProperty("os.name", "").toLowerCase(java.util.Locale.ROOT).startsWith("windows");
    }

    private static void deleteQuietly(Path path) {
        if (path == null) {
            return;
        }
        try {
            Files.deleteIfExists(path);
        } catch (IOException ignored) {
            // a leftover dot-temp file is harmless; the failure being reported matters more
        }
    }

    static String describe(IOException e) {
        String name = e.getClass().getSimpleName();
        return e.getMessage() == null ? name : name + " (" + e.getMessage() + ")";
    }
}
