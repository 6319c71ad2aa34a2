package dev.updater.sidecar.supervise;

import dev.updater.core.ErrorCode;
import dev.updater.core.UpdaterException;
import dev.updater.core.text.HumanUnits;
import dev.updater.sidecar.ExitCode;
import dev.updater.sidecar.health.RunningHost;
import dev.updater.sidecar.log.LogEvent;
import dev.updater.sidecar.log.SidecarLog;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/** The host as the child process of {@code run}. */
final class ChildHost implements RunningHost {
    private final Process process;
    private final Instant startedAt;

    /** Read by the agent's bind hook: set {@code SO_REUSEPORT} before every bind. */
    static final String REUSE_PORT_VARIABLE = "UPDATER_REUSE_PORT";

    ChildHost(Process process, Instant startedAt) {
        this.process = process;
        this.startedAt = startedAt;
    }

    /**
     * Starts a host process. Under overlap mode every host gets {@code UPDATER_REUSE_PORT=true}, the
     * first one too: its agent then binds with {@code SO_REUSEPORT}, so the next update can overlap.
     */
    static ChildHost launch(List<String> command, boolean reusePort, Instant now) throws UpdaterException {
        try {
            ProcessBuilder builder = new ProcessBuilder(command).inheritIO();
            if (reusePort) {
                builder.environment().put(REUSE_PORT_VARIABLE, "true");
            }
            return new ChildHost(builder.start(), now);
        } catch (IOException e) {
            throw new UpdaterException(ErrorCode.HOST_START_FAILED, "Could not start the host " + command
                    + ": " + e.getMessage() + "; check the command after '--'.", e);
        }
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
     * {@link #stop}, and a line when it did not go as asked: a host that had to be killed, or ended with
     * another status. A stop as asked (SIGTERM's status, or 0) is not worth a line: the step's own line said it.
     */
    Stopped stopSaying(Duration timeout, Consumer<String> log) throws InterruptedException {
        Stopped stopped = stop(timeout);
        if (stopped.killed()) {
            SidecarLog.emit(log, LogEvent.warn("host-killed", "the host (pid " + pid() + ") did not exit within "
                    + HumanUnits.setting(timeout) + " of SIGTERM; killed it", "pid", pid(),
                    "exitCode", stopped.exitCode()));
        } else if (!stopped.asAsked()) {
            SidecarLog.emit(log, LogEvent.warn("host-exited", "the host (pid " + pid() + ") exited with code "
                    + stopped.exitCode() + " as it stopped", "pid", pid(), "exitCode", stopped.exitCode()));
        }
        return stopped;
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
