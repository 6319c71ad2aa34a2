package dev.updater.sidecar.swap;

import dev.updater.core.home.HistoryEvent;
import dev.updater.core.Sha256;
import dev.updater.core.version.ReleaseVersion;
import dev.updater.core.ErrorCode;
import dev.updater.core.UpdaterException;
import dev.updater.core.home.HomeCleanup;
import dev.updater.core.home.InstalledRelease;
import dev.updater.core.home.Quarantine;
import dev.updater.core.home.StagedRelease;
import dev.updater.core.home.SwapJournal;
import dev.updater.core.home.SwapState;
import dev.updater.core.home.UpdateHome;
import dev.updater.core.text.HumanUnits;
import dev.updater.sidecar.health.GateResult;
import dev.updater.sidecar.health.RunningHost;
import dev.updater.sidecar.log.SidecarLog;

import java.nio.file.Path;
import java.util.Objects;

/**
 * Every way a transaction ends, each turning the journal it ends with into an {@link Outcome}: it
 * closes the journal (or leaves it for the next start), says why once in the history and the log, and
 * brings the other records in line ({@link #settle}).
 */
final class Endings {
    private final SwapContext ctx;
    private final UpdateHome home;
    private final SwapRecords records;

    Endings(SwapContext ctx, SwapRecords records) {
        this.ctx = ctx;
        this.home = ctx.home();
        this.records = records;
    }

    /** Fail closed: a staged release that does not verify is dropped, and the agent stages it again. */
    Outcome rejected(StagedRelease staged, UpdaterException why) throws UpdaterException {
        String message = "Refused to install " + staged.version() + ": " + why.getMessage()
                + ". Nothing was changed; the staged release was dropped and the agent downloads it again.";
        new HomeCleanup(home).dropStagedIf(staged.sha256());
        records.history(HistoryEvent.Kind.FAILED, staged.version(), null, message);
        return said(new Outcome.Rejected(message));
    }

    /**
     * An archive release (DESIGN §5 "Archives") for a target that is not an archive layout (no
     * {@code APP/current -> releases/<v>} on its path, see {@link ReleaseLink}). Threat: a zip copied over
     * a single-file target. Dropping the staged release alone would churn: the agent stages it again at
     * its next check and every pass refuses it again, re-downloading and re-unpacking a whole
     * distribution each time. So the version is held back in quarantine.json, which the agent reads
     * before it downloads, and the unpacked tree is deleted; the operator lifts the hold with
     * {@code allow} once the host runs from such a layout.
     */
    Outcome heldArchive(StagedRelease staged, Path target) throws UpdaterException {
        String allow = "'updater-sidecar allow " + staged.version() + "'";
        String message = "Held back " + staged.version() + ": it is an archive release (" + staged.format()
                + "), installed as a folder behind a 'current' link, but the target " + target + " does not lie"
                + " under APP/current -> releases/<version>; it was left as it is. The staged release was dropped"
                + " and " + staged.version() + " is held back (quarantine.json), so the agent does not download it"
                + " again; run the host from that layout (docs/archives.md), then " + allow + ".";
        records.hold(staged.version(), "an archive release (" + staged.format() + "), and the target does not lie"
                + " under APP/current -> releases/<version>; run the host from that layout, then " + allow);
        HomeCleanup cleanup = new HomeCleanup(home);
        cleanup.dropStagedIf(staged.sha256());
        cleanup.deleteRelease(staged.version());
        records.history(HistoryEvent.Kind.FAILED, staged.version(), null, message);
        return said(new Outcome.Rejected(message));
    }

    Outcome alreadyInstalled(StagedRelease staged, Path target, SwapJournal.Artifact installed) throws UpdaterException {
        home.installedRecord().write(new InstalledRelease(staged.version(), installed.sha256(),
                target.toString(), installed.version(), records.now()));
        new HomeCleanup(home).dropStagedIf(staged.sha256());
        return said(new Outcome.AlreadyInstalled(target + " already holds " + staged.version() + "; nothing to install."));
    }

    /** A step before the rename failed (no space, a changed source): the target was never touched. */
    Outcome failedBeforeSwap(SwapJournal journal, UpdaterException why) throws UpdaterException {
        String sentence = "Could not install " + journal.to().label() + ": " + why.getMessage()
                + (why.getMessage().endsWith(".") ? "" : ".") + " The target still holds " + journal.from().label() + ".";
        return said(new Outcome.Failed(why.code(), close(journal, SwapState.ROLLED_BACK, sentence), sentence));
    }

    /** Recovery found a swap that never happened and cannot be redone (its source is gone): nothing changed. */
    Outcome sourceGone(SwapJournal journal, String why) throws UpdaterException {
        String sentence = "abandoned the unfinished " + journal.describe() + " before its swap: " + why
                + "; the target still holds " + journal.from().label();
        return said(new Outcome.Failed(ErrorCode.STAGED_INVALID, close(journal, SwapState.ROLLED_BACK, sentence),
                sentence));
    }

