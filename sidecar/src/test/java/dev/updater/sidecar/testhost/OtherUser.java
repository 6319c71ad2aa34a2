package dev.updater.sidecar.testhost;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Reads files as another user, uid and gid 65534 ({@code nobody}), with {@code setpriv}: what a web
 * server running as {@code www-data} sees of files this user wrote. Needs root on Linux; tests skip
 * otherwise, saying why.
 *
 * <pre>{@code
 * OtherUser.assumeAvailable();
 * OtherUser.openToOthers(temp); // @TempDir is 0700: nobody could not even reach the files
 * assertEquals(List.of(), OtherUser.unreadable(files));
 * }</pre>
 */
public final class OtherUser {
    public static final int NOBODY = 65534;

    private OtherUser() {
    }

    /** Skips the test unless this is POSIX, we are root and {@code setpriv} can switch to uid 65534. */
    public static void assumeAvailable() throws IOException, InterruptedException {
        assumeTrue(FileSystems.getDefault().supportedFileAttributeViews().contains("posix"),
                "reading as another user needs a POSIX system");
        assumeTrue("root".equals(System.getProperty("user.name")),
                "reading as another user (setpriv --reuid=" + NOBODY + ") needs root; running as "
                        + System.getProperty("user.name"));
        assumeTrue(run(List.of("true")).exitCode == 0, "setpriv (util-linux) cannot run a command as uid " + NOBODY);
    }

    /** Makes {@code dir} 0755 so that others can reach what lies below it (JUnit's @TempDir is 0700). */
    public static void openToOthers(Path dir) throws IOException {
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    /** The files of {@code files} that uid 65534 cannot read, in order; empty when it reads them all. */
    public static List<Path> unreadable(List<Path> files) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("sh", "-c",
                "for f do cat -- \"$f\" >/dev/null 2>&1 || printf '%s\\n' \"$f\"; done", "sh"));
        files.forEach(file -> command.add(file.toString()));
        Result result = run(command);
        if (result.exitCode != 0) {
            throw new AssertionError("reading as uid " + NOBODY + " failed (exit " + result.exitCode + "): "
                    + result.output);
        }
        return result.output.lines().map(Path::of).toList();
    }

    private record Result(int exitCode, String output) {
    }

    private static Result run(List<String> command) throws IOException, InterruptedException {
        List<String> full = new ArrayList<>(List.of("setpriv", "--reuid=" + NOBODY, "--regid=" + NOBODY,
                "--clear-groups", "--"));
        full.addAll(command);
        Process process;
        try {
            process = new ProcessBuilder(full).redirectErrorStream(true).start();
        } catch (IOException e) {
            return new Result(127, e.toString()); // no setpriv on this system
        }
        process.getOutputStream().close();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("setpriv " + command + " did not finish in 60 s");
        }
        return new Result(process.exitValue(), output);
    }
}
