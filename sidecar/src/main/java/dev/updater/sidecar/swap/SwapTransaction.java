package dev.updater.sidecar.swap;

import dev.updater.core.Durations;
import dev.updater.core.ErrorCode;
import dev.updater.core.Sha256;
import dev.updater.core.UpdaterException;
import dev.updater.core.home.AgentRecord;
import dev.updater.core.home.AtomicFiles;
import dev.updater.core.home.HistoryEvent;
import dev.updater.core.home.InstalledRelease;
import dev.updater.core.home.StagedRelease;
import dev.updater.core.home.UpdateHome;
import dev.updater.core.version.ReleaseVersion;
import dev.updater.sidecar.health.GateResult;
import dev.updater.sidecar.health.RunningHost;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Comparator;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The swap transaction of DESIGN §5, one method per numbered step. {@link #install} reads top to
 * bottom: re-verify the staged file (1), journal {@code prepared} (2), back up the installed
 * artifact (3), copy the new one beside the target (4), rename it over the target and journal
 * {@code swapped} (5), start the host and journal {@code verifying} (6), gate it and commit or roll
 * back (7). Every journal write is atomic and durable, and the target only ever changes by a
 * rename, so a crash at any instant leaves it byte for byte old or new; {@link Recovery} resumes
 * from the journal.
 *
 * <pre>{@code
 * Outcome outcome = new SwapTransaction(context, hostControl).install(staged, target, false);
 * }</pre>
 */
public final class SwapTransaction {
    /** Runs of the swap steps for one transaction before the loop breaker gives up. */
    static final int MAX_ATTEMPTS = 3;
    /** Loads of one unfinished journal by restarted sidecars before the loop breaker gives up. */
    static final int MAX_RESUMES = 2;

    private static final DateTimeFormatter ID = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss.SSS'Z'")
            .withZone(ZoneOffset.UTC);

    private final SwapContext ctx;
    private final UpdateHome home;
    private final HostControl hosts;
    /** The target's inode, size and mtime while {@link #measureInstalled} hashed it, if they held still. */
    private ArtifactFiles.Identity installedAsMeasured;

    public SwapTransaction(SwapContext ctx, HostControl hosts) {
        this.ctx = ctx;
        this.home = ctx.home();
        this.hosts = hosts;
    }

    /** Installs {@code staged} over {@code target}: the whole of DESIGN §5. */
    public Outcome install(StagedRelease staged, Path target, boolean approved)
            throws UpdaterException, InterruptedException {
        SwapJournal.Artifact to;
        Path source;
        try {
            source = stagedFile(staged);
            to = reverifyStaged(staged, source);
        } catch (UpdaterException e) {
            return reject(staged, e);
        }
        SwapJournal.Artifact from = measureInstalled(target);
        if (from.sha256().equals(to.sha256())) {
            return alreadyInstalled(staged, target, from);
        }
        ctx.log().accept("installing " + to.label() + " over " + from.label() + " at " + target);
        SwapJournal journal = journalPrepared(SwapJournal.Kind.INSTALL, target, from, to,
                home.dir().relativize(source).toString(), Backups.pathFor(from, target), approved);
        return swapAndVerify(journal);
    }

    /**
     * An operator's rollback: reinstalls {@code backup} through the same steps (without taking a
     * backup of the version rolled away from, which is quarantined).
     */
    public Outcome rollBack(Backups.Backup backup, Path target) throws UpdaterException, InterruptedException {
        Path source = home.dir().resolve(backup.file());
        SwapJournal.Artifact to;
        try {
            to = ArtifactFiles.measure(source, backup.version());
        } catch (IOException e) {
            throw new UpdaterException(ErrorCode.NO_BACKUP, "The backup " + source + " cannot be read: "
                    + ArtifactFiles.describe(e) + "; nothing was changed.", e);
        }
        if (!to.sha256().equals(backup.sha256()) || to.size() != backup.size()) {
            throw new UpdaterException(ErrorCode.NO_BACKUP, "The backup " + source + " is damaged: SHA-256 "
                    + to.sha256() + ", recorded " + backup.sha256() + "; nothing was changed.");
        }
        SwapJournal.Artifact from = measureInstalled(target);
        ctx.log().accept("rolling back from " + from.label() + " to " + to.label() + " at " + target);
        SwapJournal journal = journalPrepared(SwapJournal.Kind.ROLLBACK, target, from, to, backup.file(), null, true);
        return swapAndVerify(journal);
    }

    // ---- step 1

    /** Resolves staged.json's {@code file} inside {@code releases/}, refusing paths that leave it. */
    private Path stagedFile(StagedRelease staged) throws UpdaterException {
        if (staged.version() == null) {
            throw new UpdaterException(ErrorCode.STAGED_INVALID, "staged.json names no version");
        }
        if (staged.file() == null || Path.of(staged.file()).isAbsolute()) {
            throw new UpdaterException(ErrorCode.STAGED_INVALID, "staged.json names file \"" + staged.file()
                    + "\"; it must be a path inside " + home.releases());
        }
        Path file = home.dir().resolve(staged.file()).normalize();
        if (!file.startsWith(home.releases()) || file.equals(home.releases())) {
            throw new UpdaterException(ErrorCode.STAGED_INVALID, "staged.json names file \"" + staged.file()
                    + "\", which is outside " + home.releases());
        }
        try {
            // Threat: a directory on the way swapped for a symbolic link that points out of the home.
            Path realParent = file.getParent().toRealPath();
            Path expected = home.dir().toRealPath().resolve(home.dir().relativize(file.getParent()));
            if (!realParent.equals(expected)) {
                throw new UpdaterException(ErrorCode.STAGED_INVALID, "the staged file " + file
                        + " is reached through a symbolic link (" + realParent + ")");
            }
        } catch (IOException e) {
            throw new UpdaterException(ErrorCode.STAGED_INVALID, "the staged file " + file + " cannot be read ("
                    + ArtifactFiles.describe(e) + ")", e);
        }
        return file;
    }

    /** Step 1: hashes the staged file as it is on disk now; staged.json is a claim, not a proof. */
    private SwapJournal.Artifact reverifyStaged(StagedRelease staged, Path file) throws UpdaterException {
        SwapJournal.Artifact measured;
        try {
            measured = ArtifactFiles.measure(file, staged.version().toString());
        } catch (IOException e) {
            throw new UpdaterException(ErrorCode.STAGED_INVALID, "the staged file " + file + " cannot be read ("
                    + ArtifactFiles.describe(e) + ")", e);
        }
        if (measured.size() != staged.size() || !measured.sha256().equals(String.valueOf(staged.sha256()))) {
            throw new UpdaterException(ErrorCode.STAGED_INVALID, "the staged file " + file + " is "
                    + measured.size() + " bytes with SHA-256 " + measured.sha256() + ", but staged.json says "
                    + staged.size() + " bytes with " + staged.sha256());
        }
        return measured;
    }

    /** Fail closed: a staged release that does not verify is dropped, and the agent stages it again. */
    private Outcome reject(StagedRelease staged, UpdaterException why) throws UpdaterException {
        String message = "Refused to install " + staged.version() + ": " + why.getMessage()
                + ". Nothing was changed; the staged release was dropped and the agent downloads it again.";
        dropStagedIf(String.valueOf(staged.sha256()));
        history(HistoryEvent.Kind.FAILED, Objects.toString(staged.version(), null), null, message);
        ctx.log().accept(message);
        return new Outcome(Outcome.Result.REJECTED, null, message, null);
    }

    private Outcome alreadyInstalled(StagedRelease staged, Path target, SwapJournal.Artifact installed)
            throws UpdaterException {
        home.installedRecord().write(new InstalledRelease(staged.version(), new Sha256(installed.sha256()),
                target.toString(), ReleaseVersion.tryParse(installed.version()), now()));
        dropStagedIf(staged.sha256().hex());
        String message = target + " already holds " + staged.version() + "; nothing to install.";
        ctx.log().accept(message);
        return new Outcome(Outcome.Result.ALREADY_INSTALLED, null, message, null);
    }

    /** What the target holds now, with its version when a record vouches for these exact bytes. */
    SwapJournal.Artifact measureInstalled(Path target) throws UpdaterException {
        SwapJournal.Artifact measured;
        try {
            Path file = ArtifactFiles.installedFile(target);
            ArtifactFiles.Identity before = ArtifactFiles.identity(file);
            measured = ArtifactFiles.measure(file, null);
            installedAsMeasured = before.equals(ArtifactFiles.identity(file)) ? before : null;
        } catch (IOException e) {
            throw new UpdaterException(ErrorCode.TARGET_UNKNOWN, "Cannot read the target " + target + ": "
                    + ArtifactFiles.describe(e) + "; give the file the host runs with --target.", e);
        }
        return new SwapJournal.Artifact(versionOf(measured.sha256()), measured.sha256(), measured.size());
    }

    private String versionOf(String sha256) {
        // an unreadable record only costs the label; the hash decides everything
        Sha256 measured = new Sha256(sha256);
        Optional<InstalledRelease> installed = home.installedRecord().readQuietly();
        if (installed.isPresent() && measured.equals(installed.get().sha256())) {
            return Objects.toString(installed.get().version(), null);
        }
        Optional<AgentRecord> agent = home.agentRecord().readQuietly();
        if (agent.isPresent() && measured.equals(agent.get().targetSha256())) {
            return Objects.toString(agent.get().runningVersion(), null);
        }
        return null;
    }

    // ---- step 2

    private SwapJournal journalPrepared(SwapJournal.Kind kind, Path target, SwapJournal.Artifact from,
                                        SwapJournal.Artifact to, String source, String backup, boolean approved)
            throws UpdaterException {
        Instant now = now();
        SwapJournal journal = new SwapJournal(ID.format(now), kind, SwapState.PREPARED, target.toString(), from, to,
                source, backup, approved, 0, 0, false, null, null, now, now).writeTo(home);
        CrashPoint.AFTER_PREPARED.reach();
        return journal;
    }

    /** Steps 3 to 7 from a {@code prepared} journal; also how recovery redoes an install cut short before the swap. */
    Outcome swapAndVerify(SwapJournal prepared) throws UpdaterException, InterruptedException {
        SwapJournal journal = prepared.attempted(now()).writeTo(home);
        if (journal.attempts() > MAX_ATTEMPTS) {
            return giveUp(journal, "it was attempted " + MAX_ATTEMPTS + " times without finishing");
        }
        Path target = Path.of(journal.target());
        Path temp;
        try {
            if (journal.kind() == SwapJournal.Kind.INSTALL) {
                backUpInstalled(journal, target);
            }
            temp = copyBesideTarget(journal, home.dir().resolve(journal.source()), journal.to(), CrashPoint.DURING_COPY);
            CrashPoint.AFTER_COPY.reach();
        } catch (UpdaterException e) {
            return abortBeforeSwap(journal, e);
        }
        journal = renameOverTarget(temp, journal);
        return startAndGate(journal);
    }

    /**
     * A step before the rename failed (no space, a changed source): the target was never touched.
     * Close the journal, say why once, and leave the host as it was.
     */
    private Outcome abortBeforeSwap(SwapJournal journal, UpdaterException why) throws UpdaterException {
        String sentence = "Could not install " + journal.to().label() + ": " + why.getMessage()
                + (why.getMessage().endsWith(".") ? "" : ".") + " The target still holds " + journal.from().label() + ".";
        SwapJournal closed = journal.withState(SwapState.ROLLED_BACK, now()).withDetail(sentence, now()).writeTo(home);
        history(HistoryEvent.Kind.FAILED, journal.to().version(), journal.from().version(), sentence);
        finish(closed);
        ctx.log().accept(sentence);
        return new Outcome(Outcome.Result.REJECTED, closed, sentence, null);
    }

    // ---- step 3

    /** Keeps what the target holds now in {@code backup/}, verified, before anything replaces it. */
    private void backUpInstalled(SwapJournal journal, Path target) throws UpdaterException {
        Path backup = home.dir().resolve(journal.backup());
        try {
            if (!journal.from().sha256().equals(ArtifactFiles.hashOrNull(backup))) {
                createPrivateDirectories(backup.getParent());
                Path installed = ArtifactFiles.installedFile(target);
                // A symbolic link's destination stays where it is after the swap, and whoever manages it
                // may rewrite it in place: the backup of a linked target is a copy, never a hard link.
                ArtifactFiles.linkOrCopy(installed, backup, installed.equals(target));
            }
            // A hard link to the very inode hashed a moment ago, unchanged since: hashing it again
            // would read the same bytes (100 ms per 100 MiB). Anything else is verified.
            boolean sameBytesAsHashed = installedAsMeasured != null && installedAsMeasured.fileKey() != null
                    && installedAsMeasured.equals(ArtifactFiles.identity(backup));
            SwapJournal.Artifact kept = sameBytesAsHashed ? journal.from()
                    : ArtifactFiles.measure(backup, journal.from().version());
            if (!kept.sha256().equals(journal.from().sha256())) {
                throw new UpdaterException(ErrorCode.SWAP_FAILED, "The backup " + backup + " does not match the"
                        + " installed artifact (SHA-256 " + kept.sha256() + ", expected " + journal.from().sha256()
                        + "); the target changed during the install. Nothing was replaced; start again.");
            }
        } catch (IOException e) {
            throw new UpdaterException(ErrorCode.SWAP_FAILED, "Could not back up " + target + " to " + backup + ": "
                    + ArtifactFiles.describe(e) + "; check free space and permissions. Nothing was replaced.", e);
        }
        new Backups(home).record(new Backups.Backup(journal.from().version(), journal.from().sha256(),
                journal.from().size(), journal.backup(), now()));
        CrashPoint.AFTER_BACKUP.reach();
    }

    // ---- step 4

    /** Copies {@code source} to a temp file in the target's directory, with the target's mode, fsynced and verified. */
    private Path copyBesideTarget(SwapJournal journal, Path source, SwapJournal.Artifact expected, CrashPoint halfway)
            throws UpdaterException {
        Path target = Path.of(journal.target());
        Path temp = tempFileOf(journal);
        Set<PosixFilePermission> mode;
        try {
            // of the file a symbolic link points at: a link's own mode (0777) would make the jar world-writable
            mode = ArtifactFiles.modeOf(ArtifactFiles.installedFile(target));
        } catch (IOException e) {
            throw new UpdaterException(ErrorCode.TARGET_UNKNOWN, "Cannot read the mode of " + target + ": "
                    + ArtifactFiles.describe(e) + ". Nothing was replaced.", e);
        }
        ArtifactFiles.copyVerified(source, temp, expected, mode, halfway);
        return temp;
    }

    /** {@code .app.jar.updater-<id>.tmp} beside the target: one per transaction, so recovery knows what to delete. */
    static Path tempFileOf(SwapJournal journal) {
        Path target = Path.of(journal.target());
        return target.resolveSibling("." + target.getFileName() + ".updater-" + journal.id() + ".tmp");
    }

    // ---- step 5

    /** Renames the verified temp file over the target (atomic), fsyncs the directory, journals {@code swapped}. */
    private SwapJournal renameOverTarget(Path temp, SwapJournal journal) throws UpdaterException {
        renameInto(temp, journal);
        CrashPoint.AFTER_RENAME.reach();
        return markSwapped(journal);
    }

    SwapJournal markSwapped(SwapJournal journal) throws UpdaterException {
        SwapJournal swapped = journal.withState(SwapState.SWAPPED, now()).writeTo(home);
        if (journal.kind() == SwapJournal.Kind.INSTALL) {
            history(HistoryEvent.Kind.INSTALLED, journal.to().version(), journal.from().version(),
                    "swapped " + journal.target() + " to " + journal.to().label() + "; the health gate decides");
        } else {
            quarantine(journal.from().version(), "rolled back by an operator to " + journal.to().label());
            history(HistoryEvent.Kind.INSTALLED, journal.to().version(), journal.from().version(),
                    "rolled back " + journal.target() + " to " + journal.to().label() + " by an operator's request");
        }
        CrashPoint.AFTER_SWAPPED.reach();
        return swapped;
    }

    private void renameInto(Path temp, SwapJournal journal) throws UpdaterException {
        Path target = Path.of(journal.target());
        try {
            AtomicFiles.moveAtomically(temp, target);
        } catch (IOException e) {
            ArtifactFiles.deleteQuietly(temp);
            throw new UpdaterException(ErrorCode.SWAP_FAILED, "Could not rename " + temp + " over " + target + ": "
                    + ArtifactFiles.describe(e) + "; the target is unchanged. Check permissions on "
                    + target.getParent() + ".", e);
        }
    }

    // ---- steps 6 and 7

    /** Starts a host on the swapped target, gates it, and commits or rolls back. */
    Outcome startAndGate(SwapJournal swapped) throws UpdaterException, InterruptedException {
        Optional<RunningHost> started = hosts.startAfterSwap(swapped, false);
        if (started.isEmpty()) {
            SwapJournal pending = swapped.withPendingStart(true, now()).writeTo(home);
            String message = "Swapped " + swapped.target() + " to " + swapped.to().label() + "; the next"
                    + " 'updater-sidecar run' or 'watch' on " + home.dir() + " starts it and checks its health.";
            return new Outcome(Outcome.Result.PENDING_START, pending, message, null);
        }
        RunningHost host = started.get();
        CrashPoint.AFTER_HOST_START.reach();
        SwapJournal journal = swapped.withState(SwapState.VERIFYING, now()).withPendingStart(false, now()).writeTo(home);
        CrashPoint.AFTER_VERIFYING.reach();
        ctx.log().accept("started " + journal.to().label() + " (pid " + host.pid() + "); health gate: " + gateTerms());
        GateResult verdict = ctx.gate().await(host, hosts::stopping);
        switch (verdict.verdict()) {
            case PASSED:
                return commit(journal, host, verdict);
            case CANCELLED:
                return interrupted(journal, host);
            default:
                if (journal.kind() == SwapJournal.Kind.ROLLBACK) {
                    return previousFailed(journal, host, journal.to().label() + " failed its health gate after the"
                            + " rollback: " + verdict.reason());
                }
                return rollBackFailedRelease(journal, host, verdict.reason());
        }
    }

    private Outcome commit(SwapJournal journal, RunningHost host, GateResult verdict) throws UpdaterException {
        CrashPoint.AFTER_GATE_PASSED.reach();
        history(HistoryEvent.Kind.HEALTHY, journal.to().version(), journal.from().version(), "passed its health gate in "
                + verdict.took().toMillis() + " ms: " + verdict.reason());
        SwapJournal committed = journal.withState(SwapState.COMMITTED, now()).writeTo(home);
        CrashPoint.AFTER_COMMITTED.reach();
        finish(committed);
        String message = journal.to().label() + " passed its health gate in " + verdict.took().toMillis()
                + " ms (" + verdict.reason() + "); committed.";
        ctx.log().accept(message);
        return new Outcome(Outcome.Result.COMMITTED, committed, message, host);
    }

    private Outcome interrupted(SwapJournal journal, RunningHost host) {
        String message = "Stopping during the " + journal.describe() + "; the next start finishes it.";
        ctx.log().accept(message);
        return new Outcome(Outcome.Result.INTERRUPTED, journal, message, host);
    }

    // ---- rolling back a release that failed its gate

    /** The gate failed: journal why, stop the failed host, restore the backup through steps 4–5, start the old one. */
    Outcome rollBackFailedRelease(SwapJournal journal, RunningHost failed, String reason)
            throws UpdaterException, InterruptedException {
        String sentence = journal.to().label() + " failed its health gate: " + reason;
        SwapJournal failing = journal.withGateFailure(sentence, now()).writeTo(home);
        history(HistoryEvent.Kind.FAILED, journal.to().version(), journal.from().version(), sentence);
        ctx.log().accept(sentence + "; rolling back to " + journal.from().label());
        CrashPoint.AFTER_GATE_FAILED.reach();
        if (failed != null) {
            hosts.stopFailed(failed);
        }
        return restoreBackup(failing);
    }

    /**
     * Steps 4–5 with the backup as the source; the target holds the old bytes when this returns. A
     * backup that is missing or damaged, or cannot be put back, leaves the transaction abandoned rather
     * than failing every later start at the same place.
     */
    Outcome restoreBackup(SwapJournal failing) throws UpdaterException, InterruptedException {
        Path backup = home.dir().resolve(failing.backup());
        String kept = ArtifactFiles.hashOrNull(backup);
        if (!failing.from().sha256().equals(kept)) {
            return leaveAsFound(failing, "its backup " + backup + (kept == null ? " is missing"
                    : " holds other bytes (SHA-256 " + kept + ")") + ", so " + failing.from().label()
                    + " cannot be put back");
        }
        try {
            Path temp = copyBesideTarget(failing, backup, failing.from(), CrashPoint.ROLLBACK_DURING_COPY);
            renameInto(temp, failing);
        } catch (UpdaterException e) {
            return leaveAsFound(failing, "its backup could not be put back: " + e.getMessage());
        }
        CrashPoint.ROLLBACK_AFTER_RENAME.reach();
        return restartPrevious(failing);
    }

    /**
     * The transaction can be neither finished nor reverted (a backup that is gone, a target changed by
     * hand): leave the target as it is, quarantine a version that failed its gate, and close the journal
     * as {@code abandoned}, with why in the journal and the history, so that no later start tries again.
     * The caller starts a host on the target as it is: a service that never starts again is the worse
     * failure, and the operator sees what it runs in {@code status}.
     */
    Outcome leaveAsFound(SwapJournal journal, String why) throws UpdaterException {
        Path target = Path.of(journal.target());
        String onDisk = ArtifactFiles.hashOfTargetOrNull(target);
        boolean holdsNew = journal.to().sha256().equals(onDisk);
        SwapJournal.Artifact held = holdsNew ? journal.to() : journal.from().sha256().equals(onDisk) ? journal.from() : null;
        String sentence = "Could not finish the " + journal.describe() + ": " + why + ". The target " + target
                + " was left as it is, holding " + (held != null ? held.label() : onDisk == null ? "nothing (it is missing)"
                : "unknown bytes (SHA-256 " + onDisk + ")") + ", and the host runs on it; the journal is closed as"
                + " abandoned and nothing is retried. Check the target, then install or roll back with"
                + " 'updater-sidecar apply' or 'rollback'.";
        if (journal.gateFailure() != null && quarantine(journal.to().version(), journal.gateFailure())) {
            history(HistoryEvent.Kind.QUARANTINED, journal.to().version(), journal.from().version(), journal.gateFailure());
        }
        if (onDisk != null) {
            home.installedRecord().write(new InstalledRelease(
                    held == null ? null : ReleaseVersion.tryParse(held.version()), new Sha256(onDisk), journal.target(),
                    holdsNew ? ReleaseVersion.tryParse(journal.from().version()) : null, now()));
        }
        history(HistoryEvent.Kind.FAILED, journal.to().version(), journal.from().version(), sentence);
        SwapJournal closed = journal.withState(SwapState.ABANDONED, now()).withDetail(sentence, now()).writeTo(home);
        finish(closed);
        ctx.log().accept(sentence);
        return new Outcome(Outcome.Result.ABANDONED, closed, sentence, null);
    }

    /** The target holds the old artifact again: quarantine the failed version, start the old one, gate it. */
    Outcome restartPrevious(SwapJournal failing) throws UpdaterException, InterruptedException {
        String reason = failing.gateFailure() != null ? failing.gateFailure()
                : failing.to().label() + " was not installed: the sidecar stopped before the swap";
        if (quarantine(failing.to().version(), reason)) {
            history(HistoryEvent.Kind.QUARANTINED, failing.to().version(), failing.from().version(), reason);
        }
        CrashPoint.AFTER_QUARANTINE.reach();
        Optional<RunningHost> started = hosts.startAfterSwap(failing, true);
        RunningHost host = started.orElse(null);
        if (host != null) {
            GateResult verdict = ctx.gate().await(host, hosts::stopping);
            if (verdict.verdict() == GateResult.Verdict.CANCELLED) {
                return interrupted(failing, host);
            }
            if (!verdict.passed()) {
                return previousFailed(failing, host, "the previous version " + failing.from().label()
                        + " also failed its health gate after the rollback: " + verdict.reason());
            }
        }
        SwapJournal rolledBack = failing.withState(SwapState.ROLLED_BACK, now())
                .withDetail(reason, now()).writeTo(home);
        history(HistoryEvent.Kind.ROLLED_BACK, failing.from().version(), failing.to().version(), "rolled back from "
                + failing.to().label() + " to " + failing.from().label() + ": " + reason);
        CrashPoint.AFTER_ROLLED_BACK.reach();
        finish(rolledBack);
        String message = "Rolled back to " + failing.from().label() + "; " + failing.to().label()
                + " is quarantined and will not be installed again automatically.";
        ctx.log().accept(message);
        return new Outcome(Outcome.Result.ROLLED_BACK, rolledBack, message, host);
    }

    /** Nothing healthy is left to fall back to: journal it, and tell the sidecar to stop restarting. */
    private Outcome previousFailed(SwapJournal journal, RunningHost host, String sentence) throws UpdaterException {
        SwapState end = journal.kind() == SwapJournal.Kind.ROLLBACK ? SwapState.COMMITTED : SwapState.ROLLED_BACK;
        SwapJournal done = journal.withState(end, now()).withDetail(sentence, now()).writeTo(home);
        history(HistoryEvent.Kind.FAILED, journal.from().version(), journal.to().version(), sentence);
        finish(done);
        String message = sentence + ". The sidecar stops restarting it: fix the host, then start the sidecar again.";
        ctx.log().accept(message);
        return new Outcome(Outcome.Result.PREVIOUS_FAILED, done, message, host);
    }

    /**
     * The loop breaker: a transaction that keeps being cut short is rolled back and its version
     * quarantined, so a release that crashes the machine cannot keep it in a restart loop.
     */
    Outcome giveUp(SwapJournal journal, String why) throws UpdaterException, InterruptedException {
        String sentence = "gave up the " + journal.describe() + ": " + why;
        ctx.log().accept(sentence);
        if (journal.kind() == SwapJournal.Kind.ROLLBACK) {
            return previousFailed(journal, null, sentence);
        }
        SwapJournal failing = journal.withGateFailure(sentence, now()).writeTo(home);
        history(HistoryEvent.Kind.FAILED, journal.to().version(), journal.from().version(), sentence);
        String onDisk = ArtifactFiles.hashOfTargetOrNull(Path.of(journal.target()));
        if (journal.to().sha256().equals(onDisk)) {
            return restoreBackup(failing);
        }
        return restartPrevious(failing);
    }

    // ---- after the end

    /**
     * Brings the other records in line with a finished journal: installed.json, the staged release,
     * old backups, the temp file. Idempotent, so recovery can run it again after a crash.
     */
    void finish(SwapJournal done) throws UpdaterException {
        ArtifactFiles.deleteQuietly(tempFileOf(done));
        if (done.state() != SwapState.ABANDONED) { // an abandoned one wrote what the target held as it closed
            SwapJournal.Artifact now = done.state() == SwapState.COMMITTED ? done.to() : done.from();
            SwapJournal.Artifact before = done.state() == SwapState.COMMITTED ? done.from() : done.to();
            home.installedRecord().write(new InstalledRelease(ReleaseVersion.tryParse(now.version()),
                    new Sha256(now.sha256()), done.target(), ReleaseVersion.tryParse(before.version()),
                    done.updatedAt()));
        }
        if (done.kind() == SwapJournal.Kind.INSTALL) {
            dropStagedIf(done.to().sha256());
            if (done.to().version() != null && done.source().startsWith("releases/")
                    && !stagedNames(done.to().version())) {
                deleteTree(home.release(done.to().version()));
            }
            if (done.state() == SwapState.COMMITTED) {
                new Backups(home).prune(ctx.keepBackups(), done.backup());
            }
        }
    }

    /** True when staged.json names {@code version} (re-staged with other bytes): its release directory stays. */
    private boolean stagedNames(String version) {
        try {
            return home.stagedRecord().read()
                    .map(s -> version.equals(String.valueOf(s.version()))).orElse(false);
        } catch (UpdaterException e) {
            return true; // unreadable: leave the directory to the agent
        }
    }

    private void dropStagedIf(String sha256) throws UpdaterException {
        Optional<StagedRelease> staged = home.stagedRecord().readQuietly();
        if (staged.isPresent() && String.valueOf(staged.get().sha256()).equalsIgnoreCase(sha256)) {
            home.stagedRecord().delete();
        }
    }

    private boolean quarantine(String version, String reason) throws UpdaterException {
        return QuarantineFile.add(home, version, reason, now());
    }

    private void history(HistoryEvent.Kind event, String version, String from, String detail) throws UpdaterException {
        home.history().append(new HistoryEvent(now(), event, ReleaseVersion.tryParse(version),
                ReleaseVersion.tryParse(from), detail));
    }

    private String gateTerms() {
        var s = ctx.gate().settings();
        return "alive " + Durations.format(s.minUptime())
                + (s.healthUrl() == null ? "" : ", " + s.healthUrl() + " answering 2xx")
                + ", within " + Durations.format(s.timeout());
    }

    private Instant now() {
        return ctx.clock().instant();
    }

    static void createPrivateDirectories(Path dir) throws IOException {
        AtomicFiles.createDirectories(dir, PrivateDirectories.attributes());
    }

    private static void deleteTree(Path dir) throws UpdaterException {
        if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new UpdaterException(ErrorCode.IO, "Could not delete " + dir + ": " + e + "; delete it by hand.", e);
        }
    }
}
