package dev.updater.sidecar.swap;

import dev.updater.core.ErrorCode;
import dev.updater.core.Sha256;
import dev.updater.core.UpdaterException;
import dev.updater.core.home.AtomicFiles;
import dev.updater.core.home.SwapJournal;
import dev.updater.core.version.ReleaseVersion;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.security.MessageDigest;
import java.util.Set;

/** The file operations of a swap: measure, copy beside the target, link a backup. Each one fsyncs what it writes. */
final class ArtifactFiles {
    private static final int BUFFER = 1 << 20;

    private ArtifactFiles() {
    }

    /** Size and SHA-256 of a regular file, read without following a symbolic link at its last element. */
    static SwapJournal.Artifact measure(Path file, ReleaseVersion version) throws IOException {
        if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
            throw new IOException(file + " is not a regular file" + (Files.isSymbolicLink(file) ? " (a symbolic link)" : ""));
        }
        MessageDigest digest = Sha256.newDigest();
        long size = 0;
        try (FileChannel in = FileChannel.open(file, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)) {
            ByteBuffer buffer = ByteBuffer.allocate(BUFFER);
            int n;
            while ((n = in.read(buffer)) >= 0) {
                if (n == 0) {
                    continue;
                }
                buffer.flip();
                digest.update(buffer);
                buffer.clear();
                size += n;
            }
        }
        return new SwapJournal.Artifact(version, Sha256.of(digest.digest()), size);
    }

    /**
     * The file whose bytes the target holds: the target itself, or, for a symbolic link
     * ({@code app.jar -> app-1.3.jar}, relative or absolute, through any number of links), the file at
     * the end of the chain. A swap renames over the target, replacing the link, and never writes to
     * the file it points at (see docs/sidecar.md, "Symbolic-link targets").
     */
    static Path installedFile(Path target) throws IOException {
        return Files.isSymbolicLink(target) ? target.toRealPath() : target;
    }

    /** Size and SHA-256 of what the target holds, following a symbolic link at the target itself. */
    static SwapJournal.Artifact measureTarget(Path target) throws IOException {
        return measure(installedFile(target), null);
    }

    /** The SHA-256 of what the target holds (through a symbolic link), or null when it holds no regular file. */
    static Sha256 hashOfTargetOrNull(Path target) {
        try {
            return measureTarget(target).sha256();
        } catch (IOException e) {
            return null;
        }
    }

    /**
     * What identifies a file's bytes without reading them: its inode (file key), size and
     * modification time. Two paths with equal identities are hard links to one unchanged file.
     */
    record Identity(Object fileKey, long size, FileTime modified) {
    }

    static Identity identity(Path file) throws IOException {
        BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        return new Identity(a.fileKey(), a.size(), a.lastModifiedTime());
    }

    /** The SHA-256 of a file, or null when it does not exist as a regular file. */
    static Sha256 hashOrNull(Path file) {
        try {
            return measure(file, null).sha256();
        } catch (IOException e) {
            return null;
        }
    }

    /**
     * Steps 4 of DESIGN §5: copies {@code source} into {@code temp} (beside the target), hashing the very
     * bytes written, gives it {@code mode}, fsyncs it, and checks it is {@code expected}. The bytes
     * installed are the bytes verified, even if {@code source} changes after step 1 (a
     * validate-then-copy race). {@code halfway} is reached with half the bytes written.
     */
    static void copyVerified(Path source, Path temp, SwapJournal.Artifact expected, Set<PosixFilePermission> mode,
                             CrashPoint halfway) throws UpdaterException {
        MessageDigest digest = Sha256.newDigest();
        long size = 0;
        try {
            Files.deleteIfExists(temp);
            try (FileChannel in = FileChannel.open(source, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS);
                 FileChannel out = FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                if (mode != null) {
                    Files.setPosixFilePermissions(temp, mode);
                }
                ByteBuffer buffer = ByteBuffer.allocateDirect(BUFFER);
                boolean pastHalf = false;
                int n;
                while ((n = in.read(buffer)) >= 0) {
                    if (n == 0) {
                        continue;
                    }
                    buffer.flip();
                    digest.update(buffer.duplicate());
                    while (buffer.hasRemaining()) {
                        out.write(buffer);
                    }
                    buffer.clear();
                    size += n;
                    if (!pastHalf && size >= expected.size() / 2) {
                        pastHalf = true;
                        halfway.reach();
                    }
                }
                out.force(true);
            }
        } catch (IOException e) {
            deleteQuietly(temp);
            throw new UpdaterException(ErrorCode.SWAP_FAILED, "Could not copy " + source + " to " + temp + ": "
                    + describe(e) + "; check free space and permissions in " + temp.getParent()
                    + ". The target is unchanged.", e);
        }
        Sha256 sha = Sha256.of(digest.digest());
        if (size != expected.size() || !sha.equals(expected.sha256())) {
            deleteQuietly(temp);
            throw new UpdaterException(ErrorCode.STAGED_INVALID, source + " changed while it was copied: "
                    + size + " bytes with SHA-256 " + sha + ", expected " + expected.size() + " bytes with "
                    + expected.sha256() + ". Nothing was installed; the agent stages it again.");
        }
    }

    /** The POSIX mode of {@code file}, or null where the filesystem has none (Windows). */
    static Set<PosixFilePermission> modeOf(Path file) throws IOException {
        PosixFileAttributeView view = Files.getFileAttributeView(file, PosixFileAttributeView.class,
                LinkOption.NOFOLLOW_LINKS);
        return view == null ? null : view.readAttributes().permissions();
    }

    /**
     * Step 3: keeps {@code installed} at {@code backup} by a hard link when {@code mayLink} (instant,
     * no extra space: the old inode lives on after the rename), else by a copy fsynced before it is
     * renamed into place.
     */
    static void linkOrCopy(Path installed, Path backup, boolean mayLink) throws IOException {
        Files.deleteIfExists(backup);
        if (mayLink) {
            try {
                Files.createLink(backup, installed);
                AtomicFiles.fsyncDirectory(backup.getParent());
                return;
            } catch (UnsupportedOperationException | FileSystemException e) {
                // another filesystem, or none with hard links: copy
            }
        }
        Path temp = backup.resolveSibling("." + backup.getFileName() + ".tmp");
        Files.deleteIfExists(temp);
        Files.copy(installed, temp, LinkOption.NOFOLLOW_LINKS);
        AtomicFiles.fsync(temp);
        AtomicFiles.moveAtomically(temp, backup);
    }

    static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException ignored) {
            // a leftover temp file is removed by the next recovery; the failure being reported matters more
        }
    }

    static String describe(IOException e) {
        String name = e.getClass().getSimpleName();
        return e.getMessage() == null ? name : name + " (" + e.getMessage() + ")";
    }
}