    /** Swapped, but this caller starts no host: the next sidecar starts and gates it, not counting a resume. */
    Outcome pendingStart(SwapJournal swapped) throws UpdaterException {
        SwapJournal pending = records.write(swapped.withPendingStart(true, records.now()));
        return new Outcome.PendingStart(pending, "Swapped " + swapped.target() + " to " + swapped.to().label()
                + "; the next 'updater-sidecar run' or 'watch' on " + home.dir() + " starts it and checks its health.");
    }

    /** The sidecar is stopping during a gate: the journal stays as it is, and the next start finishes it. */
    Outcome interrupted(SwapJournal journal, RunningHost host) {
        return said(new Outcome.Interrupted(journal, host, "Stopping during the " + journal.describe()
                + "; the next start finishes it."));
    }

    /** Step 7 passed: journal {@code committed}, history, clean up. */
    Outcome committed(SwapJournal journal, RunningHost host, GateResult verdict) throws UpdaterException {
        CrashPoint.AFTER_GATE_PASSED.reach();
        records.history(HistoryEvent.Kind.HEALTHY, journal.to().version(), journal.from().version(), "passed its health gate in "
                + HumanUnits.millis(verdict.took()) + ": " + verdict.reason());
        SwapJournal committed = records.write(journal.withState(SwapState.COMMITTED, records.now()));
        CrashPoint.AFTER_COMMITTED.reach();
        settle(committed);
        return said(new Outcome.Installed(committed, host, journal.to().label() + " passed its health gate in "
                + HumanUnits.millis(verdict.took()) + " (" + verdict.reason() + "); committed."));
    }

    /** The old artifact is back, quarantined the new one, and (where a host was started) passed its gate. */
    Outcome rolledBack(SwapJournal failing, String reason, RunningHost host) throws UpdaterException {
        SwapJournal rolledBack = records.write(failing.withState(SwapState.ROLLED_BACK, records.now())
                .withDetail(reason, records.now()));
        records.history(HistoryEvent.Kind.ROLLED_BACK, failing.from().version(), failing.to().version(), "rolled back from "
                + failing.to().label() + " to " + failing.from().label() + ": " + reason);
        CrashPoint.AFTER_ROLLED_BACK.reach();
        settle(rolledBack);
        return said(new Outcome.RolledBack(rolledBack, host, "Rolled back to " + failing.from().label() + "; "
                + failing.to().label() + " is quarantined and will not be installed again automatically."));
    }

    /**
     * The old artifact is back and its host runs, but it fails the same gate the new version failed: a
     * gate the serving version cannot pass is misconfigured, so the new version is not quarantined and
     * the host, which runs the last committed version, is kept running rather than stopped (an outage
     * caused by the gate itself). The journal is {@code rolled-back}, the history and the log say which
     * option to check, and the sidecar installs nothing until the gate passes for the serving host.
     */
    Outcome gateUnsatisfied(SwapJournal failing, RunningHost host, String gateReason) throws UpdaterException {
        String sentence = "Rolled back to " + failing.from().label() + ", which runs (pid " + host.pid()
                + ") but fails the health gate too: " + gateReason + ". A gate that fails for the version that was"
                + " serving is misconfigured, not a bad release: " + failing.to().label() + " is not quarantined,"
                + " the host is kept running, and nothing is installed until the gate passes; check --health-url";
        SwapJournal rolledBack = records.write(failing.withState(SwapState.ROLLED_BACK, records.now())
                .withDetail(sentence, records.now()));
        records.history(HistoryEvent.Kind.ROLLED_BACK, failing.from().version(), failing.to().version(), sentence);
        settle(rolledBack);
        return said(new Outcome.GateUnsatisfied(rolledBack, host, gateReason, sentence + "."));
    }

    /**
     * Nothing healthy is left to fall back to: an install's rollback is journaled {@code rolled-back} (the
     * old bytes are back), an operator's rollback {@code failed}; the sidecar stops restarting the host.
     */
    Outcome previousFailed(SwapJournal journal, RunningHost host, String sentence) throws UpdaterException {
        SwapState end = journal.kind() == SwapJournal.Kind.ROLLBACK ? SwapState.FAILED : SwapState.ROLLED_BACK;
        SwapJournal done = records.write(journal.withState(end, records.now()).withDetail(sentence, records.now()));
        records.history(HistoryEvent.Kind.FAILED, journal.from().version(), journal.to().version(), sentence);
        settle(done);
        return said(new Outcome.PreviousFailed(done, host, sentence
                + ". The sidecar stops restarting it: fix the host, then start the sidecar again."));
    }

