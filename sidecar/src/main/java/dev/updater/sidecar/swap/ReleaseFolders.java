package dev.updater.sidecar.swap;

import dev.updater.core.Sha256;
import dev.updater.core.archive.ReleaseTree;
import dev.updater.core.ErrorCode;
import dev.updater.core.UpdaterException;
import dev.updater.core.home.AtomicFiles;
import dev.updater.core.home.HomeCleanup;
import dev.updater.core.home.Quarantine;
import dev.updater.core.version.ReleaseVersion;

import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFileAttributeView;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The installed layout of an archive release (DESIGN §5 "Archives"): {@code APP/releases/<version>/}
 * folders and the link {@code APP/current -> releases/<version>} the host runs from (or, where no link
 * can be made, the record {@code APP/current.json} naming that folder: {@link CurrentRecord}). A release folder
 * appears whole or not at all (copied into {@code releases/.<version>.installing}, fsynced, renamed), and
 * the link only ever changes by renaming a new link over it, so {@code APP/current} names the old
 * release or the new one at every instant; where it points is what recovery decides by.
 *
 * <pre>{@code
 * Path folder = ReleaseFolders.install(stagedTree, app, version, config, previous);
 * ReleaseFolders.pointCurrent(app, version, journal.id());   // the atomic step
 * ReleaseFolders.prune(app, 3, quarantine);                   // the previous folders are the backups
 * }</pre>
 */
final class ReleaseFolders {
    static final String CURRENT = "current";
    static final String RELEASES = "releases";
    /** A release folder being copied is {@code releases/.<version>.installing} until its rename. */
    private static final String UNFINISHED_SUFFIX = ".installing";

    private ReleaseFolders() {
    }

    /**
     * Copies the staged release root {@code tree} to {@code APP/releases/<version>/}, carrying over the
     * {@code config} files the operator changed in {@code previous} (see {@link ConfigCarryOver}), and
     * returns the folder with what the carry-over did. A folder of that version that {@code current}
     * does not point at (left by an interrupted attempt) is replaced; the one it points at is kept as it is.
     * The copy is hashed before anything else touches it and must match {@code treeSha256}, the staged
     * tree's hash as the agent unpacked it from the verified archive (null: not checked); a copy that does
     * not is deleted and {@code STAGED_INVALID} thrown, {@code current} unchanged.
     */
    static Installed install(Path tree, Path app, ReleaseVersion version, List<String> config, Path previous,
                             Sha256 treeSha256) throws UpdaterException {
        Path releases = app.resolve(RELEASES);
        Path folder = releases.resolve(version.toString());
        Path temp = releases.resolve("." + version + UNFINISHED_SUFFIX);
        try {
            if (Optional.of(version.toString()).equals(current(app)) && Files.isDirectory(folder, LinkOption.NOFOLLOW_LINKS)) {
                return new Installed(folder, List.of());
            }
            AtomicFiles.createDirectories(releases);
            HomeCleanup.deleteTree(temp);
            copyTree(tree, temp);
            Sha256 copied = treeSha256 == null ? null : ReleaseTree.hashOf(temp);
            if (copied != null && !copied.equals(treeSha256)) {
                HomeCleanup.deleteTreeQuietly(temp);
                throw new UpdaterException(ErrorCode.STAGED_INVALID, "the staged release tree " + tree + " no longer"
                        + " matches what was unpacked from the verified archive (tree SHA-256 " + copied + ", staged.json"
                        + " recorded " + treeSha256 + "): a file in it was changed, added or removed, or its mode"
                        + " changed; nothing was installed from it, " + pointer(app) + " is unchanged, and the"
                        + " staged copy is dropped so that the agent unpacks the release again");
            }
            List<String> kept = ConfigCarryOver.apply(previous, temp, config, ConfigCarryOver.shippedFile(folder));
            fsyncTree(temp);
            HomeCleanup.deleteTree(folder);
            AtomicFiles.moveAtomically(temp, folder);
            return new Installed(folder, kept);
        } catch (IOException e) {
            HomeCleanup.deleteTreeQuietly(temp);
            throw new UpdaterException(ErrorCode.SWAP_FAILED, "Could not install release " + version + " into "
                    + folder + ": " + ArtifactFiles.describe(e) + "; " + pointer(app) + " is unchanged. Check"
                    + " the free space and permissions of " + releases + ".", e);
        }
    }

    /** True for the name of a copy {@link #install} had not finished: {@code .<version>.installing}. */
    static boolean isUnfinishedCopy(String name) {
        return name.startsWith(".") && name.endsWith(UNFINISHED_SUFFIX)
                && ReleaseVersion.tryParse(name.substring(1, name.length() - UNFINISHED_SUFFIX.length())) != null;
    }

    /**
     * @param folder the installed release folder
     * @param keptConfig one sentence per config file whose operator changes were kept
     */
    record Installed(Path folder, List<String> keptConfig) { }

    /**
     * Points {@code APP/current} at {@code releases/<version>}: a new relative link beside it, renamed
     * over it (atomic on POSIX), the folder fsynced; in the fallback layout, {@code APP/current.json}
     * rewritten atomically ({@link CurrentRecord}). A host started from {@code APP/current/...} before
     * the rename keeps the files it opened.
     */
    static void pointCurrent(Path app, ReleaseVersion version, String transactionId) throws UpdaterException {
        pointCurrent(app, version, transactionId, Files::createSymbolicLink);
    }

    /** How a link is made: {@link Files#createSymbolicLink}, or in a test one that fails as Windows does. */
    interface Links {
        void create(Path link, Path text) throws IOException;
    }

