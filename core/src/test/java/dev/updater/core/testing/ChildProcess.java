package dev.updater.core.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.condition.OS;

import static org.awaitility.Awaitility.await;

/**
 * Test only: a process a test starts — a child JVM, a shell script, a tool — with its output read
 * as it comes, a timeout on every wait, and the whole process tree killed on {@link #close()}, so a
 * failing test leaves nothing running. The one runner of the tests of every module (the demo app's
 * tests take it with no other class of ours).
 *
 * <pre>{@code
 * // a short-lived command: run it to the end
 * ChildProcess.Finished keytool = ChildProcess.run(List.of("keytool", "-list"), Duration.ofSeconds(30));
 * assertEquals(0, keytool.exitCode(), keytool.toString());
 *
 * // a long-running one: watch it, signal it, and it is killed at the end whatever happens
 * try (ChildProcess app = ChildProcess.start(ChildProcess.java("-jar", jar, "--port", "0"))) {
 *     app.awaitLine(line -> line.contains("listening on"), Duration.ofSeconds(30));
 *     app.term();
 *     assertEquals(143, app.awaitExit(Duration.ofSeconds(30)));
 * }
 * }</pre>
 */
public final class ChildProcess implements AutoCloseable {
    /** How long the reading of a finished process's output may take. Hosts it started may hold the same pipe. */
    private static final Duration LAST_OUTPUT = Duration.ofSeconds(2);

    private final List<String> command;
    private final Process process;
    private final Output out;
    private final Output err;

    private ChildProcess(List<String> command, Process process) {
        this.command = List.copyOf(command);
        this.process = process;
        this.out = new Output(process.getInputStream(), "out-" + process.pid());
        this.err = new Output(process.getErrorStream(), "err-" + process.pid());
    }

    /** A finished process: its exit code and everything it printed. {@code toString} shows it all for assertion messages. */
    public record Finished(List<String> command, int exitCode, String out, String err) {
        @Override
        public String toString() {
            return String.join(" ", command) + "\nexit " + exitCode + "\n--- out\n" + out + "--- err\n" + err;
        }
    }

    /** {@code java} of the JDK running the tests, with options for a quick start (tests start hundreds), then {@code args}. */
    public static List<String> java(Object... args) {
        return java(Path.of(System.getProperty("java.home"), "bin", "java"), args);
    }

    /** As {@link #java(Object...)}, with another {@code java} executable. */
    public static List<String> java(Path executable, Object... args) {
        List<String> command = new ArrayList<>(List.of(executable.toString(),
                "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-XX:-UsePerfData", "-Xshare:auto"));
        for (Object arg : args) {
            command.add(arg.toString());
        }
        return command;
    }

    /**
     * A command that exits at once with code 0, for a pid no process runs under any more: {@code true}, which
     * Windows lacks, there {@code cmd /c exit 0}.
     */
    public static List<String> exitingAtOnce() {
        return OS.WINDOWS.isCurrentOs() ? List.of("cmd", "/c", "exit", "0") : List.of("true");
    }

    /** Starts {@code command} with its error output merged into {@link #output()}, in order, as a terminal shows it. */
    public static ChildProcess start(List<String> command) {
        return start(new ProcessBuilder(command).redirectErrorStream(true));
    }

    /** Starts what {@code builder} describes: its directory, environment and redirections hold. */
    public static ChildProcess start(ProcessBuilder builder) {
        try {
            return new ChildProcess(builder.command(), builder.start());
        } catch (IOException e) {
            throw new UncheckedIOException("could not start " + String.join(" ", builder.command()), e);
        }
    }

    /** Runs {@code command} with no input to its end; fails the test if it runs longer than {@code timeout}. */
    public static Finished run(List<String> command, Duration timeout) throws IOException, InterruptedException {
        return run(new ProcessBuilder(command), timeout);
    }

    /** As {@link #run(List, Duration)}, for what {@code builder} describes. */
    public static Finished run(ProcessBuilder builder, Duration timeout) throws IOException, InterruptedException {
        Process started = builder.start();
        try (ChildProcess child = new ChildProcess(builder.command(), started)) {
            started.getOutputStream().close(); // no input: a command that asks for some reads the end at once
            int exitCode = child.awaitExit(timeout);
            return new Finished(child.command, exitCode, child.out.text(), child.err.text());
        }
    }

