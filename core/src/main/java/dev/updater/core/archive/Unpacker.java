package dev.updater.core.archive;

import dev.updater.core.ErrorCode;
import dev.updater.core.UpdaterException;
import dev.updater.core.home.AtomicFiles;
import dev.updater.core.home.HomeCleanup;
import dev.updater.core.manifest.ArchiveFormat;
import dev.updater.core.text.HumanUnits;
import dev.updater.core.text.Printable;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Unpacks a verified archive release into a folder that appears whole or not at all (DESIGN §5
 * "Archives"). The archive is hostile input even with a good signature (a compromised build, a
 * careless packer), so each of these is refused with one {@link UpdaterException} and nothing is left:
 * entries that would land outside the folder ({@code ../}, absolute paths, drive letters), symbolic or
 * hard links leading out of it, anything written through a link, devices and fifos, an entry given
 * twice, and more entries, bytes or compression than {@link ArchiveLimits} allow (an archive bomb).
 *
 * <p>Everything is written into a temporary sibling folder, fsynced, then renamed into place. POSIX
 * permissions from the archive are kept so {@code bin/} scripts stay executable, without setuid,
 * setgid, sticky or group/other write bits (a release file others could change runs as the host).
 *
 * <pre>{@code
 * Unpacker.Unpacked result = Unpacker.unpack(Path.of("downloads/app-1.3.0.zip"), ArchiveFormat.ZIP,
 *         home.release("1.3.0").resolve("app"), ArchiveLimits.DEFAULT);
 * }</pre>
 */
public final class Unpacker {
    /** What an unpack wrote. */
    public record Unpacked(Path folder, int files, int folders, int links, long bytes) { }

    private static final int BUFFER = 64 << 10;
    private static final int KEPT_BITS = 0755;

    private final String archive;
    private final long archiveSize;
    private final Path root;
    private final ArchiveLimits limits;
    private final boolean posix;
    private final ArchiveTree tree = new ArchiveTree();
    private final Map<Path, Integer> folderModes = new LinkedHashMap<>();
    private final List<Path> folders = new ArrayList<>();
    private final byte[] buffer = new byte[BUFFER];
    private int entries;
    private int files;
    private int links;
    private long bytes;

    private Unpacker(String archive, long archiveSize, Path root, ArchiveLimits limits) {
        this.archive = archive;
        this.archiveSize = archiveSize;
        this.root = root;
        this.limits = limits;
        this.posix = Files.getFileAttributeView(root, PosixFileAttributeView.class) != null;
    }

    /**
     * Unpacks {@code archive} into {@code destination}, which must not exist yet.
     *
     * @throws UpdaterException {@code ARCHIVE_UNSAFE}, {@code ARCHIVE_TOO_LARGE} or {@code ARCHIVE_MALFORMED}
     *     for the archive, {@code IO} for the disk; {@code destination} then does not exist
     */
    public static Unpacked unpack(Path archive, ArchiveFormat format, Path destination, ArchiveLimits limits)
            throws UpdaterException {
        String name = Printable.of(archive.getFileName().toString(), 120);
        if (Files.exists(destination, LinkOption.NOFOLLOW_LINKS)) {
            throw new UpdaterException(ErrorCode.IO, "Cannot unpack " + name + " into " + destination
                    + ": it already exists; remove it and try again.");
        }
        // a fixed name: a temporary folder left by a crash is replaced by the next attempt, never piled up
        Path temp = destination.resolveSibling("." + destination.getFileName() + ".unpacking");
        try (FileChannel channel = FileChannel.open(archive, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)) {
            HomeCleanup.deleteTree(temp);
            Files.createDirectory(temp);
            Unpacker unpacker = new Unpacker(name, channel.size(), temp, limits);
            try (EntryReader reader = unpacker.open(channel, format)) {
                unpacker.unpackAll(reader);
            }
            unpacker.finish();
            AtomicFiles.moveAtomically(temp, destination);
            return new Unpacked(destination, unpacker.files, unpacker.folders.size(), unpacker.links, unpacker.bytes);
        } catch (UpdaterException e) {
            HomeCleanup.deleteTreeQuietly(temp);
            throw e;
        } catch (IOException e) {
            HomeCleanup.deleteTreeQuietly(temp);
            throw new UpdaterException(ErrorCode.IO, "Could not unpack " + name + " into " + destination + ": " + e
                    + "; nothing was unpacked. Check the free space and permissions of " + destination.getParent()
                    + ".", e);
        }
    }

