package dev.updater.sidecar.supervise;

import dev.updater.core.ErrorCode;
import dev.updater.core.UpdaterException;
import dev.updater.core.home.Backup;
import dev.updater.core.home.StagedRelease;
import dev.updater.core.home.SwapJournal;
import dev.updater.core.home.UpdateHome;
import dev.updater.sidecar.health.GateResult;
import dev.updater.sidecar.health.RunningHost;
import dev.updater.sidecar.swap.HostControl;
import dev.updater.sidecar.swap.Outcome;
import dev.updater.sidecar.swap.SwapContext;
import dev.updater.sidecar.swap.SwapTransaction;

import java.nio.file.Path;
import java.time.Clock;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * {@code apply} and {@code rollback} when no sidecar runs and the host is stopped: steps 1–5 of the
 * swap here, under {@code sidecar.lock}; the journal stays {@code swapped} with {@code pendingStart},
 * and the next {@code run} or {@code watch} starts the host and gates it.
 */
public final class OfflineSwap implements HostControl {
    private final UpdateHome home;
    private final SwapContext context;
    /** An operator's apply is re-checked against the channel as a running sidecar re-checks it (issue 16). */
    private final HaltGuard halts;

    public OfflineSwap(UpdateHome home, int keepBackups, Clock clock, Consumer<String> log) {
        this.home = home;
        this.context = new SwapContext(home, keepBackups, clock, log);
        this.halts = new HaltGuard(home, ApplyPolicy.MANUAL, new OperatorRequests(home, new StagedReleases(home, log),
                clock, log), clock, log);
    }

    /** Installs {@code staged} (approved by the operator), unless its channel halted it since it was staged. */
    public Outcome install(StagedRelease staged, Path target) throws UpdaterException, InterruptedException {
        SidecarLock lock = lockWithHostStopped();
        try {
            Optional<String> halted = halts.withholds(staged, true);
            if (halted.isPresent()) {
                return new Outcome.Rejected(halted.get());
            }
            HomeGuard.checkSameFileSystem(home, target);
            return new SwapTransaction(context, this).install(staged, target, true);
        } finally {
            lock.close();
        }
    }

    public Outcome rollBack(Backup backup, Path target) throws UpdaterException, InterruptedException {
        SidecarLock lock = lockWithHostStopped();
        try {
            return new SwapTransaction(context, this).rollBack(backup, target);
        } finally {
            lock.close();
        }
    }

    /** Holds sidecar.lock (no sidecar may start meanwhile) and checks there is nothing to recover and no host. */
    private SidecarLock lockWithHostStopped() throws UpdaterException, InterruptedException {
        SidecarLock lock = SidecarLock.acquire(home);
        try {
            Optional<SwapJournal> journal = home.swapJournal().read();
            if (journal.isPresent() && !journal.get().state().isFinished()) {
                throw new UpdaterException(ErrorCode.SWAP_FAILED, "The " + journal.get().describe() + " is unfinished ("
                        + journal.get().state().label() + "); start 'updater-sidecar run' or 'watch' on " + home.dir()
                        + " to finish it first.");
            }
            LockProbe.Probe host = LockProbe.probe(home.hostLock());
            if (host.unknown()) {
                throw new UpdaterException(ErrorCode.HOST_STATE_UNKNOWN, host.sentence("the host") + ". No sidecar"
                        + " runs on " + home.dir() + " and a swap under a live host is refused, so nothing was changed;"
                        + " run this as a user who can lock " + home.hostLock() + " (the host's), or start"
                        + " 'updater-sidecar run' or 'watch' on this home and ask again.");
            }
            if (host.held()) {
                throw new UpdaterException(ErrorCode.HOST_RUNNING, "No sidecar runs on " + home.dir() + " and the host"
                        + hostPid() + " is running; start 'updater-sidecar run' or 'watch' on this home and ask again,"
                        + " or stop the host first.");
            }
            return lock;
        } catch (UpdaterException e) {
            lock.close();
            throw e;
        }
    }

    private String hostPid() {
        return home.agentRecord().readQuietly().map(a -> " (pid " + a.pid() + ")").orElse("");
    }

    @Override
    public Optional<RunningHost> startAfterSwap(SwapJournal journal, boolean rollingBack) {
        return Optional.empty();
    }

    /** Never reached: {@link #startAfterSwap} starts no host here, so there is none to gate. */
    @Override
    public GateResult awaitHealthy(RunningHost host) {
        throw new IllegalStateException("The offline swap starts no host, so it has none to gate");
    }

    @Override
    public void stopFailed(RunningHost host) {
        // no host was started here
    }

    @Override
    public boolean stopping() {
        return false;
    }
}
