package dev.updater.sidecar.supervise;

import dev.updater.core.ErrorCode;
import dev.updater.core.UpdaterException;
import dev.updater.core.home.Backup;
import dev.updater.core.home.SidecarRecord;
import dev.updater.core.home.StagedRelease;
import dev.updater.core.home.UpdateHome;
import dev.updater.sidecar.ExitCode;
import dev.updater.sidecar.log.LogEvent;
import dev.updater.sidecar.log.SidecarLog;
import dev.updater.sidecar.swap.Outcome;
import dev.updater.sidecar.swap.Recovery;
import dev.updater.sidecar.swap.SwapContext;
import dev.updater.sidecar.swap.SwapTransaction;

import java.time.Clock;
import java.time.LocalTime;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The one supervision loop of {@code run} and {@code watch} (DESIGN §5–§6): it finishes what an
 * earlier sidecar left unfinished, then reacts to staged releases as the apply policy says, to the
 * operator's {@code apply} and {@code rollback} requests, and to the host's exits, until SIGTERM.
 * How the host is started, stopped and observed is its {@link HostMode}: {@link ChildProcessMode}
 * for {@code run}, {@link ContainerMode} for {@code watch}. Nothing is installed while the host's
 * {@code agent.json} names another target ({@link TargetAgreement}), nor while the host's state
 * cannot be told.
 *
 * <pre>{@code
 * int code = SupervisionLoop.ofChild(home, settings, List.of("java", "-jar", "/opt/app/app.jar"),
 *         Clock.systemDefaultZone(), System.out::println).run();
 * }</pre>
 */
public final class SupervisionLoop {
    /** The host's exit code for "restart me now, installing what is staged" ({@code run}). */
    static final int RESTART_EXIT_CODE = 42;
    /** What {@link #run} returns once stopped by SIGTERM: the JVM's own status for that signal. */
    static final int STOPPED_BY_SIGNAL = ExitCode.TERMINATED.code();
    private static final long POLL_MILLIS = 50;

    private final UpdateHome home;
    private final SidecarSettings settings;
    private final HostMode mode;
    private final Clock clock;
    private final Consumer<String> log;
    private final StagedReleases staged;
    private final OperatorRequests operator;
    private final SwapContext context;
    /** The file the host runs: --target, the command's -jar ({@code run}) or the last install's ({@code watch}). */
    private final Targets.Target target;
    private final TargetAgreement agreement;
    private final SidecarReport report;
    private final ServingGate servingGate;
    /** {@code run} only: whether the host command's agent reports into this home. */
    private final AgentPresence agent;
    private final CountDownLatch loopEnded = new CountDownLatch(1);
    /** Only for the metrics endpoint: what this loop alone knows (issue 18). */
    private final SupervisionCounters counters;
    /** Says once that self-update replaced this sidecar's jar, which takes effect when it restarts. */
    private final SidecarJarWatch ownJar;
    /** {@code run}: restarts this sidecar in place at the next host update, when its jar is newer. */
    private final SelfRestart self;
    private final HostStateSave stateSave;
    private final HaltGuard halts;

    private SupervisionLoop(UpdateHome home, SidecarSettings settings, HostMode mode, List<String> command,
                            SelfRestart self, Clock clock, Consumer<String> log) {
        this.home = home;
        this.settings = settings;
        this.mode = mode;
        this.clock = clock;
        this.log = log;
        this.staged = new StagedReleases(home, log);
        this.operator = new OperatorRequests(home, staged, clock, log);
        this.context = new SwapContext(home, settings.keepBackups(), clock, log);
        this.target = Objects.requireNonNull(settings.target(), "settings.target(): the command resolves it first");
        this.agreement = new TargetAgreement(home, target, staged);
        this.report = new SidecarReport(home, command == null ? SidecarRecord.Mode.WATCH : SidecarRecord.Mode.RUN, settings.policy(), clock, log);
        this.servingGate = new ServingGate(home, settings.gate(), mode, report, clock, log);
        this.agent = command == null ? null : new AgentPresence(home, command, target.path(), settings.gate().timeout(),
                System.getenv(), report, clock, log);
        this.counters = new SupervisionCounters(mode instanceof ChildProcessMode);
        this.self = self;
        this.ownJar = SidecarJarWatch.ofRunningJar(report, self.possible(), log);
        this.stateSave = new HostStateSave(home, settings.saveTimeout(), clock, log);
        this.halts = new HaltGuard(home, settings.policy(), operator, clock, log);
    }

    /** How this loop's transactions ended and how often it restarted the host, for {@code /metrics}. */
    public SupervisionCounters counters() {
        return counters;
    }

    /** What this sidecar tells {@code status} through sidecar.json; the metrics endpoint reports into it too. */
    public SidecarReport report() {
        return report;
    }

