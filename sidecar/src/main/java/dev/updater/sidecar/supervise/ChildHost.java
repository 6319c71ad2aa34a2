package dev.updater.sidecar.supervise;

import dev.updater.sidecar.health.RunningHost;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;

/** The host as the child process of {@code run}. */
final class ChildHost implements RunningHost {
    private final Process process;
    private final Instant startedAt;

    ChildHost(Process process, Instant startedAt) {
        this.process = process;
        this.startedAt = startedAt;
    }

    @Override
    public long pid() {
        return process.pid();
    }

    @Override
    public Instant startedAt() {
        return startedAt;
    }

    @Override
    public boolean isAlive() {
        return process.isAlive();
    }

    @Override
    public String describeExit() {
        return process.isAlive() ? "is still running" : "exited with code " + process.exitValue();
    }

    ProcessHandle handle() {
        return process.toHandle();
    }

    int exitCode() {
        return process.exitValue();
    }

    /**
     * SIGTERM (the host's shutdown hooks run), then SIGKILL after {@code timeout}. Returns the exit
     * code. {@code Process.destroy()} is not used: it would also close our ends of the child's pipes.
     */
    int stop(Duration timeout) throws InterruptedException {
        if (process.isAlive()) {
            process.toHandle().destroy();
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.toHandle().destroyForcibly();
            }
        }
        return process.waitFor();
    }
}
