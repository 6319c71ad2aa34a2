package dev.updater.sidecar.testhost;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import static org.awaitility.Awaitility.await;

/**
 * A child JVM of a test — the sidecar run from its built jar, or a host — with its merged output
 * collected line by line. JVM options favour start-up time: the tests start hundreds of JVMs.
 */
public final class ChildJvm implements AutoCloseable {
    /** The sidecar as operators run it; failsafe runs in the module directory, after 'package'. */
    public static final Path SIDECAR_JAR = Path.of(System.getProperty("sidecar.jar", "target/updater-sidecar.jar"))
            .toAbsolutePath();

    private final Process process;
    private final List<String> output = new CopyOnWriteArrayList<>();
    private final Thread reader;

    private ChildJvm(Process process) {
        this.process = process;
        this.reader = new Thread(this::read, "child-output-" + process.pid());
        reader.setDaemon(true);
        reader.start();
    }

    /** {@code java} with quick-start options, then {@code args}. */
    public static List<String> java(Object... args) {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-XX:-UsePerfData", "-Xshare:auto"));
        for (Object a : args) {
            command.add(a.toString());
        }
        return command;
    }

    /** {@code java [jvmOptions] -jar updater-sidecar.jar args…}. */
    public static ChildJvm sidecar(List<String> jvmOptions, List<String> args) {
        List<Object> all = new ArrayList<>(jvmOptions);
        all.add("-jar");
        all.add(SIDECAR_JAR);
        all.addAll(args);
        return start(java(all.toArray()));
    }

    public static ChildJvm start(List<String> command) {
        try {
            return new ChildJvm(new ProcessBuilder(command).redirectErrorStream(true).start());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public long pid() {
        return process.pid();
    }

    public Process process() {
        return process;
    }

    public List<String> output() {
        return output;
    }

    public String outputText() {
        return String.join("\n", output);
    }

    public boolean hasLine(String line) {
        return output.contains(line);
    }

    /** Waits for a line equal to {@code line}. */
    public void awaitLine(String line, Duration atMost) {
        await().atMost(atMost).pollInterval(Duration.ofMillis(20)).alias("line \"" + line + "\" in\n" + this)
                .until(() -> output.contains(line));
    }

    public void awaitLine(Predicate<String> line, Duration atMost) {
        await().atMost(atMost).pollInterval(Duration.ofMillis(20)).alias("a matching line in\n" + this)
                .until(() -> output.stream().anyMatch(line));
    }

    /** Waits for the exit and what it printed until then; returns the exit code. */
    public int awaitExit(Duration atMost) throws InterruptedException {
        if (!process.waitFor(atMost.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new AssertionError("still running after " + atMost + ":\n" + this);
        }
        // Hosts it started may hold the same pipe open (an orphan after a kill): the output never ends
        // then, so read what is there rather than wait for the end.
        reader.join(300);
        return process.exitValue();
    }

    /** SIGTERM, as systemd or Kubernetes stop a process. */
    public void term() {
        process.toHandle().destroy();
    }

    /** SIGKILL, of this process only: its children live on, as after a crash of the sidecar alone. */
    public void kill9() throws InterruptedException {
        process.toHandle().destroyForcibly();
        process.waitFor();
    }

    /** SIGKILL of this process and all its descendants, as systemd stops a service's cgroup. */
    public void kill9WithChildren() throws InterruptedException {
        List<ProcessHandle> children = process.toHandle().descendants().toList();
        process.toHandle().destroyForcibly();
        children.forEach(ProcessHandle::destroyForcibly);
        process.waitFor();
        for (ProcessHandle child : children) {
            child.onExit().join();
        }
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            try {
                kill9WithChildren();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void read() {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                output.add(line);
            }
        } catch (IOException e) {
            output.add("(output unreadable: " + e + ")");
        }
    }

    @Override
    public String toString() {
        return "--- pid " + process.pid() + (process.isAlive() ? " (running)" : " (exit " + process.exitValue() + ")")
                + "\n" + outputText();
    }
}