    /**
     * {@code run}: the host is this sidecar's child, started with {@code command}; {@code settings} name
     * the target. {@link #run} returns early when {@code self} is {@link SelfRestart#pending}.
     */
    public static SupervisionLoop ofChild(UpdateHome home, SidecarSettings settings, List<String> command,
                                          SelfRestart self, Clock clock, Consumer<String> log) {
        return new SupervisionLoop(home, settings, new ChildProcessMode(home, settings, command, clock, log), command,
                self, clock, log);
    }

    /** {@code watch}: the container runtime starts the host; {@code settings} name the target. */
    public static SupervisionLoop ofContainer(UpdateHome home, SidecarSettings settings, Clock clock,
                                              Consumer<String> log) {
        return new SupervisionLoop(home, settings, new ContainerMode(home, settings, clock, log), null,
                SelfRestart.never(), clock, log);
    }

    private enum Kind { STOPPING, HOST_EXITED, STAGED, APPLY, ROLLBACK }

    private record Event(Kind kind, int exitCode) {
    }

    /**
     * Supervises until the sidecar is stopped (143), or until the host of {@code run} exits on its own
     * with nothing to install (its exit code), or until an install left the host down for the sidecar
     * to restart itself in place ({@link SelfRestart#pending}; 143 then, which {@code run} ignores).
     *
     * @throws UpdaterException {@code HOST_UNHEALTHY} when no healthy version is left, and what the checks at start refuse
     */
    public int run() throws UpdaterException, InterruptedException {
        Runtime.getRuntime().addShutdownHook(new Thread(this::stop, "updater-sidecar-stop"));
        try {
            HomeGuard.checkSameFileSystem(home, target.path());
            Targets.refuseOtherJournalTarget(home, target);
            mode.takeOver();
            report.start();
            if (agent != null) {
                agent.checkCommand();
            }
            giveUpIfMust(new Recovery(context, mode).recover());
            while (!mode.stopping() && !self.pending()) {
                if (mode.hostDown()) {
                    giveUpIfMust(installIfDue(settings.policy().installsWhenStopped(LocalTime.now(clock))));
                    if (mode.hostDown()) {
                        if (!mode.startHost()) {
                            break;
                        }
                        counters.hostStarted();
                    }
                }
                servingGate.checkAtStart();
                Event event = awaitEvent();
                if (event.kind() == Kind.HOST_EXITED && !mode.stopping() && !installsAfterExit(event.exitCode())) {
                    SidecarLog.emit(log, LogEvent.info("host-exited", "the host exited with code " + event.exitCode()
                            + "; the sidecar exits with it", "exitCode", event.exitCode()));
                    return event.exitCode();
                }
                giveUpIfMust(handle(event));
            }
            return STOPPED_BY_SIGNAL;
        } finally {
            loopEnded.countDown();
        }
    }

    private Event awaitEvent() throws UpdaterException, InterruptedException {
        while (true) {
            if (mode.stopping()) {
                return new Event(Kind.STOPPING, 0);
            }
            OptionalInt exit = mode.takeExitCode();
            if (exit.isPresent()) {
                return new Event(Kind.HOST_EXITED, exit.getAsInt());
            }
            Kind due = due();
            if (due != null && hostStateKnown()) {
                return new Event(due, 0);
            }
            if (agent != null) {
                agent.poll(mode.servingHost());
            }
            staged.sayWhatWaits(settings.policy(), report);
            ownJar.check();
            Thread.sleep(POLL_MILLIS);
        }
    }

    /** An operator's request that waits, or a staged release that is due; null when nothing is. */
    private Kind due() throws InterruptedException {
        if (operator.rollbackWaiting()) {
            return Kind.ROLLBACK;
        }
        if (operator.applyWaiting()) {
            return Kind.APPLY;
        }
        // staged.json first: usually absent, so the agent record is not looked at every poll; the
        // agreement before the host is stopped, so a disagreement never stops it for nothing
        return installsNow() && staged.installable().isPresent() && agreement.holds()
                && servingGate.allowsInstall(staged.installable().get().version().toString()) ? Kind.STAGED : null;
    }

    /** on-exit swaps ahead where the mode may swap under a running host; otherwise only when the host may be stopped. */
    private boolean installsNow() {
        return settings.policy().installsWhileRunning(LocalTime.now(clock))
                || (settings.policy().kind() == ApplyPolicy.Kind.ON_EXIT && mode.swapsUnderRunningHost());
    }

    /** False while the host's state cannot be told; the operator's waiting requests are refused then, with why. */
    private boolean hostStateKnown() throws UpdaterException {
        Optional<String> unknown = mode.hostStateUnknown();
        if (unknown.isPresent()) {
            operator.refuseWaiting(unknown.get(), "cannot tell whether the host is running");
        }
        return unknown.isEmpty();
    }