    /**
     * {@link #pointCurrent(Path, ReleaseVersion, String)} with {@code links}. Where no link can be made
     * ({@code FileSystemException}: Windows without the privilege, a share), the layout becomes
     * {@code APP/current.json} ({@link CurrentRecord#replaceLink}), so a sidecar whose user lacks what the
     * operator who made the link had still installs.
     */
    static void pointCurrent(Path app, ReleaseVersion version, String transactionId, Links links)
            throws UpdaterException {
        if (CurrentRecord.usedBy(app)) {
            CurrentRecord.write(app, version); // the fallback layout: the record is replaced as the link would be
            return;
        }
        Path link = app.resolve(CURRENT);
        Path temp = app.resolve("." + CURRENT + ".updater-" + transactionId + ".tmp");
        try {
            Files.deleteIfExists(temp);
            try {
                links.create(temp, Path.of(RELEASES, version.toString()));
            } catch (FileSystemException | UnsupportedOperationException e) {
                CurrentRecord.replaceLink(app, version, e);
                return;
            }
            AtomicFiles.moveAtomically(temp, link);
        } catch (IOException | UnsupportedOperationException e) {
            try {
                Files.deleteIfExists(temp);
            } catch (IOException ignored) {
                // a stale temporary link is replaced by the next attempt
            }
            throw new UpdaterException(ErrorCode.SWAP_FAILED, "Could not point " + link + " at " + RELEASES + "/"
                    + version + ": " + e + "; it still points where it did. On Windows, where a link needs a"
                    + " privilege, see docs/archives.md (current.json).", e);
        }
    }

    /**
     * The version {@code APP/current} points at, read from the link itself, or, in the fallback layout,
     * the one {@code APP/current.json} names ({@link CurrentRecord}); empty when it is neither.
     */
    static Optional<String> current(Path app) throws IOException {
        Path link = app.resolve(CURRENT);
        if (CurrentRecord.usedBy(app)) {
            return CurrentRecord.read(app);
        }
        if (!Files.isSymbolicLink(link)) {
            return Optional.empty();
        }
        Path target = Files.readSymbolicLink(link);
        if (target.getNameCount() != 2 || target.isAbsolute() || !target.getName(0).toString().equals(RELEASES)) {
            return Optional.empty();
        }
        return Optional.of(target.getName(1).toString());
    }

    /** What names the current folder, for messages: {@code APP/current}, or {@code APP/current.json} in the fallback layout. */
    static Path pointer(Path app) {
        return app.resolve(CurrentRecord.usedBy(app) ? CurrentRecord.FILE : CURRENT);
    }

    /**
     * Keeps the newest {@code keep} release folders and the one {@code current} points at; deletes the
     * rest with their config records. The folders kept are the backups a rollback moves the link back to,
     * so a folder of a version in {@code quarantine} (held back by an operator's rollback, or failed) is
     * no backup: it is deleted, and takes no place among the {@code keep}.
     *
     * @return the versions deleted
     */
    static List<String> prune(Path app, int keep, Quarantine quarantine) throws IOException {
        Path releases = app.resolve(RELEASES);
        Optional<String> current = current(app);
        List<ReleaseVersion> versions = new ArrayList<>();
        try (Stream<Path> children = Files.list(releases)) {
            for (Path child : children.toList()) {
                ReleaseVersion version = ReleaseVersion.tryParse(child.getFileName().toString());
                if (version != null && Files.isDirectory(child, LinkOption.NOFOLLOW_LINKS)) {
                    versions.add(version);
                }
            }
        }
        versions.sort(Comparator.reverseOrder());
        List<ReleaseVersion> gone = new ArrayList<>(versions.stream().filter(v -> quarantine.contains(v)
                && !current.equals(Optional.of(v.toString()))).toList());
        versions.removeAll(gone);
        gone.addAll(versions.subList(Math.min(keep, versions.size()), versions.size()));
        List<String> deleted = new ArrayList<>();
        for (ReleaseVersion version : gone) {
            if (current.isPresent() && current.get().equals(version.toString())) {
                continue;
            }
            Path folder = releases.resolve(version.toString());
            HomeCleanup.deleteTree(folder);
            Files.deleteIfExists(ConfigCarryOver.shippedFile(folder));
            deleted.add(version.toString());
        }
        return deleted;
    }

    /** Files, folders and relative links as they are, with their modes; a link is never followed. */
    private static void copyTree(Path from, Path to) throws IOException {
        boolean posix = Files.getFileAttributeView(from, PosixFileAttributeView.class) != null;
        Files.walkFileTree(from, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
                Path copy = to.resolve(from.relativize(dir).toString());
                Files.createDirectory(copy);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Path copy = to.resolve(from.relativize(file).toString());
                if (attrs.isSymbolicLink()) {
                    Files.createSymbolicLink(copy, Files.readSymbolicLink(file));
                } else if (attrs.isRegularFile()) {
                    Files.copy(file, copy, LinkOption.NOFOLLOW_LINKS, StandardCopyOption.COPY_ATTRIBUTES);
                } else {
                    throw new IOException(file + " is neither a file, a folder nor a link");
                }
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
                if (e != null) {
                    throw e;
                }
                if (posix) {
                    Path copy = to.resolve(from.relativize(dir).toString());
                    Files.setPosixFilePermissions(copy, Files.getPosixFilePermissions(dir, LinkOption.NOFOLLOW_LINKS));
                }
                return FileVisitResult.CONTINUE;
            }
        });
    }

    private static void fsyncTree(Path root) throws IOException {
        List<Path> folders = new ArrayList<>();
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path path : walk.toList()) {
                if (Files.isRegularFile(path, LinkOption.NOFOLLOW_LINKS)) {
                    AtomicFiles.fsync(path);
                } else if (Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS)) {
                    folders.add(path);
                }
            }
        }
        for (Path folder : folders) {
            AtomicFiles.fsyncDirectory(folder);
        }
    }
}
