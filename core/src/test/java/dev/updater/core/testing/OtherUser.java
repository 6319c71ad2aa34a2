package dev.updater.core.testing;

import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;

/**
 * Test only: another user, {@code nobody} (uid 65534), to own homes and folders in tests about
 * "a home made by someone else". Only root can give a file away, so such tests are skipped, with
 * the reason, when not run as root or not on POSIX.
 */
public final class OtherUser {
    /** {@code nobody} on Linux. */
    public static final int UID = 65534;

    private OtherUser() {
    }

    /** Skips the test unless it runs as root on a POSIX filesystem. */
    public static void assumeRoot() {
        Assumptions.assumeTrue(FileSystems.getDefault().supportedFileAttributeViews().contains("unix"),
                "needs POSIX owners (unix:uid); this filesystem has none");
        Assumptions.assumeTrue("root".equals(System.getProperty("user.name")),
                "needs root to give a file to another user (uid " + UID + "); runs as " + System.getProperty("user.name"));
    }

    /** Gives {@code path} itself (not a link's destination) to uid 65534. */
    public static Path give(Path path) throws IOException {
        Files.setAttribute(path, "unix:uid", UID, LinkOption.NOFOLLOW_LINKS);
        return path;
    }

    /** The name the filesystem shows for uid 65534 ({@code nobody}, or {@code 65534} without a passwd entry). */
    public static String name(Path owned) throws IOException {
        return Files.getOwner(owned, LinkOption.NOFOLLOW_LINKS).getName();
    }
}
