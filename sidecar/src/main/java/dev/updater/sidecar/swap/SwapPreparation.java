package dev.updater.sidecar.swap;

import dev.updater.core.ErrorCode;
import dev.updater.core.UpdaterException;
import dev.updater.core.home.Backup;
import dev.updater.core.home.StagedRelease;
import dev.updater.core.home.SwapJournal;
import dev.updater.core.home.UpdateHome;
import dev.updater.sidecar.log.LogEvent;
import dev.updater.sidecar.log.SidecarLog;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Steps 1–2 of the swap (DESIGN §5): verify what is to be installed, measure what is installed, and
 * write the journal {@code prepared} — or end at once, when the release is rejected, already
 * installed or held back. Input: a staged release or a backup, and the target; output: a
 * {@link Prepared} value the {@link SwapTransaction} runner goes on from.
 */
final class SwapPreparation {
    /** What preparing gave: a journal to run the steps from, or an outcome that ends the transaction here. */
    sealed interface Prepared permits Ready, Ended {
    }

    /** A {@code prepared} journal; {@code asMeasured} is the target's identity in step 1, or null. */
    record Ready(SwapJournal journal, ArtifactFiles.Identity asMeasured) implements Prepared {
    }

    /** The transaction ended before anything was journaled. */
    record Ended(Outcome outcome) implements Prepared {
    }

    private final SwapContext ctx;
    private final UpdateHome home;
    private final SwapRecords records;
    private final Endings end;

    SwapPreparation(SwapContext ctx, SwapRecords records, Endings end) {
        this.ctx = ctx;
        this.home = ctx.home();
        this.records = records;
        this.end = end;
    }

    /** An install of {@code staged} over {@code target}: a single file, or a release folder behind {@code current}. */
    Prepared install(StagedRelease staged, Path target, boolean approved) throws UpdaterException {
        Optional<Path> app = staged.isArchive() ? ReleaseLink.appOf(target) : Optional.empty();
        if (staged.isArchive() && app.isEmpty()) {
            return new Ended(end.heldArchive(staged, target));
        }
        StagedSource.Verified verified;
        try {
            verified = StagedSource.verify(home, staged);
        } catch (UpdaterException e) {
            return new Ended(end.rejected(staged, e));
        }
        if (app.isPresent()) {
            return installRelease(staged, verified, target, app.get(), approved);
        }
        InstalledArtifact installed = InstalledArtifact.measure(home, target);
        SwapJournal.Artifact from = installed.artifact();
        if (from.sha256().equals(verified.artifact().sha256())) {
            return new Ended(end.alreadyInstalled(staged, target, from));
        }
        SidecarLog.emit(ctx.log(), LogEvent.info("installing", "installing " + verified.artifact().label() + " over "
                + from.label() + " at " + target, "version", verified.artifact().label(), "from", from.label(),
                "target", target));
        return new Ready(records.prepared(SwapJournal.Kind.INSTALL, target, from, verified.artifact(),
                home.dir().relativize(verified.file()).toString(), Backups.pathFor(from, target), approved),
                installed.asMeasured());
    }

    /**
     * An archive release over the layout {@code app/current -> releases/<v>} (DESIGN §5 "Archives"): the
     * same steps, with the release folder as the artifact and the previous folder as the backup.
     */
    private Prepared installRelease(StagedRelease staged, StagedSource.Verified verified, Path target, Path app,
                                    boolean approved) throws UpdaterException {
        String current = ReleaseLink.currentOf(app);
        if (staged.tree() == null || current == null) {
            return new Ended(end.rejected(staged, new UpdaterException(ErrorCode.STAGED_INVALID,
                    "the staged archive names no unpacked tree, or " + ReleaseFolders.pointer(app)
                            + " stopped naming releases/<version>")));
        }
        SwapJournal.Artifact to = verified.artifact();
        if (current.equals(staged.version().toString())) {
            return new Ended(end.alreadyInstalled(staged, target, to));
        }
        SwapJournal.Artifact from = InstalledArtifact.measureRelease(home, target, current);
        SidecarLog.emit(ctx.log(), LogEvent.info("installing", "installing release folder " + ReleaseFolders.RELEASES
                + "/" + to.label() + " over " + ReleaseFolders.RELEASES + "/" + current + " at "
                + ReleaseFolders.pointer(app), "version", to.label(), "from", from.label(), "target", target));
        return new Ready(records.preparedRelease(SwapJournal.Kind.INSTALL, target, from, to, staged.tree(),
                new SwapJournal.Releases(app.toString(), current, staged.version().toString(), staged.config(),
                        staged.treeSha256()), approved), null);
    }

    /** An operator's rollback to {@code backup}: a kept file, or a kept release folder behind {@code current}. */
    Ready rollBack(Backup backup, Path target) throws UpdaterException {
        Optional<Path> app = ReleaseLink.appOf(target);
        if (app.isPresent()) {
            return rollBackRelease(backup, target, app.get());
        }
        SwapJournal.Artifact to = new Backups(home).verified(backup);
        SwapJournal.Artifact from = InstalledArtifact.measure(home, target).artifact();
        SidecarLog.emit(ctx.log(), LogEvent.info("rolling-back", "rolling back from " + from.label() + " to "
                + to.label() + " at " + target, "version", to.label(), "from", from.label(), "target", target));
        return new Ready(records.prepared(SwapJournal.Kind.ROLLBACK, target, from, to, backup.file(), null, true), null);
    }

    /**
     * An operator's rollback of an archive layout: the link moved back to the kept folder
     * {@code backup} names ({@link ReleaseLink#previous}), through the same steps and gate.
     */
    private Ready rollBackRelease(Backup backup, Path target, Path app) throws UpdaterException {
        String current = ReleaseLink.currentOf(app);
        if (current == null) {
            throw new UpdaterException(ErrorCode.TARGET_UNKNOWN, ReleaseFolders.pointer(app) + " stopped naming"
                    + " releases/<version>; nothing was changed.");
        }
        SwapJournal.Artifact from = InstalledArtifact.measureRelease(home, target, current);
        String folder = Path.of(backup.file()).getFileName().toString();
        SidecarLog.emit(ctx.log(), LogEvent.info("rolling-back", "rolling back " + ReleaseFolders.pointer(app)
                + " from " + ReleaseFolders.RELEASES + "/" + current + " to " + backup.file(), "version",
                backup.artifact().label(), "from", from.label(), "target", target));
        return new Ready(records.preparedRelease(SwapJournal.Kind.ROLLBACK, target, from, backup.artifact(),
                backup.file(), new SwapJournal.Releases(app.toString(), current, folder, List.of()), true), null);
    }
}
