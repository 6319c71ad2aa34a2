package dev.updater.sidecar.supervise;

import dev.updater.core.Durations;
import dev.updater.core.Sha256;
import dev.updater.core.UpdaterException;
import dev.updater.core.home.AgentRecord;
import dev.updater.core.home.ApplyRequest;
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

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * {@code watch}, container mode (DESIGN §5): the container runtime starts the host, not this sidecar.
 * On Linux and macOS a rename gives the target a new inode while the running JVM keeps its old one,
 * so the watcher swaps first, with the host running, then asks the host to exit (through its agent,
 * then SIGTERM where the pid is visible), and gates the host the runtime starts next. Rollback
 * follows the same order. With {@code apply=on-exit} it swaps ahead and waits for the host to exit
 * on its own; this never races the runtime's restart against the swap.
 */
public final class Watcher implements HostControl {
    private static final long POLL_MILLIS = 50;

    private final UpdateHome home;
    private final SidecarSettings settings;
    private final Clock clock;
    private final Consumer<String> log;
    private final StagedReleases staged;
    private final OperatorRequests operator;
    private final SwapContext context;
    private final HostStopper stopper;
    /** The file the host runs: --target, else the target of the sidecar's last install; never agent.json's. */
    private final Targets.Target target;
    private final TargetAgreement agreement;
    private final CountDownLatch loopEnded = new CountDownLatch(1);
    private volatile boolean stopping;
    private boolean saidUnknown;

    public Watcher(UpdateHome home, SidecarSettings settings, Clock clock, Consumer<String> log) {
        this.home = home;
        this.settings = settings;
        this.clock = clock;
        this.log = log;
        this.staged = new StagedReleases(home, log);
        this.operator = new OperatorRequests(home, staged, clock, log);
        this.context = new SwapContext(home, new HealthGate(settings.gate(), home.agentRecord()),
                settings.keepBackups(), clock, log);
        this.stopper = new HostStopper(home, settings.stopTimeout(), clock, log);
        this.target = settings.target();
        this.agreement = target == null ? null : new TargetAgreement(home, target, staged);
    }

    /** Watches until the sidecar is stopped; returns 143 then, as the JVM does on SIGTERM. */
    public int run() throws UpdaterException, InterruptedException {
        Runtime.getRuntime().addShutdownHook(new Thread(this::stop, "updater-sidecar-stop"));
        try {
            if (target == null) {
                throw new UpdaterException(dev.updater.core.ErrorCode.TARGET_UNKNOWN, "Cannot tell which file the"
                        + " host runs; give it with --target.");
            }
            clearStaleExitRequest();
            HomeGuard.checkSameFileSystem(home, target.path());
            Targets.refuseOtherJournalTarget(home, target);
            check(new Recovery(context, this).recover());
            while (!stopping) {
                if (somethingToDo() && hostStateKnown()) {
                    if (operator.rollbackWaiting()) {
                        check(onRollbackRequest());
                    } else if (operator.applyWaiting()) {
                        check(onApplyRequest());
                    } else {
                        Optional<StagedRelease> due = staged.installable();
                        if (due.isPresent()) {
                            check(install(due.get(), false));
                        }
                    }
                }
                Thread.sleep(POLL_MILLIS);
            }
            return Supervisor.STOPPED_BY_SIGNAL;
        } finally {
            loopEnded.countDown();
        }
    }

    /**
     * Threat: in a container the pid of a host that died is often the pid of the next one, and an
     * {@code exit.json} left by a sidecar killed while it stopped a host would stop the restarted one.
     * No request of an earlier sidecar is valid once this one starts.
     */
    private void clearStaleExitRequest() throws UpdaterException {
        if (home.exitRequest().exists()) {
            home.exitRequest().delete();
            log.accept("removed a stale exit request an earlier sidecar left behind (" + home.exitRequest() + ")");
        }
    }

    /** An operator's request waits, or a staged release is due (staged.json first: the agent record is read only then). */
    private boolean somethingToDo() {
        return operator.rollbackWaiting() || operator.applyWaiting()
                || (installsNow() && staged.installable().isPresent());
    }

    /**
     * False while {@code host.lock} cannot be probed: a swap, a stop or a gate decided on a guess could
     * quarantine a good release. Says so once, and refuses the operator's waiting requests with why.
     */
    private boolean hostStateKnown() throws UpdaterException {
        LockProbe.Probe probe = LockProbe.probe(home.hostLock());
        if (!probe.unknown()) {
            if (saidUnknown) {
                log.accept(home.hostLock() + " can be locked again; watching resumes");
                saidUnknown = false;
            }
            return true;
        }
        operator.refuseWaiting(sayUnknown(probe), "cannot tell whether the host is running");
        return false;
    }

    private String sayUnknown(LockProbe.Probe probe) {
        String sentence = probe.sentence("the host") + "; nothing is swapped, stopped or quarantined until it can be."
                + " Run the sidecar as a user who can lock it (the host's).";
        if (!saidUnknown) {
            log.accept(sentence);
            saidUnknown = true;
        }
        return sentence;
    }

    /** on-exit swaps ahead and lets the host exit on its own; the others swap only when they may stop it. */
    private boolean installsNow() {
        return settings.policy().kind() == ApplyPolicy.Kind.ON_EXIT
                || settings.policy().installsWhileRunning(LocalTime.now(clock));
    }