    /** True when {@code command} exists here and exits with 0 (a tool the test needs, e.g. {@code curl --version}). */
    public static boolean available(String... command) {
        try {
            return run(List.of(command), Duration.ofSeconds(30)).exitCode() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    public long pid() {
        return process.pid();
    }

    public Process process() {
        return process;
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** The lines of standard output so far (with the error output when merged); a line counts once it is ended. */
    public List<String> output() {
        return out.lines();
    }

    public String outputText() {
        return String.join("\n", output());
    }

    public boolean hasLine(String line) {
        return output().contains(line);
    }

    /** Standard output so far, exactly as printed. */
    public String out() {
        return out.text();
    }

    /** The lines of error output so far (none when merged into {@link #output()}); a line counts once it is ended. */
    public List<String> errorLines() {
        return err.lines();
    }

    /** Error output so far, exactly as printed; empty when merged into {@link #output()}. */
    public String err() {
        return err.text();
    }

    /** Waits for a line equal to {@code line}; fails at once, showing the output, if the process ended without it. */
    public void awaitLine(String line, Duration atMost) {
        awaitLine("line \"" + line + "\"", line::equals, atMost);
    }

    /** Waits for a line that matches; fails at once, showing the output, if the process ended without one. */
    public void awaitLine(Predicate<String> line, Duration atMost) {
        awaitLine("a matching line", line, atMost);
    }

    private void awaitLine(String what, Predicate<String> line, Duration atMost) {
        try {
            await().atMost(atMost).pollInterval(Duration.ofMillis(20))
                    .failFast(() -> {
                        if (out.ended() && output().stream().noneMatch(line)) {
                            throw new AssertionError(what + " never came; the process ended:\n" + this);
                        }
                    })
                    .until(() -> output().stream().anyMatch(line));
        } catch (ConditionTimeoutException e) {
            throw new AssertionError("no " + what + " within " + atMost + ":\n" + this, e);
        }
    }

    /** Writes {@code line} and a newline to the process's standard input. */
    public void send(String line) throws IOException {
        OutputStream in = process.getOutputStream();
        in.write((line + "\n").getBytes(StandardCharsets.UTF_8));
        in.flush();
    }

    /**
     * Waits for {@code lastLine}, then for the exit, but not for the end of the output: a host the process
     * started and left running (the orphan of a halted sidecar) holds the same pipe, so its output does not
     * end, and {@link #awaitExit} would wait {@link #LAST_OUTPUT} for that end every time. Returns the exit code.
     */
    public int awaitExitAfterLine(String lastLine, Duration atMost) throws InterruptedException {
        awaitLine(lastLine, atMost);
        if (!process.waitFor(atMost.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new AssertionError("still running after " + atMost + ":\n" + this);
        }
        return process.exitValue();
    }

    /** Waits for the exit and for what it printed until then; returns the exit code, or fails showing the output. */
    public int awaitExit(Duration atMost) throws InterruptedException {
        if (!process.waitFor(atMost.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new AssertionError("still running after " + atMost + ":\n" + this);
        }
        // A host it started may hold the same pipe open (an orphan after a kill): the output never ends
        // then, so take what is there after a short while rather than wait for the end.
        out.awaitEnd(LAST_OUTPUT);
        err.awaitEnd(LAST_OUTPUT);
        return process.exitValue();
    }

    /** SIGTERM (on Windows, TerminateProcess), as systemd or Kubernetes stop a process. */
    public void term() {
        process.toHandle().destroy();
    }

    /** SIGKILL, of this process only: its children live on, as after a crash of this process alone. */
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

    /** Kills what still runs of the process tree, so that no test leaves a process behind. */
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

    @Override
    public String toString() {
        String error = err.text();
        return "--- pid " + process.pid() + (process.isAlive() ? " (running)" : " (exit " + process.exitValue() + ")")
                + ": " + String.join(" ", command) + "\n" + out.text() + (error.isEmpty() ? "" : "--- err\n" + error);
    }

    /** Drains one stream on a daemon thread, so the child never blocks on a full pipe. */
    private static final class Output {
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        private final Thread reader;
        private volatile boolean ended;

        Output(InputStream stream, String name) {
            reader = new Thread(() -> drain(stream), name);
            reader.setDaemon(true);
            reader.start();
        }

        private void drain(InputStream stream) {
            byte[] chunk = new byte[8192];
            try (stream) {
                for (int n = stream.read(chunk); n >= 0; n = stream.read(chunk)) {
                    synchronized (bytes) {
                        bytes.write(chunk, 0, n);
                    }
                }
            } catch (IOException e) {
                synchronized (bytes) {
                    bytes.writeBytes(("(output unreadable: " + e + ")\n").getBytes(StandardCharsets.UTF_8));
                }
            } finally {
                ended = true;
            }
        }

        String text() {
            synchronized (bytes) {
                return bytes.toString(StandardCharsets.UTF_8);
            }
        }

        /** The ended lines, and once the stream has ended, an unended last line too. */
        List<String> lines() {
            boolean all = ended;
            String text = text();
            if (!all) {
                text = text.substring(0, text.lastIndexOf('\n') + 1);
            }
            return text.lines().toList();
        }

        boolean ended() {
            return ended;
        }

        void awaitEnd(Duration atMost) throws InterruptedException {
            reader.join(atMost.toMillis());
        }
    }
}
