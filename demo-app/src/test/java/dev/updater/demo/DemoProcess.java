package dev.updater.demo;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.updater.core.testing.ChildProcess;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A release jar run as {@code java -jar demo-app-<version>.jar …} in a child JVM ({@link ChildProcess},
 * the tests' one process runner), for the {@code *IT} tests.
 */
final class DemoProcess implements AutoCloseable {
    static final Duration PATIENCE = Duration.ofSeconds(30);
    static final Pattern LISTENING = Pattern.compile("demo-app (\\S+) listening on (http://\\S+/) \\((.*)\\)");

    private final ChildProcess process;

    private DemoProcess(ChildProcess process) {
        this.process = process;
    }

    /** The jar the build made for {@code version}; failsafe passes the folder as {@code demo.jars}. */
    static Path jar(String version) {
        Path jar = Path.of(System.getProperty("demo.jars", "target")).resolve("demo-app-" + version + ".jar");
        assertTrue(Files.isRegularFile(jar), "run after 'package': " + jar.toAbsolutePath());
        return jar;
    }

    static DemoProcess start(Path workingFolder, String version, String... args) {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar",
                jar(version).toAbsolutePath().toString()));
        command.addAll(List.of(args));
        return new DemoProcess(ChildProcess.start(new ProcessBuilder(command).directory(workingFolder.toFile())));
    }

    /** Waits for the start line and returns its URL; fails at once if the app exits without it. */
    URI awaitListening() {
        process.awaitLine(LISTENING.asPredicate(), PATIENCE);
        Matcher line = LISTENING.matcher(listeningLine().orElseThrow());
        assertTrue(line.matches());
        return URI.create(line.group(2));
    }

    Optional<String> listeningLine() {
        return stdout().stream().filter(LISTENING.asPredicate()).findFirst();
    }

    /** Waits for the process to exit, and for all of its output. */
    int awaitExit() throws InterruptedException {
        return process.awaitExit(PATIENCE);
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /** SIGTERM on Linux and macOS, as an operator's {@code kill} or a container runtime sends it. */
    void terminate() {
        process.term();
    }

    List<String> stdout() {
        return process.output();
    }

    List<String> stderr() {
        return process.errorLines();
    }

    /** Kills what a test left running. */
    @Override
    public void close() {
        process.close();
    }
}
