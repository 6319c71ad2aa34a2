package dev.updater.demo;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A release jar run as {@code java -jar demo-app-<version>.jar …} in a child JVM, for the {@code *IT} tests. */
final class DemoProcess implements AutoCloseable {
    static final Duration PATIENCE = Duration.ofSeconds(30);
    static final Pattern LISTENING = Pattern.compile("demo-app (\\S+) listening on (http://\\S+/) \\((.*)\\)");

    private final Process process;
    private final List<String> stdout = new CopyOnWriteArrayList<>();
    private final List<String> stderr = new CopyOnWriteArrayList<>();
    private final List<Thread> readers = new ArrayList<>();

    private DemoProcess(Process process) {
        this.process = process;
        readers.add(read(process.getInputStream(), stdout, "demo-stdout"));
        readers.add(read(process.getErrorStream(), stderr, "demo-stderr"));
    }

    /** The jar the build made for {@code version}; failsafe passes the folder as {@code demo.jars}. */
    static Path jar(String version) {
        Path jar = Path.of(System.getProperty("demo.jars", "target")).resolve("demo-app-" + version + ".jar");
        assertTrue(Files.isRegularFile(jar), "run after 'package': " + jar.toAbsolutePath());
        return jar;
    }

    static DemoProcess start(Path workingFolder, String version, String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar",
                jar(version).toAbsolutePath().toString()));
        command.addAll(List.of(args));
        return new DemoProcess(new ProcessBuilder(command).directory(workingFolder.toFile()).start());
    }

    /** Waits for the start line and returns its URL. */
    URI awaitListening() {
        await("the 'listening on' line").atMost(PATIENCE)
                .failFast("the app exited with " + exitValueIfDone() + "; stderr: " + stderr, () -> !process.isAlive())
                .until(() -> listeningLine().isPresent());
        Matcher line = LISTENING.matcher(listeningLine().orElseThrow());
        assertTrue(line.matches());
        return URI.create(line.group(2));
    }

    Optional<String> listeningLine() {
        return stdout.stream().filter(LISTENING.asPredicate()).findFirst();
    }

    /** Waits for the process to exit, and for all of its output. */
    int awaitExit() throws InterruptedException {
        assertTrue(process.waitFor(PATIENCE.toSeconds(), TimeUnit.SECONDS), "exited within " + PATIENCE);
        for (Thread reader : readers) {
            reader.join(PATIENCE.toMillis());
        }
        return process.exitValue();
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /** SIGTERM on Linux and macOS, as an operator's {@code kill} or a container runtime sends it. */
    void terminate() {
        // Process.destroy() would also close our end of its output.
        process.toHandle().destroy();
    }

    List<String> stdout() {
        return List.copyOf(stdout);
    }

    List<String> stderr() {
        return List.copyOf(stderr);
    }

    private String exitValueIfDone() {
        return process.isAlive() ? "(running)" : Integer.toString(process.exitValue());
    }

    /** Kills what a test left running. */
    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroyForcibly();
            try {
                process.waitFor(PATIENCE.toSeconds(), TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static Thread read(InputStream stream, List<String> lines, String name) {
        Thread reader = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(stream, UTF_8))) {
                for (String line = in.readLine(); line != null; line = in.readLine()) {
                    lines.add(line);
                }
            } catch (IOException e) {
                lines.add("(output unreadable: " + e + ")");
            }
        }, name);
        reader.setDaemon(true);
        reader.start();
        return reader;
    }
}
