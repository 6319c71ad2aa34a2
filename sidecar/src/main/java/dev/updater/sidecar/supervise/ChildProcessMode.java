package dev.updater.sidecar.supervise;

import dev.updater.core.ErrorCode;
import dev.updater.core.UpdaterException;
import dev.updater.core.home.AgentRecord;
import dev.updater.core.home.RestartRecord;
import dev.updater.core.home.UpdateHome;
import dev.updater.sidecar.health.GateResult;
import dev.updater.sidecar.log.LogEvent;
import dev.updater.sidecar.log.SidecarLog;
import dev.updater.sidecar.health.HealthGate;
import dev.updater.sidecar.health.RunningHost;
import dev.updater.sidecar.overlap.OverlapGate;
import dev.updater.core.home.SwapJournal;

import java.time.Clock;
import java.time.Duration;
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
    private final ReleaseCommand command; // as given, or moved to the folder current.json names
    private final Clock clock;
    private final Consumer<String> log;
    private final HealthGate gate;
    private final RestartHistory restarts;
    private final HostStateSave stateSave;
    private final Object childLock = new Object();
    private ChildHost child; // guarded by childLock
    private OverlapRestart overlap; // guarded by childLock: the overlap update in progress, or null
    private volatile ChildHost keptServing; // the old host of an overlap update rolled back: it never stopped
    private volatile boolean stopping;

    ChildProcessMode(UpdateHome home, SidecarSettings settings, List<String> command, Clock clock,
                     Consumer<String> log) {
        this.home = home;
        this.settings = settings;
        this.command = ReleaseCommand.of(command, settings.target() == null ? null : settings.target().path(), log);
        this.clock = clock;
        this.log = log;
        this.gate = new HealthGate(settings.gate(), home.agentRecord());
        this.restarts = new RestartHistory(home, clock, log);
        this.stateSave = new HostStateSave(home, settings.saveTimeout(), clock, log);
    }

    /** A host whose sidecar died still holds host.lock; two hosts must never run at once. */
    @Override
    public void takeOver() throws UpdaterException, InterruptedException {
        InterruptedOverlap.stopLeftOverHost(home, settings.stopTimeout(), log); // B first: it holds no host.lock
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
            running.stopSaying(settings.stopTimeout(), log);
        }
        clearChild(running);
    }

    @Override
    public Optional<RunningHost> servingHost() {
        ChildHost running = child();
        return running != null && running.isAlive() && !stopping ? Optional.of(running) : Optional.empty();
    }

    /** Overlap mode: the loop leaves the host running, {@link #startAfterSwap} starts the new one beside it. */
    @Override
    public boolean startsBesideRunningHost() {
        ChildHost running = child();
        return settings.restart().overlap() && running != null && running.isAlive();
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
        ChildHost incoming;
        synchronized (childLock) {
            stopping = true;
            running = child;
            incoming = overlap == null ? null : overlap.incoming();
        }
        if (incoming != null && incoming.isAlive()) {
            log.accept("stopping: the new host (pid " + incoming.pid() + ") started beside the old one");
            try {
                incoming.stop(settings.stopTimeout());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (running != null && running.isAlive()) {
            SidecarLog.emit(log, LogEvent.info("host-stopping", "stopping: forwarding SIGTERM to the host (pid "
                    + running.pid() + ")", "pid", running.pid(), "reason", "the sidecar is stopping"));
            try {
                running.stopSaying(settings.stopTimeout(), log);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    // ---- HostControl

    /**
     * Step 6. Overlap mode with the old host running: the new one starts beside it, or, where overlap is
     * impossible, the old one is stopped first (one line says why). A rollback of an overlap update
     * returns the old host, which never stopped.
     */
    @Override
    public Optional<RunningHost> startAfterSwap(SwapJournal journal, boolean rollingBack) throws UpdaterException,
            InterruptedException {
        ChildHost running = child();
        if (rollingBack && running != null && running.isAlive()) {
            keptServing = running; // the old host of an overlap update: it never stopped
            return Optional.of(running);
        }
        String version = String.valueOf(journal.to().version());
        if (rollingBack || running == null || !running.isAlive()) {
            if (!rollingBack) {
                restarts.record(RestartRecord.Mode.STOP_START, !settings.restart().overlap() ? null
                        : journal.kind() == SwapJournal.Kind.ROLLBACK ? "an operator's rollback stops the host first"
                        : "the host was not running when the update began", version);
            }
            ChildHost started = startChild();
            if (started != null && rollingBack) {
                SidecarLog.emit(log, LogEvent.info("version-started", "started " + journal.from().label() + " (pid "
                        + started.pid() + ")", "version", journal.from().label(), "pid", started.pid()));
            }
            return Optional.ofNullable(started);
        }
        try {
            OverlapRestart started = OverlapRestart.begin(running, home.agentRecord().readQuietly(), version, settings,
                    () -> InterruptedOverlap.began(home, launch(), journal.to().version(), log), log);
            synchronized (childLock) {
                overlap = started;
            }
            restarts.record(RestartRecord.Mode.OVERLAP, null, version, started.steering());
            SidecarLog.emit(log, LogEvent.info("version-started", "started " + version + " (pid "
                    + started.incoming().pid() + ") beside the old host (pid " + running.pid() + ")", "version", version,
                    "pid", started.incoming().pid(), "restart", "overlap"));
            return Optional.of(started.incoming());
        } catch (UpdaterException e) {
            if (e.code() != ErrorCode.OVERLAP_UNAVAILABLE) {
                throw e;
            }
            return Optional.ofNullable(fallBack(e.getMessage(), version));
        }
    }

    @Override
    public GateResult awaitHealthy(RunningHost host) throws InterruptedException, UpdaterException {
        if (host == keptServing) {
            // its gate passed long ago and it never stopped: a gate timed from its start would fail at once
            keptServing = null;
            return host.isAlive() ? new GateResult(GateResult.Verdict.PASSED, "the old host (pid " + host.pid()
                    + ") kept serving throughout", Duration.ZERO)
                    : new GateResult(GateResult.Verdict.FAILED, "the old host " + host.describeExit(), Duration.ZERO);
        }
        OverlapRestart o = overlapOf(host);
        if (o == null) {
            SidecarLog.emit(log, LogEvent.info("health-gate", "health gate: " + gate.terms(), "pid", host.pid()));
            return gate.await(host, this::stopping);
        }
        OverlapGate.Result result = o.gate(this::stopping);
        if (result.otherPorts() == null) {
            return result.verdict();
        }
        // B is not wrong, only unlike A: this update becomes a stop-start, gated as one
        o.abandon("(it listens elsewhere)");
        endOverlap();
        ChildHost started = fallBack(result.otherPorts(), o.version());
        if (started == null) {
            return new GateResult(GateResult.Verdict.CANCELLED, "the sidecar is stopping", Duration.ZERO);
        }
        SidecarLog.emit(log, LogEvent.info("health-gate", "health gate: " + gate.terms(), "pid", started.pid()));
        return gate.await(started, this::stopping);
    }

    /** Overlap: B passed; it takes every new connection and A stops gracefully. */
    @Override
    public void handOver(RunningHost host) throws InterruptedException {
        OverlapRestart o = overlapOf(host);
        if (o != null) {
            stateSave.beforeStopping(o.old().pid(), o.version()); // before the cut-over: A still serves
            o.handOver(this::stopping);
            synchronized (childLock) {
                child = o.incoming();
                overlap = null;
            }
            InterruptedOverlap.ended(home);
        }
    }

    @Override
    public void stopFailed(RunningHost host) throws InterruptedException {
        OverlapRestart o = overlapOf(host);
        if (o == null) {
            stopHost("that failed its health gate");
            return;
        }
        o.abandon("that failed its health gate");
        endOverlap();
    }

    @Override
    public boolean stopping() {
        return stopping;
    }

    // ---- overlap

    private OverlapRestart overlapOf(RunningHost host) {
        synchronized (childLock) {
            return overlap != null && overlap.incoming() == host ? overlap : null;
        }
    }

    private void endOverlap() {
        synchronized (childLock) {
            overlap = null;
        }
        InterruptedOverlap.ended(home);
    }

    /** Overlap is impossible for this update: says why in one line, stops the old host, starts the new. */
    private ChildHost fallBack(String why, String version) throws UpdaterException, InterruptedException {
        log.accept("overlap is not possible for this update, so it is a stop-start: " + why);
        restarts.record(RestartRecord.Mode.STOP_START, why, version);
        ChildHost running = child();
        stateSave.beforeStopping(running == null ? 0 : running.pid(), version); // no agent.json names pid 0
        stopHost("to start " + version + " (stop-start)");
        return startChild();
    }

    // ---- the child

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
            child = launch();
            return child;
        }
    }

    private ChildHost launch() throws UpdaterException {
        return ChildHost.launch(command.forStart(), settings.restart().overlap(), clock.instant());
    }
}
