package dev.updater.core.testing;

import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Test only: another user, {@code nobody} (uid and gid 65534), to own homes and folders in tests about
 * "a home made by someone else", and to run commands as, with {@code setpriv}: what a web server
 * running as {@code www-data} sees of files this user wrote. Only root can give a file away or
 * switch users, so such tests are skipped, with the reason, when not run as root or not on POSIX.
 *
 * <pre>{@code
 * OtherUser.assumeCanRunAs();
 * OtherUser.openToOthers(temp); // JUnit's @TempDir is 0700: nobody could not even reach the files
 * assertEquals(List.of(), OtherUser.unreadable(files));
 * }</pre>
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

    /** Skips the test unless, as root, {@code setpriv} (util-linux) can run a command as uid 65534. */
    public static void assumeCanRunAs() throws IOException, InterruptedException {
        assumeRoot();
        Assumptions.assumeTrue(ChildProcess.available(command("true").toArray(String[]::new)),
                "setpriv (util-linux) cannot run a command as uid " + UID + " here");
    }

    /** Gives {@code path} itself (not a link's destination) to uid 65534. */
    public static Path give(Path path) throws IOException {
        Files.setAttribute(path, "unix:uid", UID, LinkOption.NOFOLLOW_LINKS);
        return path;
    }

    /** Gives {@code root} and everything below it to uid and gid 65534. */
    public static void giveTree(Path root) throws IOException {
        try (Stream<Path> all = Files.walk(root)) {
            for (Path p : all.toList()) {
                Files.setAttribute(p, "unix:uid", UID, LinkOption.NOFOLLOW_LINKS);
                Files.setAttribute(p, "unix:gid", UID, LinkOption.NOFOLLOW_LINKS);
            }
        }
    }

    /** The name the filesystem shows for uid 65534 ({@code nobody}, or {@code 65534} without a passwd entry). */
    public static String name(Path owned) throws IOException {
        return Files.getOwner(owned, LinkOption.NOFOLLOW_LINKS).getName();
    }

    /** Makes {@code dir} 0755 so that others can reach what lies below it (JUnit's @TempDir is 0700). */
    public static void openToOthers(Path dir) throws IOException {
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    /** {@code command} run as uid and gid 65534 with no supplementary groups. */
    public static List<String> command(String... command) {
        return command(List.of(command));
    }

    /** {@code command} run as uid and gid 65534 with no supplementary groups. */
    public static List<String> command(List<String> command) {
        List<String> full = new ArrayList<>(List.of("setpriv", "--reuid=" + UID, "--regid=" + UID, "--clear-groups",
                "--"));
        full.addAll(command);
        return full;
    }

    /** The files of {@code files} that uid 65534 cannot read, in order; empty when it reads them all. */
    public static List<Path> unreadable(List<Path> files) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("sh", "-c",
                "for f do cat -- \"$f\" >/dev/null 2>&1 || printf '%s\\n' \"$f\"; done", "sh"));
        files.forEach(file -> command.add(file.toString()));
        ChildProcess.Finished result = ChildProcess.run(command(command), Duration.ofSeconds(60));
        if (result.exitCode() != 0) {
            throw new AssertionError("reading as uid " + UID + " failed: " + result);
        }
        return result.out().lines().map(Path::of).toList();
    }
}
