package dev.updater.sidecar.supervise;

import dev.updater.sidecar.ExitCode;
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

    /** How a stop ended: the host's exit code, and whether it had to be killed after the timeout. */
    record Stopped(int exitCode, boolean killed) {
        /** True when the host ended as a JVM does on SIGTERM (or exited cleanly): nothing worth a line. */
        boolean asAsked() {
            return !killed && (exitCode == 0 || exitCode == ExitCode.TERMINATED.code()
                    || exitCode == ExitCode.INTERRUPTED.code());
        }
    }

    /**
     * SIGTERM (the host's shutdown hooks run), then SIGKILL after {@code timeout}. {@code Process.destroy()}
     * is not used: it would also close our ends of the child's pipes.
     */
    Stopped stop(Duration timeout) throws InterruptedException {
        boolean killed = false;
        if (process.isAlive()) {
            process.toHandle().destroy();
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.toHandle().destroyForcibly();
                killed = true;
            }
        }
        return new Stopped(process.waitFor(), killed);
    }
}
