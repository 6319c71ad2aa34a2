package dev.updater.sidecar.swap;

import dev.updater.core.UpdaterException;
import dev.updater.core.home.HistoryEvent;
import dev.updater.core.home.SwapJournal;
import dev.updater.core.home.UpdateHome;
import dev.updater.sidecar.health.GateResult;
import dev.updater.sidecar.health.RunningHost;

import java.nio.file.Path;
import java.util.Optional;

/**
 * The roll-back branch of the swap (DESIGN §5): put the previous artifact back (steps 4–5 with the
 * backup as the source), start and gate it (6–7), quarantine the failed version. Input: a journal
 * {@code failing}; output: the {@link Outcome} the transaction ends with. Also the loop breaker.
 */
final class RollBackSteps {
    private final SwapContext ctx;
    private final UpdateHome home;
    private final HostControl hosts;
    private final SwapRecords records;
    private final Endings end;

    RollBackSteps(SwapContext ctx, HostControl hosts, SwapRecords records, Endings end) {
        this.ctx = ctx;
        this.home = ctx.home();
        this.hosts = hosts;
        this.records = records;
        this.end = end;
    }

    /** Steps 4–5 with the backup as the source; a backup that cannot be put back abandons. */
    Outcome restoreBackup(SwapJournal failing) throws UpdaterException, InterruptedException {
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
     * Steps 6–7 for the old artifact: start the old one, gate it, quarantine the failed version. The
     * quarantine waits for the old version's verdict: when the version that was serving fails the same
     * gate while it runs, the gate is at fault (a wrong --health-url), not the release, and the host
     * that runs the last committed version is kept ({@link Endings#gateUnsatisfied}); when it cannot
     * even run, both versions failed and the new one is quarantined as before.
     */
    Outcome restartPrevious(SwapJournal failing) throws UpdaterException, InterruptedException {
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
