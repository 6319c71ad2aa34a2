package dev.updater.sidecar.swap;

import dev.updater.core.UpdaterException;
import dev.updater.core.home.Backup;
import dev.updater.core.home.StagedRelease;
import dev.updater.core.home.SwapJournal;
import dev.updater.core.home.SwapState;
import dev.updater.sidecar.health.GateResult;
import dev.updater.sidecar.health.RunningHost;
import dev.updater.sidecar.log.LogEvent;
import dev.updater.sidecar.log.SidecarLog;

import java.nio.file.Path;
import java.util.Optional;

/**
 * The swap transaction of DESIGN §5, run top to bottom: verify staged (1) → journal {@code prepared}
 * (2) → back up (3) → copy beside (4) → rename, journal {@code swapped} (5) → start, journal
 * {@code verifying} (6) → gate (7) → hand over (overlap mode) → commit | roll back. Each step is a small
 * class that states its input and output ({@link SwapPreparation} for 1–2, {@link RollBackSteps} for the
 * way back); this runner writes the journal between them, and every way it ends is one of {@link Endings}. The target only ever changes by a rename, so a crash at any instant leaves it byte
 * for byte old or new, and {@link Recovery} resumes at the {@link ResumePoint} the journal calls for.
 *
 * <pre>{@code
 * Outcome outcome = new SwapTransaction(context, hostControl).install(staged, target, false);
 * }</pre>
 */
public final class SwapTransaction {
    /** Runs of the swap steps for one transaction before the loop breaker gives up. */
    static final int MAX_ATTEMPTS = 3;

    private final SwapContext ctx;
    private final HostControl hosts;
    private final SwapRecords records;
    private final Endings end;
    private final SwapPreparation prepare;
    private final RollBackSteps back;

    public SwapTransaction(SwapContext ctx, HostControl hosts) {
        this.ctx = ctx;
        this.hosts = hosts;
        this.records = new SwapRecords(ctx);
        this.end = new Endings(ctx, records);
        this.prepare = new SwapPreparation(ctx, records, end);
        this.back = new RollBackSteps(ctx, hosts, records, end);
    }

    /** Installs {@code staged} over {@code target}: the whole of DESIGN §5. */
    public Outcome install(StagedRelease staged, Path target, boolean approved)
            throws UpdaterException, InterruptedException {
        SwapPreparation.Prepared prepared = prepare.install(staged, target, approved);
        if (prepared instanceof SwapPreparation.Ready ready) {
            return swap(ready.journal(), ready.asMeasured());
        }
        return ((SwapPreparation.Ended) prepared).outcome();
    }

    /** An operator's rollback: reinstalls {@code backup} through steps 2 and 4–7 (the version rolled away from is held back). */
    public Outcome rollBack(Backup backup, Path target) throws UpdaterException, InterruptedException {
        return swap(prepare.rollBack(backup, target).journal(), null);
    }

    /** Continues an unfinished transaction where {@code at} says; {@link Recovery} decides where. */
    Outcome resume(SwapJournal journal, ResumePoint at) throws UpdaterException, InterruptedException {
        return switch (at) {
            case SWAP -> swap(journal, null);
            case JOURNAL_SWAPPED -> startAndGate(records.swapped(journal));
            case START -> startAndGate(journal);
            case RESTORE_BACKUP -> back.restoreBackup(journal);
            case RESTART_PREVIOUS -> back.restartPrevious(journal);
        };
    }

    /** The loop breaker ({@link RollBackSteps#giveUp}), for {@link Recovery}. */
    Outcome giveUp(SwapJournal journal, String why) throws UpdaterException, InterruptedException {
        return back.giveUp(journal, why);
    }

    /**
     * Steps 3–5 from a {@code prepared} journal (back up, copy beside, rename; for a release folder:
     * install it and rename a new link over {@code current}), then 6–7. {@code asMeasured}: the
     * target's identity in step 1, or null.
     */
    private Outcome swap(SwapJournal prepared, ArtifactFiles.Identity asMeasured)
            throws UpdaterException, InterruptedException {
        SwapJournal journal = records.write(prepared.attempted(records.now()));
        if (journal.attempts() > MAX_ATTEMPTS) {
            return back.giveUp(journal, "it was attempted " + MAX_ATTEMPTS + " times without finishing");
        }
        try {
            if (journal.swapsLink()) {
                records.configKept(journal, ReleaseLink.install(ctx.home(), journal));
            } else {
                if (journal.kind() == SwapJournal.Kind.INSTALL) {
                    BackUpInstalled.run(ctx.home(), journal, asMeasured, records.now());
                }
                Path temp = ReplaceTarget.copyBeside(journal, ctx.home().dir().resolve(journal.source()),
                        journal.to(), CrashPoint.DURING_COPY);
                CrashPoint.AFTER_COPY.reach();
                ReplaceTarget.rename(temp, journal);
            }
        } catch (UpdaterException e) {
            return end.failedBeforeSwap(journal, e);
        }
        CrashPoint.AFTER_RENAME.reach();
        return startAndGate(records.swapped(journal));
    }

    /** Steps 6–7: starts a host on the swapped target, gates it, and commits or rolls back. */
    private Outcome startAndGate(SwapJournal swapped) throws UpdaterException, InterruptedException {
        Optional<RunningHost> started = hosts.startAfterSwap(swapped, false);
        if (started.isEmpty()) {
            return end.pendingStart(swapped);
        }
        RunningHost host = started.get();
        CrashPoint.AFTER_HOST_START.reach();
        SwapJournal journal = records.write(swapped.withState(SwapState.VERIFYING, records.now())
                .withPendingStart(false, records.now()));
        CrashPoint.AFTER_VERIFYING.reach();
        SidecarLog.emit(ctx.log(), LogEvent.info("version-started", "started " + journal.to().label() + " (pid "
                + host.pid() + ")", "version", journal.to().label(), "pid", host.pid()));
        GateResult verdict = hosts.awaitHealthy(host);
        if (verdict.passed()) {
            hosts.handOver(host);
            return end.committed(journal, host, verdict);
        } else if (verdict.verdict() == GateResult.Verdict.CANCELLED) {
            return end.interrupted(journal, host);
        } else if (journal.kind() == SwapJournal.Kind.ROLLBACK) {
            return end.previousFailed(journal, host, journal.to().label() + " failed its health gate after the"
                    + " rollback: " + verdict.reason());
        }
        String sentence = journal.to().label() + " failed its health gate: " + verdict.reason();
        SwapJournal failing = records.failing(journal, sentence);
        SidecarLog.emit(ctx.log(), LogEvent.warn("gate-failed", sentence + "; rolling back to "
                + journal.from().label(), "version", journal.to().label(), "from", journal.from().label()));
        CrashPoint.AFTER_GATE_FAILED.reach();
        hosts.stopFailed(host);
        return back.restoreBackup(failing);
    }
}