    /** True when the host's exit installs something: it asked for a restart, or the policy installs what is staged. */
    private boolean installsAfterExit(int code) {
        return code == RESTART_EXIT_CODE || (staged.installable().isPresent()
                && settings.policy().installsWhenStopped(LocalTime.now(clock)) && agreement.holds());
    }

    private Optional<Outcome> handle(Event event) throws UpdaterException, InterruptedException {
        switch (event.kind()) {
            case HOST_EXITED:
                return mode.stopping() ? Optional.empty() : afterExit(event.exitCode());
            case STAGED:
                return onStaged();
            case APPLY:
                return onApplyRequest();
            case ROLLBACK:
                return onRollbackRequest();
            default:
                return Optional.empty();
        }
    }

    /** The host is down; what is staged is installed here or before the next start. */
    private Optional<Outcome> afterExit(int code) throws UpdaterException, InterruptedException {
        if (code == RESTART_EXIT_CODE) {
            log.accept("the host asked for a restart (exit code " + RESTART_EXIT_CODE + ")");
            return installIfDue(settings.policy().installsOnRestartRequest());
        }
        SidecarLog.emit(log, LogEvent.info("host-exited", "the host exited with code " + code
                + "; installing the staged release (apply=" + settings.policy() + ")", "exitCode", code));
        return Optional.empty();
    }

    private Optional<Outcome> onStaged() throws UpdaterException, InterruptedException {
        Optional<StagedRelease> due = staged.installable();
        if (due.isEmpty() || halts.withholds(due.get(), false).isPresent()) { // halted meanwhile: the host untouched
            return Optional.empty();
        }
        stopToInstall(due.get(), "to install " + due.get().version() + " (apply=" + settings.policy() + ")");
        return install(due.get(), false);
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
        if (!servingGate.allowsInstall(approved.get().version().toString())) {
            operator.refuse(approved.get().version(), "Refused to install " + approved.get().version() + ": "
                    + servingGate.failure());
            return Optional.empty();
        }
        if (halts.withholds(approved.get(), true).isPresent()) {
            return Optional.empty(); // halted on the channel since it was staged: refused, saying what to do
        }
        stopToInstall(approved.get(), "to install " + approved.get().version() + " (apply)");
        return install(approved.get(), true);
    }

    private Optional<Outcome> onRollbackRequest() throws UpdaterException, InterruptedException {
        Optional<Backup> backup = operator.takeRollback(Optional.of(target.path()));
        if (backup.isEmpty()) {
            return Optional.empty();
        }
        if (!agreement.holds()) {
            operator.refuse(null, agreement.conflict());
            return Optional.empty();
        }
        mode.stopHost("to roll back to " + backup.get().version());
        return Optional.of(new SwapTransaction(context, mode).rollBack(backup.get(), target.path()));
    }

    /** Stops the host for the swap, its state saved first (watch saves later, as it asks the host to exit). */
    private void stopToInstall(StagedRelease release, String why) throws InterruptedException {
        if (!mode.startsBesideRunningHost()) {
            stateSave.beforeStopping(mode, release.version().toString());
            mode.stopHost(why);
        }
    }

    /** Installs the staged release when {@code allowed}; the host is not running. */
    private Optional<Outcome> installIfDue(boolean allowed) throws UpdaterException, InterruptedException {
        if (!allowed) {
            return Optional.empty();
        }
        Optional<StagedRelease> due = staged.installable();
        return due.isPresent() && servingGate.allowsInstall(due.get().version().toString())
                && halts.withholds(due.get(), false).isEmpty() ? install(due.get(), false) : Optional.empty();
    }

    private Optional<Outcome> install(StagedRelease release, boolean approved)
            throws UpdaterException, InterruptedException {
        if (!agreement.holds()) {
            return Optional.empty();
        }
        HomeGuard.checkSameFileSystem(home, target.path());
        return Optional.of(new SwapTransaction(context, self.around(mode)).install(release, target.path(), approved));
    }

    private void giveUpIfMust(Optional<Outcome> outcome) throws UpdaterException, InterruptedException {
        outcome.ifPresent(counters::ended); // every transaction's ending passes here, recovery's too
        outcome.ifPresent(stateSave::afterTransaction);
        if (outcome.isPresent() && outcome.get() instanceof Outcome.GateUnsatisfied unsatisfied) {
            servingGate.failedForServing(unsatisfied.host(), unsatisfied.gateReason());
        }
        if (outcome.isPresent() && outcome.get().mustStop()) {
            mode.stopHost("because no healthy version is left");
            throw new UpdaterException(ErrorCode.HOST_UNHEALTHY, outcome.get().message());
        }
    }

    /** The shutdown hook: lets a journal write in progress finish; a swap cut short is recovered at the next start anyway. */
    private void stop() {
        self.stopAsked(); // first: a restart in place that has not begun never begins, one that has is waited for
        mode.stop();
        try {
            loopEnded.await(settings.stopTimeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
