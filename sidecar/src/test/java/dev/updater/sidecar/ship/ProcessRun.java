package dev.updater.sidecar.ship;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** A finished child process and what it printed; {@code toString} shows all of it for assertion messages. */
record ProcessRun(List<String> command, int exitCode, String out, String err) {
    private static final Duration TIMEOUT = Duration.ofMinutes(3);

    static ProcessRun run(List<String> command, Map<String, String> environment) throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(command).directory(ShipFiles.ROOT.toFile());
        builder.environment().putAll(environment);
        Path out = Files.createTempFile("process-run", ".out");
        Path err = Files.createTempFile("process-run", ".err");
        try {
            Process process = builder
                    .redirectInput(ProcessBuilder.Redirect.from(new File(isWindows() ? "NUL" : "/dev/null")))
                    .redirectOutput(out.toFile())
                    .redirectError(err.toFile())
                    .start();
            if (!process.waitFor(TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
                throw new AssertionError(String.join(" ", command) + " did not finish within " + TIMEOUT
                        + "\n--- out\n" + Files.readString(out) + "--- err\n" + Files.readString(err));
            }
            return new ProcessRun(command, process.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                    Files.readString(err, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }

    static ProcessRun run(String... command) throws IOException, InterruptedException {
        return run(List.of(command), Map.of());
    }

    static boolean available(String... command) {
        try {
            return run(command).exitCode() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static boolean isWindows() {
        return System.getProperty("os.name", "").startsWith("Windows");
    }

    @Override
    public String toString() {
        return String.join(" ", command) + "\nexit " + exitCode + "\n--- out\n" + out + "--- err\n" + err;
    }
}
