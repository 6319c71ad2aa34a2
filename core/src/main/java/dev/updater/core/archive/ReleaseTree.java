package dev.updater.core.archive;

import dev.updater.core.Sha256;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * One SHA-256 over an unpacked release tree: every folder, file and link under the root by its path,
 * with each file's mode, size and SHA-256 and each link's text (links are never followed). The agent
 * records it in {@code staged.json} when it unpacks a verified archive; the sidecar computes it again over
 * the copy it is about to install. Threat: a staged tree changed at rest between the two (a file edited,
 * added or removed, a mode changed) would otherwise be installed although the archive's signature
 * no longer covers it.
 *
 * <pre>{@code
 * Sha256 recorded = ReleaseTree.hashOf(home.resolve("releases/1.3.0/app-1.3.0.zip.d/app-1.3.0"));
 * }</pre>
 */
public final class ReleaseTree {
    private ReleaseTree() {
    }

    /** The tree's hash; the same for a faithful copy of it, anywhere. */
    public static Sha256 hashOf(Path root) throws IOException {
        boolean posix = Files.getFileAttributeView(root, PosixFileAttributeView.class) != null;
        List<Path> paths;
        try (Stream<Path> walk = Files.walk(root)) {
            paths = new ArrayList<>(walk.toList());
        }
        // one order on every machine: by the relative path with '/' separators, compared as text
        paths.sort((a, b) -> relative(root, a).compareTo(relative(root, b)));
        MessageDigest listing = Sha256.newDigest();
        for (Path path : paths) {
            String name = relative(root, path);
            String line;
            if (Files.isSymbolicLink(path)) {
                line = "l " + name + " -> " + Files.readSymbolicLink(path);
            } else if (Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS)) {
                line = "d " + mode(path, posix) + " " + name;
            } else if (Files.isRegularFile(path, LinkOption.NOFOLLOW_LINKS)) {
                line = "f " + mode(path, posix) + " " + Files.size(path) + " " + contentOf(path) + " " + name;
            } else {
                line = "? " + name; // the unpacker writes none; its presence changes the hash
            }
            listing.update((line + "\n").getBytes(StandardCharsets.UTF_8));
        }
        return Sha256.of(listing.digest());
    }

    private static String relative(Path root, Path path) {
        return path.equals(root) ? "." : root.relativize(path).toString().replace('\\', '/');
    }

    private static String mode(Path path, boolean posix) throws IOException {
        if (!posix) {
            return "-";
        }
        Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(path, LinkOption.NOFOLLOW_LINKS);
        return PosixFilePermissions.toString(permissions);
    }

    private static String contentOf(Path file) throws IOException {
        MessageDigest digest = Sha256.newDigest();
        byte[] buffer = new byte[64 << 10];
        try (InputStream in = Files.newInputStream(file, LinkOption.NOFOLLOW_LINKS)) {
            for (int n; (n = in.read(buffer)) > 0; ) {
                digest.update(buffer, 0, n);
            }
        }
        return Sha256.of(digest.digest()).hex();
    }
}