    /**
     * The transaction can be neither finished nor reverted (a backup that is gone, a target changed by
     * hand): leave the target as it is, quarantine a version that failed its gate, and close the journal
     * as {@code abandoned}, with why in the journal and the history, so that no later start tries again.
     * The caller starts a host on the target as it is: a service that never starts again is the worse
     * failure, and the operator sees what it runs in {@code status}.
     */
    Outcome abandoned(SwapJournal journal, String why) throws UpdaterException {
        Path target = Path.of(journal.target());
        Sha256 onDisk;
        boolean holdsNew;
        SwapJournal.Artifact held;
        if (journal.swapsLink()) {
            Boolean linkHoldsNew = ReleaseLink.holdsNew(journal);
            holdsNew = Boolean.TRUE.equals(linkHoldsNew);
            held = linkHoldsNew == null ? null : holdsNew ? journal.to() : journal.from();
            onDisk = held != null ? held.sha256() : ArtifactFiles.hashOfTargetOrNull(ReleaseLink.inCurrentFolder(target));
        } else {
            onDisk = ArtifactFiles.hashOfTargetOrNull(target);
            holdsNew = journal.to().sha256().equals(onDisk);
            held = holdsNew ? journal.to() : journal.from().sha256().equals(onDisk) ? journal.from() : null;
        }
        String sentence = "Could not finish the " + journal.describe() + ": " + why + ". The target " + target
                + " was left as it is, holding " + (held != null ? held.label() : onDisk == null ? "nothing (it is missing)"
                : "unknown bytes (SHA-256 " + onDisk + ")") + ", and the host runs on it; the journal is closed as"
                + " abandoned and nothing is retried. Check the target, then install or roll back with"
                + " 'updater-sidecar apply' or 'rollback'.";
        if (journal.gateFailure() != null && records.quarantine(journal.to().version(), journal.gateFailure())) {
            records.history(HistoryEvent.Kind.QUARANTINED, journal.to().version(), journal.from().version(), journal.gateFailure());
        }
        if (onDisk != null) {
            home.installedRecord().write(new InstalledRelease(
                    held == null ? null : held.version(), onDisk, journal.target(),
                    holdsNew ? journal.from().version() : null, records.now()));
        }
        return said(new Outcome.Abandoned(close(journal, SwapState.ABANDONED, sentence), sentence));
    }

    /**
     * Brings the other records in line with a finished journal: installed.json, the staged release, its
     * release folder, old backups, the temp file, half-copied release folders. Idempotent, so recovery runs
     * it again after a crash.
     */
    void settle(SwapJournal done) throws UpdaterException {
        ArtifactFiles.deleteQuietly(ReplaceTarget.tempFileOf(done));
        if (done.swapsLink()) {
            ReleaseLink.dropUnfinishedCopies(done).forEach(ctx.log());
        }
        if (done.state() != SwapState.ABANDONED) { // an abandoned one wrote what the target held as it closed
            boolean holdsTo = done.state() == SwapState.COMMITTED || (done.state() == SwapState.FAILED
                    && (done.swapsLink() ? Boolean.TRUE.equals(ReleaseLink.holdsNew(done))
                    : done.to().sha256().equals(ArtifactFiles.hashOfTargetOrNull(Path.of(done.target())))));
            SwapJournal.Artifact now = holdsTo ? done.to() : done.from();
            SwapJournal.Artifact before = holdsTo ? done.from() : done.to();
            home.installedRecord().write(new InstalledRelease(now.version(), now.sha256(), done.target(),
                    before.version(), done.updatedAt()));
        }
        if (done.kind() == SwapJournal.Kind.INSTALL) {
            HomeCleanup cleanup = new HomeCleanup(home);
            cleanup.dropStagedIf(done.to().sha256());
            if (done.source().startsWith("releases/")) {
                cleanup.deleteRelease(done.to().version());
            }
            if (done.state() == SwapState.COMMITTED && done.swapsLink()) {
                ReleaseLink.prune(done, ctx.keepBackups() + 1, // the current folder and N previous ones, the backups
                        home.quarantineList().readQuietly().orElse(Quarantine.NONE));
            } else if (done.state() == SwapState.COMMITTED) {
                new Backups(home).prune(ctx.keepBackups(), done.backup());
            } else if (done.state() == SwapState.ROLLED_BACK && done.swapsLink()) {
                ReleaseLink.dropFailed(done);
            }
        }
    }

    private SwapJournal close(SwapJournal journal, SwapState end, String sentence) throws UpdaterException {
        SwapJournal closed = records.write(journal.withState(end, records.now()).withDetail(sentence, records.now()));
        records.history(HistoryEvent.Kind.FAILED, journal.to().version(), journal.from().version(), sentence);
        settle(closed);
        return closed;
    }

    private Outcome said(Outcome outcome) {
        SidecarLog.emit(ctx.log(), outcome.logEvent());
        return outcome;
    }
}
