package dev.updater.sidecar.supervise;

import dev.updater.core.ErrorCode;
import dev.updater.core.UpdaterException;
import dev.updater.core.home.AgentRecord;
import dev.updater.core.home.UpdateHome;
import dev.updater.core.text.HumanUnits;
import dev.updater.sidecar.health.GateResult;
import dev.updater.sidecar.log.LogEvent;
import dev.updater.sidecar.log.SidecarLog;
import dev.updater.sidecar.health.HealthGate;
import dev.updater.sidecar.health.RunningHost;
import dev.updater.core.home.SwapJournal;

import java.io.IOException;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.function.Consumer;

/**
 * {@code run}, supervisor mode (DESIGN §5–§6): the host is this sidecar's child. It is stopped,
 * swapped, then started, which works on every OS (Windows locks a running jar); SIGTERM and SIGINT
 * are forwarded to it.
 */
final class ChildProcessMode implements HostMode {
    private final UpdateHome home;
    private final SidecarSettings settings;
    private final List<String> command;
    private final Clock clock;
    private final Consumer<String> log;
    private final HealthGate gate;
    private final Object childLock = new Object();
    private ChildHost child; // guarded by childLock
    private volatile boolean stopping;

    ChildProcessMode(UpdateHome home, SidecarSettings settings, List<String> command, Clock clock,
                     Consumer<String> log) {
        this.home = home;
        this.settings = settings;
        this.command = List.copyOf(command);
        this.clock = clock;
        this.log = log;
        this.gate = new HealthGate(settings.gate(), home.agentRecord());
    }

    /** A host whose sidecar died still holds host.lock; two hosts must never run at once. */
    @Override
    public void takeOver() throws UpdaterException, InterruptedException {
        LockProbe.Probe probe = LockProbe.probe(home.hostLock());
        if (probe.unknown()) {
            log.accept(probe.sentence("a host without its sidecar") + "; stopping nothing. Let the sidecar's user"
                    + " lock it, or two hosts may run on this home.");
            return;
        }
        if (!probe.held()) {
            return;
        }
        AgentRecord agent = HostStopper.agentOf(home).orElse(null);
        String pid = agent == null ? "" : " (pid " + agent.pid() + ")";
        log.accept("a host" + pid + " runs on this home without its sidecar; stopping it before anything else, so"
                + " that two hosts never run at once");
        boolean stopped = new HostStopper(home, settings.stopTimeout(), clock, log)
                .stop(agent, "a new sidecar takes over this home", () -> stopping);
        if (!stopped && !stopping) {
            throw new UpdaterException(ErrorCode.HOST_NOT_STOPPED, "The host" + pid + " holding " + home.hostLock()
                    + " did not stop; stop it by hand, then start the sidecar again.");
        }
    }

    @Override
    public boolean hostDown() {
        return child() == null;
    }

    @Override
    public boolean startHost() throws UpdaterException {
        ChildHost started = startChild();
        if (started != null) {
            SidecarLog.emit(log, LogEvent.info("host-started", "started the host (pid " + started.pid() + ")",
                    "pid", started.pid()));
        }
        return started != null;
    }

    @Override
    public OptionalInt takeExitCode() {
        ChildHost running = child();
        if (running == null || running.isAlive()) {
            return OptionalInt.empty();
        }
        clearChild(running);
        return OptionalInt.of(running.exitCode());
    }

    /** Its host is its child: alive or not is known without host.lock. */
    @Override
    public Optional<String> hostStateUnknown() {
        return Optional.empty();
    }

    @Override
    public void stopHost(String why) throws InterruptedException {
        ChildHost running = child();
        if (running == null) {
            return;
        }
        if (running.isAlive()) {
            SidecarLog.emit(log, LogEvent.info("host-stopping", "stopping the host (pid " + running.pid() + ") " + why,
                    "pid", running.pid(), "reason", why));
            reportUnusual(running, running.stop(settings.stopTimeout()));
        }
        clearChild(running);
    }

    @Override
    public Optional<RunningHost> servingHost() {
        ChildHost running = child();
        return running != null && running.isAlive() && !stopping ? Optional.of(running) : Optional.empty();
    }

    /** Windows locks a running jar, and a child stopped for a swap is started by the sidecar anyway. */
    @Override
    public boolean swapsUnderRunningHost() {
        return false;
    }

    /** Passes SIGTERM on to the host and waits for it; no host starts after this. */
    @Override
    public void stop() {
        ChildHost running;
        synchronized (childLock) {
            stopping = true;
            running = child;
        }
        if (running != null && running.isAlive()) {
            SidecarLog.emit(log, LogEvent.info("host-stopping", "stopping: forwarding SIGTERM to the host (pid "
                    + running.pid() + ")", "pid", running.pid(), "reason", "the sidecar is stopping"));
            try {
                reportUnusual(running, running.stop(settings.stopTimeout()));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    // ---- HostControl

    /**
     * One "started" line per start: the swap transaction names the version it started; a rollback's
     * restart of the previous version is said here.
     */
    @Override
    public Optional<RunningHost> startAfterSwap(SwapJournal journal, boolean rollingBack) throws UpdaterException {
        ChildHost started = startChild();
        if (started != null && rollingBack) {
            SidecarLog.emit(log, LogEvent.info("version-started", "started " + journal.from().label() + " (pid "
                    + started.pid() + ")", "version", journal.from().label(), "pid", started.pid()));
        }
        return Optional.ofNullable(started);
    }

    @Override
    public GateResult awaitHealthy(RunningHost host) throws InterruptedException {
        SidecarLog.emit(log, LogEvent.info("health-gate", "health gate: " + gate.terms(), "pid", host.pid()));
        return gate.await(host, this::stopping);
    }

    @Override
    public void stopFailed(RunningHost host) throws InterruptedException {
        stopHost("that failed its health gate");
    }

    @Override
    public boolean stopping() {
        return stopping;
    }

    // ---- the child

    /**
     * A stop that went as asked (SIGTERM's status, or 0) is not worth a line: the step's own line
     * said it. A host that had to be killed, or ended with another status, is said.
     */
    private void reportUnusual(ChildHost host, ChildHost.Stopped stopped) {
        if (stopped.killed()) {
            SidecarLog.emit(log, LogEvent.warn("host-killed", "the host (pid " + host.pid() + ") did not exit within "
                    + HumanUnits.setting(settings.stopTimeout()) + " of SIGTERM; killed it", "pid", host.pid(),
                    "exitCode", stopped.exitCode()));
        } else if (!stopped.asAsked()) {
            SidecarLog.emit(log, LogEvent.warn("host-exited", "the host (pid " + host.pid() + ") exited with code "
                    + stopped.exitCode() + " as it stopped", "pid", host.pid(), "exitCode", stopped.exitCode()));
        }
    }

    private ChildHost child() {
        synchronized (childLock) {
            return child;
        }
    }

    private void clearChild(ChildHost ended) {
        synchronized (childLock) {
            if (child == ended) {
                child = null;
            }
        }
    }

    private ChildHost startChild() throws UpdaterException {
        synchronized (childLock) {
            if (stopping) {
                return null;
            }
            home.exitRequest().delete(); // a request left by a dead host must not stop the new one
            try {
                Process process = new ProcessBuilder(command).inheritIO().start();
                child = new ChildHost(process, clock.instant());
            } catch (IOException e) {
                throw new UpdaterException(ErrorCode.HOST_START_FAILED, "Could not start the host " + command
                        + ": " + e.getMessage() + "; check the command after '--'.", e);
            }
            return child;
        }
    }
}
