package dev.updater.sidecar.swap;

import dev.updater.core.home.HistoryEvent;
import dev.updater.core.ErrorCode;
import dev.updater.core.UpdaterException;
import dev.updater.core.home.Backup;
import dev.updater.core.home.StagedRelease;
import dev.updater.core.home.SwapJournal;
import dev.updater.core.home.SwapState;
import dev.updater.core.home.UpdateHome;
import dev.updater.sidecar.health.GateResult;
import dev.updater.sidecar.health.RunningHost;
import dev.updater.sidecar.log.LogEvent;
import dev.updater.sidecar.log.SidecarLog;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The swap transaction of DESIGN §5, run top to bottom: verify staged (1) → journal {@code prepared}
 * (2) → back up (3) → copy beside (4) → rename, journal {@code swapped} (5) → start, journal
 * {@code verifying} (6) → gate (7) → hand over (overlap mode) → commit | roll back. Each step is a small class that states its
 * input and output; this runner writes the journal between them, and every way it ends is one of
 * {@link Endings}. The target only ever changes by a rename, so a crash at any instant leaves it byte
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
    private final UpdateHome home;
    private final HostControl hosts;
    private final SwapRecords records;
    private final Endings end;

    public SwapTransaction(SwapContext ctx, HostControl hosts) {
        this.ctx = ctx;
        this.home = ctx.home();
        this.hosts = hosts;
        this.records = new SwapRecords(ctx);
        this.end = new Endings(ctx, records);
    }

    /** Installs {@code staged} over {@code target}: the whole of DESIGN §5. */
    public Outcome install(StagedRelease staged, Path target, boolean approved)
            throws UpdaterException, InterruptedException {
        Optional<Path> app = staged.isArchive() ? ReleaseLink.appOf(target) : Optional.empty();
        if (staged.isArchive() && app.isEmpty()) {
            return end.heldArchive(staged, target);
        }
        StagedSource.Verified verified;
        try {
            verified = StagedSource.verify(home, staged);
        } catch (UpdaterException e) {
            return end.rejected(staged, e);
        }
        if (app.isPresent()) {
            return installRelease(staged, verified, target, app.get(), approved);
        }
        InstalledArtifact installed = InstalledArtifact.measure(home, target);
        SwapJournal.Artifact from = installed.artifact();
        if (from.sha256().equals(verified.artifact().sha256())) {
            return end.alreadyInstalled(staged, target, from);
        }
        SidecarLog.emit(ctx.log(), LogEvent.info("installing", "installing " + verified.artifact().label() + " over "
                + from.label() + " at " + target, "version", verified.artifact().label(), "from", from.label(),
                "target", target));
        SwapJournal prepared = records.prepared(SwapJournal.Kind.INSTALL, target, from, verified.artifact(),
                home.dir().relativize(verified.file()).toString(), Backups.pathFor(from, target), approved);
        return swap(prepared, installed.asMeasured());
    }

    /**
     * An archive release over the layout {@code app/current -> releases/<v>} (DESIGN §5 "Archives"): the
     * same steps, with the release folder as the artifact and the previous folder as the backup.
     */
    private Outcome installRelease(StagedRelease staged, StagedSource.Verified verified, Path target, Path app,
                                   boolean approved) throws UpdaterException, InterruptedException {
        String current = ReleaseLink.currentOf(app);
        if (staged.tree() == null || current == null) {
            return end.rejected(staged, new UpdaterException(ErrorCode.STAGED_INVALID,
                    "the staged archive names no unpacked tree, or " + app.resolve(ReleaseFolders.CURRENT)
                            + " stopped being a link to releases/<version>"));
        }
        SwapJournal.Artifact to = verified.artifact();
        if (current.equals(staged.version().toString())) {
            return end.alreadyInstalled(staged, target, to);
        }
        SwapJournal.Artifact from = InstalledArtifact.measureRelease(home, target, current);
        SidecarLog.emit(ctx.log(), LogEvent.info("installing", "installing release folder " + ReleaseFolders.RELEASES
                + "/" + to.label() + " over " + ReleaseFolders.RELEASES + "/" + current + " at "
                + app.resolve(ReleaseFolders.CURRENT), "version", to.label(), "from", from.label(), "target", target));
        SwapJournal prepared = records.preparedRelease(SwapJournal.Kind.INSTALL, target, from, to, staged.tree(),
                new SwapJournal.Releases(app.toString(), current, staged.version().toString(), staged.config(),
                        staged.treeSha256()), approved);
        return swap(prepared, null);
    }

    /** An operator's rollback: reinstalls {@code backup} through steps 2 and 4–7 (the version rolled away from is quarantined). */
    public Outcome rollBack(Backup backup, Path target) throws UpdaterException, InterruptedException {
        Optional<Path> app = ReleaseLink.appOf(target);
        if (app.isPresent()) {
            return rollBackRelease(backup, target, app.get());
        }
        SwapJournal.Artifact to = new Backups(home).verified(backup);
        SwapJournal.Artifact from = InstalledArtifact.measure(home, target).artifact();
        SidecarLog.emit(ctx.log(), LogEvent.info("rolling-back", "rolling back from " + from.label() + " to "
                + to.label() + " at " + target, "version", to.label(), "from", from.label(), "target", target));
        return swap(records.prepared(SwapJournal.Kind.ROLLBACK, target, from, to, backup.file(), null, true), null);
    }

    /**
     * An operator's rollback of an archive layout: the link moved back to the kept folder
     * {@code backup} names ({@link ReleaseLink#previous}), through the same steps and gate.
     */
    private Outcome rollBackRelease(Backup backup, Path target, Path app) throws UpdaterException, InterruptedException {
        String current = ReleaseLink.currentOf(app);
        if (current == null) {
            throw new UpdaterException(ErrorCode.TARGET_UNKNOWN, app.resolve(ReleaseFolders.CURRENT) + " stopped being"
                    + " a link to releases/<version>; nothing was changed.");
        }
        SwapJournal.Artifact from = InstalledArtifact.measureRelease(home, target, current);
        String folder = Path.of(backup.file()).getFileName().toString();
        SidecarLog.emit(ctx.log(), LogEvent.info("rolling-back", "rolling back " + app.resolve(ReleaseFolders.CURRENT)
                + " from " + ReleaseFolders.RELEASES + "/" + current + " to " + backup.file(), "version",
                backup.artifact().label(), "from", from.label(), "target", target));
        return swap(records.preparedRelease(SwapJournal.Kind.ROLLBACK, target, from, backup.artifact(), backup.file(),
                new SwapJournal.Releases(app.toString(), current, folder, List.of()), true), null);
    }

    /** Continues an unfinished transaction where {@code at} says; {@link Recovery} decides where. */
    Outcome resume(SwapJournal journal, ResumePoint at) throws UpdaterException, InterruptedException {
        return switch (at) {
            case SWAP -> swap(journal, null);
            case JOURNAL_SWAPPED -> startAndGate(records.swapped(journal));
            case START -> startAndGate(journal);
            case RESTORE_BACKUP -> restoreBackup(journal);
            case RESTART_PREVIOUS -> restartPrevious(journal);
        };
    }

    /** Steps 3–5 from a {@code prepared} journal, then 6–7. {@code asMeasured}: the target's identity in step 1, or null. */
    private Outcome swap(SwapJournal prepared, ArtifactFiles.Identity asMeasured)
            throws UpdaterException, InterruptedException {
        SwapJournal journal = records.write(prepared.attempted(records.now()));
        if (journal.attempts() > MAX_ATTEMPTS) {
            return giveUp(journal, "it was attempted " + MAX_ATTEMPTS + " times without finishing");
        }
        if (journal.swapsLink()) {
            try {
                records.configKept(journal, ReleaseLink.install(home, journal));
            } catch (UpdaterException e) {
                return end.failedBeforeSwap(journal, e);
            }
            CrashPoint.AFTER_RENAME.reach();
            return startAndGate(records.swapped(journal));
        }
        try {
            if (journal.kind() == SwapJournal.Kind.INSTALL) {
                BackUpInstalled.run(home, journal, asMeasured, records.now());
            }
            Path temp = ReplaceTarget.copyBeside(journal, home.dir().resolve(journal.source()), journal.to(),
                    CrashPoint.DURING_COPY);
            CrashPoint.AFTER_COPY.reach();
            ReplaceTarget.rename(temp, journal);
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
        return restoreBackup(failing);
    }

    /** Rolling back: steps 4–5 with the backup as the source; a backup that cannot be put back abandons. */
    private Outcome restoreBackup(SwapJournal failing) throws UpdaterException, InterruptedException {
        try {
            if (failing.swapsLink()) {
                ReleaseLink.restore(failing);
            } else {
                ReplaceTarget.restoreBackup(home, failing);
            }
        } catch (UpdaterException e) {
            return end.abandoned(failing, e.getMessage());
        }
        CrashPoint.ROLLBACK_AFTER_RENAME.reach();
        return restartPrevious(failing);
    }

    /**
     * Rolling back, steps 6–7 for the old artifact: start the old one, gate it, quarantine the failed
     * version. The quarantine waits for the old version's verdict: when the version that was serving
     * fails the same gate while it runs, the gate is at fault (a wrong --health-url), not the release,
     * and the host that runs the last committed version is kept ({@link Endings#gateUnsatisfied}); when
     * it cannot even run, both versions failed and the new one is quarantined as before.
     */
    private Outcome restartPrevious(SwapJournal failing) throws UpdaterException, InterruptedException {
        String reason = failing.gateFailure() != null ? failing.gateFailure()
                : failing.to().label() + " was not installed: the sidecar stopped before the swap";
        Optional<RunningHost> host = hosts.startAfterSwap(failing, true);
        GateResult verdict = host.isPresent() ? hosts.awaitHealthy(host.get()) : null;
        if (verdict != null && verdict.verdict() == GateResult.Verdict.CANCELLED) {
            return end.interrupted(failing, host.get());
        } else if (verdict != null && !verdict.passed() && host.get().isAlive()) {
            return end.gateUnsatisfied(failing, host.get(), verdict.reason());
        }
        if (records.quarantine(failing.to().version(), reason)) {
            records.history(HistoryEvent.Kind.QUARANTINED, failing.to().version(), failing.from().version(), reason);
        }
        CrashPoint.AFTER_QUARANTINE.reach();
        if (verdict != null && !verdict.passed()) {
            return end.previousFailed(failing, host.get(), "the previous version " + failing.from().label()
                    + " also failed its health gate after the rollback: " + verdict.reason());
        }
        return end.rolledBack(failing, reason, host.orElse(null));
    }

    /**
     * The loop breaker: a transaction that keeps being cut short is rolled back and its version
     * quarantined, so a release that crashes the machine cannot keep it in a restart loop.
     */
    Outcome giveUp(SwapJournal journal, String why) throws UpdaterException, InterruptedException {
        String sentence = "gave up the " + journal.describe() + ": " + why;
        ctx.log().accept(sentence);
        if (journal.kind() == SwapJournal.Kind.ROLLBACK) {
            return end.previousFailed(journal, null, sentence);
        }
        SwapJournal failing = records.failing(journal, sentence);
        boolean holdsNew = journal.swapsLink() ? Boolean.TRUE.equals(ReleaseLink.holdsNew(journal))
                : journal.to().sha256().equals(ArtifactFiles.hashOfTargetOrNull(Path.of(journal.target())));
        return holdsNew ? restoreBackup(failing) : restartPrevious(failing);
    }
}
