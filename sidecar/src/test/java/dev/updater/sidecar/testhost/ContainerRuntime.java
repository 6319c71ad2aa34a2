package dev.updater.sidecar.testhost;

import dev.updater.core.testing.ChildProcess;

import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Test only: plays the container runtime of {@code watch} mode. It starts the host command, and
 * whenever the host exits, starts it again after a back-off, as Kubernetes restarts a container
 * ({@code restartPolicy: Always}). Each start reads the target afresh, so a swapped artifact runs.
 */
public final class ContainerRuntime implements AutoCloseable {
    private final List<String> command;
    private final Duration backoff;
    private final List<Integer> exits = new CopyOnWriteArrayList<>();
    private final List<String> output = new CopyOnWriteArrayList<>();
    private final Thread loop;
    private volatile boolean closed;
    private volatile ChildProcess current;

    public ContainerRuntime(List<String> command, Duration backoff) {
        this.command = List.copyOf(command);
        this.backoff = backoff;
        this.loop = new Thread(this::restartForever, "container-runtime");
        loop.setDaemon(true);
        loop.start();
    }

    /** The exit codes of the hosts so far, oldest first. */
    public List<Integer> exits() {
        return exits;
    }

    public List<String> output() {
        return output;
    }

    private void restartForever() {
        try {
            while (!closed) {
                ChildProcess host = ChildProcess.start(command);
                current = host;
                host.process().waitFor(); // a host runs as long as it likes: the runtime only reacts to its exit
                int code = host.awaitExit(Duration.ZERO); // and collects its last lines
                output.addAll(host.output());
                exits.add(code);
                Thread.sleep(backoff.toMillis()); // the restart back-off itself, as Kubernetes waits: time is the input
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (UncheckedIOException e) {
            output.add("runtime: " + e);
        }
    }

    @Override
    public void close() {
        closed = true;
        loop.interrupt();
        ChildProcess host = current;
        if (host != null) {
            host.close();
        }
        try {
            loop.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public String toString() {
        return "runtime exits " + exits + "\n" + String.join("\n", output)
                + (current == null ? "" : "\n(current host)\n" + current);
    }
}
