package dev.updater.sidecar.supervise;

import dev.updater.core.home.ApplyRequest;
import dev.updater.core.Sha256;
import dev.updater.core.text.HumanUnits;
import dev.updater.core.UpdaterException;
import dev.updater.core.home.AgentRecord;
import dev.updater.core.home.UpdateHome;
import dev.updater.sidecar.swap.ReleaseLink;
import dev.updater.sidecar.health.GateResult;
import dev.updater.sidecar.health.HealthGate;
import dev.updater.sidecar.health.RunningHost;
import dev.updater.core.home.SwapJournal;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.function.Consumer;

/**
 * {@code watch}, container mode (DESIGN §5): the container runtime starts the host, not this sidecar.
 * On Linux and macOS a rename gives the target a new inode while the running JVM keeps its old one,
 * so the swap comes first, with the host running; then the host is asked to exit (through its agent,
 * then SIGTERM where the pid is visible), and the host the runtime starts next is gated. Rollback
 * follows the same order. With {@code apply=on-exit} it swaps ahead and waits for the host to exit
 * on its own; this never races the runtime's restart against the swap.
 */
final class ContainerMode implements HostMode {
    private static final long POLL_MILLIS = 50;

    private final UpdateHome home;
    private final SidecarSettings settings;
    private final Clock clock;
    private final Consumer<String> log;
    private final HostStopper stopper;
    private final HealthGate gate;
    private final HostStateSave stateSave;
    private volatile boolean stopping;
    private boolean saidUnknown;

    ContainerMode(UpdateHome home, SidecarSettings settings, Clock clock, Consumer<String> log) {
        this.home = home;
        this.settings = settings;
        this.clock = clock;
        this.log = log;
        this.stopper = new HostStopper(home, settings.stopTimeout(), clock, log);
        this.gate = new HealthGate(settings.gate(), home.agentRecord());
        this.stateSave = new HostStateSave(home, settings.saveTimeout(), clock, log);
    }

    /**
     * Threat: in a container the pid of a host that died is often the pid of the next one, and an
     * {@code exit.json} left by a sidecar killed while it stopped a host would stop the restarted one.
     * No request of an earlier sidecar is valid once this one starts.
     */
    @Override
    public void takeOver() throws UpdaterException {
        if (home.exitRequest().exists()) {
            home.exitRequest().delete();
            log.accept("removed a stale exit request an earlier sidecar left behind (" + home.exitRequest() + ")");
        }
    }

    /** The container runtime starts the host, never this sidecar. */
    @Override
    public boolean hostDown() {
        return false;
    }

    @Override
    public boolean startHost() {
        throw new IllegalStateException("watch never starts a host: the container runtime does");
    }

    /** The runtime restarts a host that exits; its exit is no event of the sidecar's. */
    @Override
    public OptionalInt takeExitCode() {
        return OptionalInt.empty();
    }

    /** Threat: a swap, a stop or a gate decided on a guess could quarantine a good release. */
    @Override
    public Optional<String> hostStateUnknown() {
        LockProbe.Probe probe = LockProbe.probe(home.hostLock());
        if (probe.unknown()) {
            return Optional.of(sayUnknown(probe));
        }
        if (saidUnknown) {
            log.accept(home.hostLock() + " can be locked again; watching resumes");
            saidUnknown = false;
        }
        return Optional.empty();
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

    /** The host is asked to exit after the swap, in {@link #startAfterSwap}. */
    @Override
    public void stopHost(String why) {
        // nothing to do before the swap
    }

    @Override
    public boolean swapsUnderRunningHost() {
        return true;
    }

    @Override
    public void stop() {
        stopping = true;
    }

    @Override
    public Optional<RunningHost> servingHost() {
        if (stopping || !LockProbe.probe(home.hostLock()).held()) {
            return Optional.empty();
        }
        return HostStopper.agentOf(home).filter(r -> !r.exiting() && r.pid() > 0)
                .map(r -> WatchedHost.of(home, r, clock.instant()));
    }

    // ---- HostControl

    /**
     * Gets the host running the artifact now at the target: asks the host that runs something else to
     * exit (or, with on-exit, waits for it to), then waits for the runtime to start it again.
     */
    @Override
    public Optional<RunningHost> startAfterSwap(SwapJournal journal, boolean rollingBack)
            throws UpdaterException, InterruptedException {
        Sha256 expected = rollingBack ? journal.from().sha256() : journal.to().sha256();
        if (journal.swapsLink()) {
            // an archive host's agent reports the hash of the file it runs, not of the archive
            expected = ReleaseLink.targetSha256In(journal, rollingBack ? journal.releases().from() : journal.releases().to());
        }
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
            AgentRecord record = HostStopper.agentOf(home).orElse(null);
            Instant now = clock.instant();
            // releases may ship the same file (only config changed): for a link, only a host started since counts
            boolean runsExpected = record != null && record.pid() > 0 && expected != null
                    && expected.equals(record.targetSha256()) && (!journal.swapsLink() || startedSince(record, calledAt));
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
                    if (!rollingBack && journal.kind() == SwapJournal.Kind.INSTALL) {
                        stateSave.beforeStopping(record.pid(), String.valueOf(journal.to().version()));
                    }
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
                            + " reported within " + HumanUnits.setting(settings.restartTimeout()) + " (--restart-timeout):"
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
                && request.get().version().equals(journal.to().version())) {
            home.applyRequest().delete();
            log.accept("apply: asking the host to exit now for " + journal.to().label());
            return true;
        }
        return false;
    }

    @Override
    public GateResult awaitHealthy(RunningHost host) throws InterruptedException {
        log.accept("health gate: " + gate.terms());
        return gate.await(host, this::stopping);
    }

    /** The failed host is asked to exit after the swap back, in {@link #startAfterSwap}. */
    @Override
    public void stopFailed(RunningHost host) {
        // nothing to do before the swap back
    }

    @Override
    public boolean stopping() {
        return stopping;
    }
}