    /**
     * The release root inside an unpacked folder: the one folder a distribution wraps itself in
     * ({@code app-1.3.0/} from {@code gradle distZip} or the assembly plugin), else the folder itself.
     * A link is never taken as the root.
     */
    public static Path releaseRoot(Path unpacked) throws UpdaterException {
        try (java.util.stream.Stream<Path> children = Files.list(unpacked)) {
            List<Path> all = children.limit(2).toList();
            return all.size() == 1 && Files.isDirectory(all.get(0), LinkOption.NOFOLLOW_LINKS) ? all.get(0) : unpacked;
        } catch (IOException e) {
            throw new UpdaterException(ErrorCode.IO, "Could not list the unpacked " + unpacked + ": " + e + ".", e);
        }
    }

    private EntryReader open(FileChannel channel, ArchiveFormat format) throws IOException, UpdaterException {
        if (format == ArchiveFormat.TAR_GZ) {
            return TarEntries.gzipped(Channels.newInputStream(channel), archive);
        }
        ZipEntries zip = ZipEntries.open(channel, archive);
        if (zip.declaredEntries() > limits.maxEntries()) {
            throw tooLarge("holds " + zip.declaredEntries() + " entries, more than the limit of " + limits.maxEntries());
        }
        // a zip declares every size up front and each is enforced while inflating: a bomb is refused unread
        checkBounds(zip.declaredBytes());
        return zip;
    }

    private void unpackAll(EntryReader reader) throws IOException, UpdaterException {
        ArchiveEntry entry;
        while ((entry = readNext(reader)) != null) {
            if (++entries > limits.maxEntries()) {
                throw tooLarge("holds more than the limit of " + limits.maxEntries() + " entries");
            }
            String path;
            try {
                path = ArchiveTree.normalize(entry.name());
            } catch (IllegalArgumentException e) {
                throw unsafe(entry.name(), e.getMessage());
            }
            switch (entry.kind()) {
                case DEVICE -> throw unsafe(entry.name(), "is a device file");
                case FIFO -> throw unsafe(entry.name(), "is a fifo (named pipe)");
                case OTHER -> throw unsafe(entry.name(), "is of a kind a release never needs (a sparse file, socket"
                        + " or volume label)");
                default -> { }
            }
            if (path.isEmpty()) {
                if (entry.kind() == ArchiveEntry.Kind.DIRECTORY) {
                    continue; // "./": the folder itself
                }
                throw unsafe(entry.name(), "names the folder itself");
            }
            try {
                tree.add(path, entry.kind());
            } catch (IllegalArgumentException e) {
                throw unsafe(entry.name(), e.getMessage());
            }
            Path target = root.resolve(path);
            makeParents(target);
            switch (entry.kind()) {
                case FILE -> writeFile(reader, entry, target);
                case DIRECTORY -> makeFolder(target, entry.mode());
                case SYMLINK -> makeSymlink(entry, path, target);
                case HARDLINK -> makeHardLink(entry, target);
                default -> throw new IllegalStateException("refused above: " + entry.kind());
            }
        }
    }

    private ArchiveEntry readNext(EntryReader reader) throws UpdaterException {
        try {
            return reader.next();
        } catch (IOException e) {
            throw TarEntries.malformed(archive, "it is damaged: " + e.getMessage());
        }
    }

    private void writeFile(EntryReader reader, ArchiveEntry entry, Path target) throws IOException, UpdaterException {
        try (FileChannel out = FileChannel.open(target, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE,
                LinkOption.NOFOLLOW_LINKS); InputStream in = reader.content()) {
            while (true) {
                int n;
                try {
                    n = in.read(buffer);
                } catch (IOException e) {
                    throw TarEntries.malformed(archive, "entry \"" + Printable.of(entry.name(), 120) + "\" is damaged: "
                            + e.getMessage());
                }
                if (n < 0) {
                    break;
                }
                bytes += n;
                checkBounds(bytes);
                ByteBuffer chunk = ByteBuffer.wrap(buffer, 0, n);
                while (chunk.hasRemaining()) {
                    out.write(chunk);
                }
            }
            out.force(true);
        }
        files++;
        setMode(target, entry.mode() < 0 ? 0644 : entry.mode(), 0600);
    }

