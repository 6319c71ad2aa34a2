package dev.updater.sidecar.swap;

import dev.updater.core.UpdaterException;
import dev.updater.core.home.HistoryEvent;
import dev.updater.core.home.UpdateHome;
import dev.updater.core.version.ReleaseVersion;

import java.nio.file.Path;
import java.util.Optional;

/**
 * What a sidecar does first: finish or revert the transaction a previous sidecar left unfinished,
 * deciding by what the target holds, byte for byte, rather than by what the journal last said (the
 * rename and the journal write after it are two steps; a crash can fall between them).
 *
 * <table>
 *   <caption>Decisions</caption>
 *   <tr><th>target holds</th><th>journal</th><th>recovery</th></tr>
 *   <tr><td>new</td><td>gate failed</td><td>restore the backup, quarantine, start the old version</td></tr>
 *   <tr><td>new</td><td>prepared, swapped, verifying</td><td>journal swapped, start the host, gate it</td></tr>
 *   <tr><td>old</td><td>prepared</td><td>redo the swap from step 3 (the source must still verify)</td></tr>
 *   <tr><td>old</td><td>gate failed</td><td>quarantine, start the old version, journal rolled-back</td></tr>
 *   <tr><td>neither</td><td>any</td><td>abandon: leave the target as it is, start the host on it</td></tr>
 * </table>
 *
 * A transaction that can be neither finished nor reverted (a target changed by hand, a backup that
 * is gone when the rollback needs it) is closed as {@code abandoned} with the reason, and the host
 * starts on the target as it is: recovery never keeps the service down. The target is what it
 * resolves to: through a symbolic link before the swap, the regular file the swap renamed there after it.
 *
 * Each load of an unfinished journal is counted in it; past {@link SwapTransaction#MAX_RESUMES} the
 * loop breaker rolls back and quarantines instead of trying again.
 */
public final class Recovery {
    private final SwapContext ctx;
    private final UpdateHome home;
    private final SwapTransaction transaction;

    public Recovery(SwapContext ctx, HostControl hosts) {
        this.ctx = ctx;
        this.home = ctx.home();
        this.transaction = new SwapTransaction(ctx, hosts);
    }

    /** Finishes or reverts an unfinished journal; empty when there was none. */
    public Optional<Outcome> recover() throws UpdaterException, InterruptedException {
        Optional<SwapJournal> found = SwapJournal.read(home);
        if (found.isEmpty()) {
            return Optional.empty();
        }
        SwapJournal journal = found.get();
        if (journal.state().isFinished()) {
            transaction.finish(journal); // a crash may have fallen between the last journal write and the clean-up
            return Optional.empty();
        }
        Path target = Path.of(journal.target());
        ArtifactFiles.deleteQuietly(SwapTransaction.tempFileOf(journal));
        String onDisk = ArtifactFiles.hashOfTargetOrNull(target);
        boolean counted = !journal.pendingStart();
        if (counted) {
            journal = journal.resumed(ctx.clock().instant()).writeTo(home);
        }
        boolean holdsNew = journal.to().sha256().equals(onDisk);
        boolean holdsOld = journal.from().sha256().equals(onDisk);
        if (!holdsNew && !holdsOld) {
            // Someone else changed the target: neither finishing nor reverting would be right, and
            // refusing would keep the host down at every start.
            return Optional.of(transaction.leaveAsFound(journal, "the target holds neither " + journal.from().label()
                    + " (SHA-256 " + journal.from().sha256() + ") nor " + journal.to().label() + " ("
                    + journal.to().sha256() + "): something else changed it (backups are in " + home.backups() + ")"));
        }
        ctx.log().accept("found an unfinished " + journal.describe() + " (" + journal.state().label()
                + (journal.gateFailure() != null ? ", gate failed" : "") + "); the target holds "
                + (holdsNew ? journal.to().label() : journal.from().label()) + (counted ? "; resume "
                + journal.resumes() + " of " + SwapTransaction.MAX_RESUMES : ""));
        boolean loopBroken = counted && journal.resumes() > SwapTransaction.MAX_RESUMES;

        if (holdsNew) {
            if (journal.gateFailure() != null) {
                return Optional.of(transaction.restoreBackup(journal));
            }
            if (loopBroken) {
                return Optional.of(transaction.giveUp(journal, "a sidecar stopped during it "
                        + journal.resumes() + " times"));
            }
            if (journal.state() == SwapState.PREPARED) {
                journal = transaction.markSwapped(journal);
            }
            return Optional.of(transaction.startAndGate(journal));
        }
        if (journal.kind() == SwapJournal.Kind.ROLLBACK || (journal.state() == SwapState.PREPARED
                && journal.gateFailure() == null)) {
            if (loopBroken) {
                return Optional.of(transaction.giveUp(journal, "a sidecar stopped during it "
                        + journal.resumes() + " times"));
            }
            String sourceSha = ArtifactFiles.hashOrNull(home.dir().resolve(journal.source()));
            if (!journal.to().sha256().equals(sourceSha)) {
                return Optional.of(abandon(journal, home.dir().resolve(journal.source())
                        + " no longer holds " + journal.to().label()));
            }
            return Optional.of(transaction.swapAndVerify(journal));
        }
        return Optional.of(transaction.restartPrevious(journal));
    }

    /** The swap never happened and cannot be redone: close the journal; nothing changed. */
    private Outcome abandon(SwapJournal journal, String why) throws UpdaterException {
        String sentence = "abandoned the unfinished " + journal.describe() + " before its swap: " + why
                + "; the target still holds " + journal.from().label();
        SwapJournal closed = journal.withState(SwapState.ROLLED_BACK, ctx.clock().instant())
                .withDetail(sentence, ctx.clock().instant()).writeTo(home);
        home.history().append(new HistoryEvent(ctx.clock().instant(), HistoryEvent.Kind.FAILED,
                ReleaseVersion.tryParse(journal.to().version()), ReleaseVersion.tryParse(journal.from().version()),
                sentence));
        transaction.finish(closed);
        ctx.log().accept(sentence);
        return new Outcome(Outcome.Result.REJECTED, closed, sentence, null);
    }
}