    private void check(Optional<Outcome> outcome) throws UpdaterException {
        if (outcome.isPresent() && outcome.get().mustStop()) {
            throw new UpdaterException(dev.updater.core.ErrorCode.HOST_UNHEALTHY, outcome.get().message());
        }
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
        if (approved.isPresent() && !agreement.holds()) {
            operator.refuse(approved.get().version(), agreement.conflict());
            return Optional.empty();
        }
        return approved.isEmpty() ? Optional.empty() : install(approved.get(), true);
    }

    private Optional<Outcome> onRollbackRequest() throws UpdaterException, InterruptedException {
        Optional<Backups.Backup> backup = operator.takeRollback(Optional.of(target.path()));
        if (backup.isPresent() && !agreement.holds()) {
            operator.refuse(null, agreement.conflict());
            return Optional.empty();
        }
        return backup.isEmpty() ? Optional.empty()
                : Optional.of(new SwapTransaction(context, this).rollBack(backup.get(), target.path()));
    }

    private void stop() {
        stopping = true;
        try {
            // Let a journal write in progress finish; a swap cut short is recovered at the next start anyway.
            loopEnded.await(settings.stopTimeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    // ---- HostControl

    /**
     * Gets the host running the artifact now at the target: asks the host that runs something else to
     * exit (or, with on-exit, waits for it to), then waits for the runtime to start it again.
     */
    @Override
    public Optional<RunningHost> startAfterSwap(SwapJournal journal, boolean rollingBack)
            throws UpdaterException, InterruptedException {
        Sha256 expected = new Sha256(rollingBack ? journal.from().sha256() : journal.to().sha256());
        String expectedLabel = rollingBack ? journal.from().label() : journal.to().label();
        boolean waitForOwnExit = !rollingBack && !journal.approved()
                && settings.policy().kind() == ApplyPolicy.Kind.ON_EXIT;
        AgentRecord asked = null;
        boolean saidWaiting = false;
        Instant calledAt = clock.instant();
        Instant noHostSince = null;
        while (!stopping) {
            LockProbe.Probe probe = LockProbe.probe(home.hostLock());
            if (probe.unknown()) {
                sayUnknown(probe);
                noHostSince = null; // --restart-timeout counts the time known to be without a host, not this
                Thread.sleep(POLL_MILLIS);
                continue;
            }
            boolean held = probe.held();
            AgentRecord record = readAgent();
            Instant now = clock.instant();
            boolean runsExpected = record != null && record.pid() > 0 && expected.equals(record.targetSha256());
            if (runsExpected && !held && startedSince(record, calledAt)) {
                // it started on the swapped artifact and is gone already (a crash at start): the gate says so
                return Optional.of(WatchedHost.of(home, record, now));
            }
            if (held && record != null && !record.exiting() && record.pid() > 0) {
                noHostSince = null;
                if (runsExpected) {
                    return Optional.of(WatchedHost.of(home, record, now));
                }
                if (waitForOwnExit && approvedMeanwhile(journal)) {
                    waitForOwnExit = false;
                }
                if (waitForOwnExit) {
                    if (!saidWaiting) {
                        log.accept("swapped to " + expectedLabel + "; it starts when the host (pid " + record.pid()
                                + ") exits on its own (apply=on-exit)");
                        saidWaiting = true;
                    }
                } else if (asked == null || !WatchedHost.sameProcess(record, asked.pid(), asked.startedAt())) {
                    asked = record;
                    log.accept("asking the host (pid " + record.pid() + ") to exit, so that the container runtime"
                            + " starts it on " + expectedLabel);
                    boolean exited = stopper.stop(record, "updater-sidecar: " + expectedLabel + " is installed;"
                            + " exit so that the container runtime restarts this host on it", () -> stopping);
                    if (!exited && !stopping && !LockProbe.probe(home.hostLock()).unknown()) {
                        return Optional.of(WatchedHost.neverStarted(home, expectedLabel + " never started: the"
                                + " host before it (pid " + record.pid() + ") did not exit when asked", clock.instant()));
                    }
                    continue;
                }
            } else if (!held) {
                if (noHostSince == null) {
                    noHostSince = now;
                } else if (Duration.between(noHostSince, now).compareTo(settings.restartTimeout()) > 0) {
                    return Optional.of(WatchedHost.neverStarted(home, "no host running " + expectedLabel
                            + " reported within " + Durations.format(settings.restartTimeout()) + " (--restart-timeout):"
                            + " the container runtime did not start one, or it exited at start before its agent"
                            + " reported", now));
                }
            }
            Thread.sleep(POLL_MILLIS);
        }
        return Optional.empty();
    }

    private static boolean startedSince(AgentRecord record, Instant since) {
        return record.startedAt() != null && !record.startedAt().isBefore(since.minusSeconds(1));
    }

    /** An operator's apply for the version being installed turns on-exit into "now"; the request is used up. */
    private boolean approvedMeanwhile(SwapJournal journal) throws UpdaterException {
        Optional<ApplyRequest> request = home.applyRequest().readQuietly();
        if (request.isPresent() && request.get().version() != null
                && request.get().version().toString().equals(journal.to().version())) {
            home.applyRequest().delete();
            log.accept("apply: asking the host to exit now for " + journal.to().label());
            return true;
        }
        return false;
    }

    @Override
    public void stopFailed(RunningHost host) {
        // watch swaps back first and asks the failed host to exit in startAfterSwap
    }

    @Override
    public boolean stopping() {
        return stopping;
    }

    private AgentRecord readAgent() {
        return home.agentRecord().readQuietly().orElse(null);
    }
}
