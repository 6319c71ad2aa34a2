package dev.updater.sidecar.selfupdate;

import dev.updater.core.ErrorCode;
import dev.updater.core.UpdaterException;
import dev.updater.core.text.Printable;
import dev.updater.core.version.ReleaseVersion;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs a new, verified updater-sidecar jar once before it replaces the running one: {@code java
 * -jar NEW --version} in a child JVM of this Java, which must print exactly {@code updater-sidecar
 * VERSION} within the time limit. Threat: a release that is signed and intact but cannot start on
 * this machine (built for a newer Java, a broken Main-Class, a truncated build) would otherwise
 * replace a working updater with one that runs nothing, and the next {@code run} of the service
 * would fail with it.
 */
final class SmokeTest {
    static final Duration TIME_LIMIT = Duration.ofSeconds(60);
    /** More output than {@code --version} ever prints is not read. */
    private static final int MAX_OUTPUT = 4096;

    private SmokeTest() {
    }

    /**
     * @param folder where the child's output goes (the self-update's temporary folder)
     * @throws UpdaterException {@code SMOKE_TEST_FAILED} with the exit code and what it printed
     */
    static void run(Path jar, ReleaseVersion expected, Path folder) throws UpdaterException, InterruptedException {
        Path java = Path.of(System.getProperty("java.home"), "bin", isWindows() ? "java.exe" : "java");
        List<String> command = List.of(java.toString(), "-jar", jar.toString(), "--version");
        String wanted = "updater-sidecar " + expected;
        Path out = folder.resolve("smoke-test.out");
        Path err = folder.resolve("smoke-test.err");
        Process process;
        try {
            process = new ProcessBuilder(command).redirectInput(ProcessBuilder.Redirect.from(nullDevice()))
                    .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        } catch (IOException e) {
            throw failed(expected, jar, "could not be started (" + e + ")", wanted);
        }
        if (!process.waitFor(TIME_LIMIT.toSeconds(), TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
            throw failed(expected, jar, "did not finish within " + TIME_LIMIT.toSeconds() + " s", wanted);
        }
        String printed = head(out).strip();
        if (process.exitValue() != 0 || !printed.equals(wanted)) {
            String errors = head(err).strip();
            throw failed(expected, jar, "exited with " + process.exitValue() + " and printed \"" + printed + "\""
                    + (errors.isEmpty() ? "" : " (stderr: \"" + errors + "\")"), wanted);
        }
    }

    private static UpdaterException failed(ReleaseVersion version, Path jar, String what, String wanted) {
        return new UpdaterException(ErrorCode.SMOKE_TEST_FAILED, Printable.of("The new updater " + version
                + " failed its smoke test: 'java -jar " + jar.getFileName() + " --version' " + what + ", not \""
                + wanted + "\". Nothing was replaced; the installed updater is unchanged. Report it to the updater's"
                + " publisher (a release that does not start on Java " + Runtime.version().feature() + " here).",
                Printable.MAX_LINE_LENGTH));
    }

    private static String head(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            return new String(in.readNBytes(MAX_OUTPUT), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }

    private static java.io.File nullDevice() {
        return new java.io.File(isWindows() ? "NUL" : "/dev/null");
    }

    private static boolean isWindows() {
        return System.getProperty("os.name", "").startsWith("Windows");
    }
}
