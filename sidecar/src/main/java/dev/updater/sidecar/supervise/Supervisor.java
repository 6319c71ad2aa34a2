package dev.updater.sidecar.supervise;

import dev.updater.core.ErrorCode;
import dev.updater.core.UpdaterException;
import dev.updater.core.home.AgentRecord;
import dev.updater.core.home.StagedRelease;
import dev.updater.core.home.UpdateHome;
import dev.updater.sidecar.health.HealthGate;
import dev.updater.sidecar.health.RunningHost;
import dev.updater.sidecar.swap.Backups;
import dev.updater.sidecar.swap.HostControl;
import dev.updater.sidecar.swap.Outcome;
import dev.updater.sidecar.swap.Recovery;
import dev.updater.sidecar.swap.SwapContext;
import dev.updater.sidecar.swap.SwapJournal;
import dev.updater.sidecar.swap.SwapTransaction;

import java.io.IOException;
import java.time.Clock;
import java.time.LocalTime;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * {@code run}, supervisor mode (DESIGN §5–§6): the host is this sidecar's child. It stops, swaps,
 * then starts, which works on every OS (Windows locks a running jar). It forwards SIGTERM and
 * SIGINT to the host, restarts it when it exits with {@value #RESTART_EXIT_CODE}, installs staged
 * releases as the apply policy says, and exits with the host's code when the host exits on its own
 * with nothing to install.
 *
 * <pre>{@code
 * int code = new Supervisor(home, settings, List.of("java", "-jar", "/opt/app/app.jar"), Clock.systemDefaultZone(),
 *         System.out::println).run();
 * }</pre>
 */
public final class Supervisor implements HostControl {
    /** The host's exit code for "restart me now, installing what is staged". */
    public static final int RESTART_EXIT_CODE = 42;
    /** What {@code run} returns once stopped by SIGTERM: the JVM's own status for that signal. */
    static final int STOPPED_BY_SIGNAL = 143;
    private static final long POLL_MILLIS = 50;

    private final UpdateHome home;
    private final SidecarSettings settings;
    private final List<String> command;
    private final Clock clock;
    private final Consumer<String> log;
    private final StagedReleases staged;
    private final OperatorRequests operator;
    private final SwapContext context;
    /** The file the host runs: --target, else the command's -jar; null when neither names one. */
    private final Targets.Target target;
    private final TargetAgreement agreement;
    private final Object childLock = new Object();
    private ChildHost child; // guarded by childLock
    private volatile boolean stopping;

    public Supervisor(UpdateHome home, SidecarSettings settings, List<String> command, Clock clock,
                      Consumer<String> log) {
        this.home = home;
        this.settings = settings;
        this.command = List.copyOf(command);
        this.clock = clock;
        this.log = log;
        this.staged = new StagedReleases(home, log);
        this.operator = new OperatorRequests(home, staged, clock, log);
        this.context = new SwapContext(home, new HealthGate(settings.gate(), home.agentRecord()),
                settings.keepBackups(), clock, log);
        this.target = settings.target() != null ? settings.target() : Targets.ofCommand(null, command).orElse(null);
        this.agreement = target == null ? null : new TargetAgreement(home, target, staged);
    }

    private enum Event { STOPPING, HOST_EXITED, STAGED, APPLY, ROLLBACK }

    /** Supervises until the host exits on its own with nothing to install (its exit code) or the sidecar is stopped. */
    public int run() throws UpdaterException, InterruptedException {
        Runtime.getRuntime().addShutdownHook(new Thread(this::forwardStop, "updater-sidecar-stop"));
        if (target == null) {
            throw new UpdaterException(ErrorCode.TARGET_UNKNOWN, "Cannot tell which file the host runs: the command "
                    + command + " has no -jar; give it with --target.");
        }
        HomeGuard.checkSameFileSystem(home, target.path());
        Targets.refuseOtherJournalTarget(home, target);
        stopOrphanHost();
        Optional<Outcome> recovered = new Recovery(context, this).recover();
        if (recovered.isPresent() && recovered.get().mustStop()) {
            return giveUp(recovered.get());
        }
        while (!stopping) {
            if (child() == null) {
                Optional<Outcome> outcome = installIfDue(policyAllowsWhenStopped());
                if (outcome.isPresent() && outcome.get().mustStop()) {
                    return giveUp(outcome.get());
                }
                if (child() == null && startChild() == null) {
                    break;
                }
            }
            ChildHost running = child();
            Event event = awaitEvent(running);
            Optional<Outcome> outcome = Optional.empty();
            switch (event) {
                case STOPPING:
                    break;
                case HOST_EXITED:
                    int code = running.exitCode();
                    clearChild(running);
                    if (stopping) {
                        break;
                    }
                    if (code == RESTART_EXIT_CODE) {
                        log.accept("the host asked for a restart (exit code " + RESTART_EXIT_CODE + ")");
                        outcome = installIfDue(settings.policy().installsOnRestartRequest());
                    } else if (staged.installable().isPresent() && policyAllowsWhenStopped() && agreement.holds()) {
                        log.accept("the host exited with code " + code + "; installing the staged release (apply="
                                + settings.policy() + ")");
                    } else {
                        log.accept("the host exited with code " + code + "; the sidecar exits with it");
                        return code;
                    }
                    break;
                case STAGED:
                    Optional<StagedRelease> due = staged.installable();
                    if (due.isPresent()) {
                        stopChild("to install " + due.get().version() + " (apply=" + settings.policy() + ")");
                        outcome = install(due.get(), false);
                    }
                    break;
                case APPLY:
                    outcome = onApplyRequest();
                    break;
                default:
                    outcome = onRollbackRequest();
                    break;
            }
            if (outcome.isPresent() && outcome.get().mustStop()) {
                return giveUp(outcome.get());
            }
        }
        return STOPPED_BY_SIGNAL;
    }

    private boolean policyAllowsWhenStopped() {
        return settings.policy().installsWhenStopped(LocalTime.now(clock));
    }

    private Event awaitEvent(ChildHost running) throws InterruptedException {
        while (true) {
            if (stopping) {
                return Event.STOPPING;
            }
            if (!running.isAlive()) {
                return Event.HOST_EXITED;
            }
            if (operator.rollbackWaiting()) {
                return Event.ROLLBACK;
            }
            if (operator.applyWaiting()) {
                return Event.APPLY;
            }
            // staged.json first: usually absent, so the agent record is not looked at every poll; the
            // agreement before the host is stopped, so a disagreement never stops it for nothing
            if (settings.policy().installsWhileRunning(LocalTime.now(clock)) && staged.installable().isPresent()
                    && agreement.holds()) {
                return Event.STAGED;
            }
            Thread.sleep(POLL_MILLIS);
        }
    }

    /** Installs the staged release when {@code allowed}; the host is not running. */
    private Optional<Outcome> installIfDue(boolean allowed) throws UpdaterException, InterruptedException {
        if (!allowed) {
            return Optional.empty();
        }
        Optional<StagedRelease> due = staged.installable();
        return due.isPresent() ? install(due.get(), false) : Optional.empty();
    }

    private Optional<Outcome> install(StagedRelease release, boolean approved)
            throws UpdaterException, InterruptedException {
        if (!agreement.holds()) {
            return Optional.empty();
        }
        HomeGuard.checkSameFileSystem(home, target.path());
        return Optional.of(new SwapTransaction(context, this).install(release, target.path(), approved));
    }

    private Optional<Outcome> onApplyRequest() throws UpdaterException, InterruptedException {
        Optional<StagedRelease> approved = operator.takeApply();
        if (approved.isEmpty()) {
            return Optional.empty();
        }
        if (!agreement.holds()) {
            operator.refuse(approved.get().version(), agreement.conflict());
            return Optional.empty();
        }
        stopChild("to install " + approved.get().version() + " (apply)");
        return install(approved.get(), true);
    }

    private Optional<Outcome> onRollbackRequest() throws UpdaterException, InterruptedException {
        Optional<Backups.Backup> backup = operator.takeRollback(Optional.of(target.path()));
        if (backup.isEmpty()) {
            return Optional.empty();
        }
        if (!agreement.holds()) {
            operator.refuse(null, agreement.conflict());
            return Optional.empty();
        }
        stopChild("to roll back to " + backup.get().version());
        return Optional.of(new SwapTransaction(context, this).rollBack(backup.get(), target.path()));
    }

    private int giveUp(Outcome outcome) throws UpdaterException, InterruptedException {
        stopChild("because no healthy version is left");
        throw new UpdaterException(ErrorCode.HOST_UNHEALTHY, outcome.message());
    }

    /** Before anything else: a host whose sidecar died still holds host.lock; two hosts must never run at once. */
    private void stopOrphanHost() throws UpdaterException, InterruptedException {
        LockProbe.Probe probe = LockProbe.probe(home.hostLock());
        if (probe.unknown()) {
            log.accept(probe.sentence("a host without its sidecar") + "; stopping nothing. Let the sidecar's user"
                    + " lock it, or two hosts may run on this home.");
            return;
        }
        if (!probe.held()) {
            return;
        }
        AgentRecord agent = readAgent();
        log.accept("a host" + (agent == null ? "" : " (pid " + agent.pid() + ")") + " runs on this home without"
                + " its sidecar; stopping it before anything else, so that two hosts never run at once");
        boolean stopped = new HostStopper(home, settings.stopTimeout(), clock, log)
                .stop(agent, "a new sidecar takes over this home", () -> stopping);
        if (!stopped && !stopping) {
            throw new UpdaterException(ErrorCode.HOST_NOT_STOPPED, "The host" + (agent == null ? "" : " (pid "
                    + agent.pid() + ")") + " holding " + home.hostLock() + " did not stop; stop it by hand, then"
                    + " start the sidecar again.");
        }
    }

    private AgentRecord readAgent() {
        return home.agentRecord().readQuietly().orElse(null);
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
            try {
                Process process = new ProcessBuilder(command).inheritIO().start();
                child = new ChildHost(process, clock.instant());
            } catch (IOException e) {
                throw new UpdaterException(ErrorCode.HOST_START_FAILED, "Could not start the host " + command
                        + ": " + e.getMessage() + "; check the command after '--'.", e);
            }
            log.accept("started the host (pid " + child.pid() + ")");
            return child;
        }
    }

    private void stopChild(String why) throws InterruptedException {
        ChildHost running = child();
        if (running == null) {
            return;
        }
        if (running.isAlive()) {
            log.accept("stopping the host (pid " + running.pid() + ") " + why);
            int code = running.stop(settings.stopTimeout());
            log.accept("the host exited with code " + code);
        }
        clearChild(running);
    }

    /** The shutdown hook: SIGTERM or SIGINT reached the sidecar; pass it on to the host and wait for it. */
    private void forwardStop() {
        ChildHost running;
        synchronized (childLock) {
            stopping = true;
            running = child;
        }
        if (running != null && running.isAlive()) {
            log.accept("stopping: forwarding SIGTERM to the host (pid " + running.pid() + ")");
            try {
                int code = running.stop(settings.stopTimeout());
                log.accept("the host exited with code " + code);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    // ---- HostControl

    @Override
    public Optional<RunningHost> startAfterSwap(SwapJournal journal, boolean rollingBack) throws UpdaterException {
        return Optional.ofNullable(startChild());
    }

    @Override
    public void stopFailed(RunningHost host) throws InterruptedException {
        stopChild("that failed its health gate");
    }

    @Override
    public boolean stopping() {
        return stopping;
    }
}
