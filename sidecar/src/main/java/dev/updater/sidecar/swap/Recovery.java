package dev.updater.sidecar.swap;

import dev.updater.core.Sha256;
import dev.updater.core.UpdaterException;
import dev.updater.core.home.SwapJournal;
import dev.updater.core.home.SwapState;
import dev.updater.core.home.UpdateHome;

import java.nio.file.Path;
import java.util.Optional;

/**
 * What a sidecar does first: finish or revert the transaction a previous sidecar left unfinished,
 * deciding by what the target holds, byte for byte, rather than by what the journal last said (the
 * rename and the journal write after it are two steps; a crash can fall between them).
 *
 * <table>
 *   <caption>Decisions: where the runner resumes</caption>
 *   <tr><th>target holds</th><th>journal</th><th>resume point</th></tr>
 *   <tr><td>new</td><td>gate failed</td><td>{@code RESTORE_BACKUP}: put the backup back, quarantine, start the old version</td></tr>
 *   <tr><td>new</td><td>prepared</td><td>{@code JOURNAL_SWAPPED}: journal swapped, start the host, gate it</td></tr>
 *   <tr><td>new</td><td>swapped, verifying</td><td>{@code START}: start the host, gate it</td></tr>
 *   <tr><td>old</td><td>prepared, or any rollback</td><td>{@code SWAP}: redo from step 3 (the source must still verify)</td></tr>
 *   <tr><td>old</td><td>an install past prepared, or gate failed</td><td>{@code RESTART_PREVIOUS}: quarantine, start the old version</td></tr>
 *   <tr><td>neither</td><td>any</td><td>none: abandon, leave the target as it is, the host starts on it</td></tr>
 * </table>
 *
 * A transaction that can be neither finished nor reverted (a target changed by hand, a backup that
 * is gone when the rollback needs it) is closed as {@code abandoned} with the reason, and the host
 * starts on the target as it is: recovery never keeps the service down. The target is what it
 * resolves to: through a symbolic link before the swap, the regular file the swap renamed there after it.
 *
 * Each load of an unfinished journal is counted in it; past {@link #MAX_RESUMES} the
 * loop breaker rolls back and quarantines instead of trying again. Recovery only decides: it picks the
 * {@link ResumePoint} and the runner does the steps from there, as it does in a transaction never cut short.
 */
public final class Recovery {
    /** Loads of one unfinished journal by restarted sidecars before the loop breaker gives up. */
    static final int MAX_RESUMES = 2;

    private final SwapContext ctx;
    private final UpdateHome home;
    private final SwapTransaction transaction;
    private final Endings end;

    public Recovery(SwapContext ctx, HostControl hosts) {
        this.ctx = ctx;
        this.home = ctx.home();
        this.transaction = new SwapTransaction(ctx, hosts);
        this.end = new Endings(ctx, new SwapRecords(ctx));
    }

    /** Finishes or reverts an unfinished journal; empty when there was none. */
    public Optional<Outcome> recover() throws UpdaterException, InterruptedException {
        Optional<SwapJournal> found = home.swapJournal().read();
        if (found.isEmpty()) {
            return Optional.empty();
        }
        SwapJournal journal = found.get();
        if (journal.state().isFinished()) {
            end.settle(journal); // a crash may have fallen between the last journal write and the clean-up
            return Optional.empty();
        }
        ArtifactFiles.deleteQuietly(ReplaceTarget.tempFileOf(journal));
        Sha256 onDisk = ArtifactFiles.hashOfTargetOrNull(Path.of(journal.target()));
        boolean counted = !journal.pendingStart();
        if (counted) {
            journal = journal.resumed(ctx.clock().instant());
            home.swapJournal().write(journal);
        }
        boolean holdsNew;
        boolean holdsOld;
        if (journal.swapsLink()) {
            // an archive release: the link's destination decides; both releases may ship the same target file
            Boolean linkHoldsNew = ReleaseLink.holdsNew(journal);
            holdsNew = Boolean.TRUE.equals(linkHoldsNew);
            holdsOld = Boolean.FALSE.equals(linkHoldsNew);
            if (linkHoldsNew == null) {
                return Optional.of(end.abandoned(journal, ReleaseFolders.pointer(Path.of(journal.releases().app()))
                        + " points at neither " + ReleaseFolders.RELEASES + "/" + journal.releases().from() + " nor "
                        + ReleaseFolders.RELEASES + "/" + journal.releases().to() + ": something else changed it"));
            }
        } else {
            holdsNew = journal.to().sha256().equals(onDisk);
            holdsOld = journal.from().sha256().equals(onDisk);
        }
        if (!holdsNew && !holdsOld) {
            // Someone else changed the target: neither finishing nor reverting would be right, and
            // refusing would keep the host down at every start.
            return Optional.of(end.abandoned(journal, "the target holds neither " + journal.from().label()
                    + " (SHA-256 " + journal.from().sha256() + ") nor " + journal.to().label() + " ("
                    + journal.to().sha256() + "): something else changed it (backups are in " + home.backups() + ")"));
        }
        ctx.log().accept("found an unfinished " + journal.describe() + " (" + journal.state().label()
                + (journal.gateFailure() != null ? ", gate failed" : "") + "); the target holds "
                + (holdsNew ? journal.to().label() : journal.from().label()) + (counted ? "; resume "
                + journal.resumes() + " of " + MAX_RESUMES : ""));
        Optional<ResumePoint> at = resumePoint(journal, holdsNew);
        if (counted && journal.resumes() > MAX_RESUMES && !at.map(ResumePoint::rollsBack).orElse(false)) {
            return Optional.of(transaction.giveUp(journal, "a sidecar stopped during it " + journal.resumes() + " times"));
        }
        return Optional.of(at.isPresent() ? transaction.resume(journal, at.get())
                : end.sourceGone(journal, home.dir().resolve(journal.source()) + " no longer holds " + journal.to().label()));
    }

    /** True when the swap is done with the new version: its gate failed, and only the old one's restart is left. */
    private static boolean rollingBackAlready(SwapJournal journal) {
        return journal.kind() == SwapJournal.Kind.INSTALL
                && (journal.state() != SwapState.PREPARED || journal.gateFailure() != null);
    }

    /**
     * The table above: where the runner resumes, by the target's bytes and the journal. Empty when the
     * swap must be redone but its source no longer holds the bytes it installs.
     */
    private Optional<ResumePoint> resumePoint(SwapJournal journal, boolean holdsNew) {
        if (holdsNew) {
            if (journal.gateFailure() != null) {
                return Optional.of(ResumePoint.RESTORE_BACKUP);
            }
            return Optional.of(journal.state() == SwapState.PREPARED ? ResumePoint.JOURNAL_SWAPPED : ResumePoint.START);
        }
        if (rollingBackAlready(journal)) {
            return Optional.of(ResumePoint.RESTART_PREVIOUS);
        }
        if (journal.swapsLink()) {
            return ReleaseLink.sourcePresent(home, journal) ? Optional.of(ResumePoint.SWAP) : Optional.empty();
        }
        Sha256 sourceSha = ArtifactFiles.hashOrNull(home.dir().resolve(journal.source()));
        return journal.to().sha256().equals(sourceSha) ? Optional.of(ResumePoint.SWAP) : Optional.empty();
    }
}