    private void checkBounds(long bytes) throws UpdaterException {
        if (bytes > limits.maxTotalBytes()) {
            throw tooLarge("unpacks to more than " + HumanUnits.size(limits.maxTotalBytes()) + ", the limit");
        }
        long allowed = archiveSize > Long.MAX_VALUE / limits.maxRatio() ? Long.MAX_VALUE : archiveSize * limits.maxRatio();
        if (bytes > ArchiveLimits.RATIO_FLOOR_BYTES && bytes > allowed) {
            throw tooLarge("unpacks to more than " + limits.maxRatio() + " times its own size (at least "
                    + HumanUnits.size(bytes) + " from " + HumanUnits.size(archiveSize) + "), the ratio of an archive bomb");
        }
    }

    private void makeFolder(Path target, int mode) throws IOException {
        if (!Files.isDirectory(target, LinkOption.NOFOLLOW_LINKS)) {
            Files.createDirectory(target);
            folders.add(target);
        }
        folderModes.put(target, mode < 0 ? 0755 : mode);
    }

    /** Parents were recorded as folders by the tree, so none of them is a link: nothing is written through one. */
    private void makeParents(Path target) throws IOException {
        Path parent = target.getParent();
        if (parent.equals(root) || Files.isDirectory(parent, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        makeParents(parent);
        Files.createDirectory(parent);
        folders.add(parent);
    }

    private void makeSymlink(ArchiveEntry entry, String path, Path target) throws IOException, UpdaterException {
        String to = entry.linkTarget();
        if (to == null || to.isEmpty() || to.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
            throw unsafe(entry.name(), "is a symbolic link with an empty or unprintable target");
        }
        tree.addLink(path, to);
        Files.createSymbolicLink(target, Path.of(to));
        links++;
    }

    private void makeHardLink(ArchiveEntry entry, Path target) throws IOException, UpdaterException {
        String to = entry.linkTarget() == null ? "" : entry.linkTarget();
        String path;
        try {
            path = ArchiveTree.normalize(to);
        } catch (IllegalArgumentException e) {
            throw unsafe(entry.name(), "is a hard link to \"" + Printable.of(to, 120) + "\", which " + e.getMessage());
        }
        if (tree.kindOf(path) != ArchiveEntry.Kind.FILE) {
            throw unsafe(entry.name(), "is a hard link to \"" + Printable.of(to, 120) + "\", which is not a file"
                    + " unpacked before it");
        }
        Files.createLink(target, root.resolve(path));
        links++;
    }

    /** Links are checked once the whole tree is known: a link may lead through one that comes later. */
    private void finish() throws IOException, UpdaterException {
        for (Map.Entry<String, String> link : tree.links().entrySet()) {
            if (!tree.staysInside(link.getKey())) {
                throw unsafe(link.getKey(), "is a symbolic link to \"" + Printable.of(link.getValue(), 120)
                        + "\", which leads out of the folder");
            }
        }
        List<Path> deepestFirst = new ArrayList<>(folders);
        deepestFirst.sort(Comparator.comparingInt(Path::getNameCount).reversed());
        for (Path folder : deepestFirst) {
            setMode(folder, folderModes.getOrDefault(folder, 0755), 0700);
            AtomicFiles.fsyncDirectory(folder);
        }
        setMode(root, 0755, 0700);
        AtomicFiles.fsyncDirectory(root);
    }

    /** Keeps the archive's exec bits; drops setuid, setgid, sticky and group/other write; keeps the owner's access. */
    private void setMode(Path path, int mode, int ownerBits) throws IOException {
        if (!posix) {
            return;
        }
        int bits = (mode & KEPT_BITS) | ownerBits;
        Set<PosixFilePermission> permissions = EnumSet.noneOf(PosixFilePermission.class);
        PosixFilePermission[] order = PosixFilePermission.values(); // OWNER_READ .. OTHERS_EXECUTE, 0400 .. 0001
        for (int i = 0; i < order.length; i++) {
            if ((bits & (0400 >> i)) != 0) {
                permissions.add(order[i]);
            }
        }
        Files.getFileAttributeView(path, PosixFileAttributeView.class, LinkOption.NOFOLLOW_LINKS)
                .setPermissions(permissions);
    }

    private UpdaterException unsafe(String entry, String what) {
        return new UpdaterException(ErrorCode.ARCHIVE_UNSAFE, "Archive " + archive + " is refused: entry \""
                + Printable.of(entry, 120) + "\" " + what + "; nothing was unpacked. It is not safe to install:"
                + " rebuild it from a clean folder (gradle distZip, the assembly plugin, tar) and publish it again.");
    }

    private UpdaterException tooLarge(String what) {
        return new UpdaterException(ErrorCode.ARCHIVE_TOO_LARGE, "Archive " + archive + " is refused: it " + what
                + "; nothing was unpacked. Publish a smaller archive (the limits are in docs/archives.md).");
    }
}
