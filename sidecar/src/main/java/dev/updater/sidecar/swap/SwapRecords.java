package dev.updater.sidecar.swap;

import dev.updater.core.version.ReleaseVersion;
import dev.updater.core.UpdaterException;
import dev.updater.core.home.HistoryEvent;
import dev.updater.core.home.Quarantine;
import dev.updater.core.home.SwapJournal;
import dev.updater.core.home.SwapState;
import dev.updater.core.home.UpdateHome;

import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Optional;

/**
 * The records a transaction writes between its steps: journal.json (every write atomic and durable,
 * so the state change exists once the call returns), history.jsonl and quarantine.json.
 */
final class SwapRecords {
    private static final DateTimeFormatter ID = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss.SSS'Z'")
            .withZone(ZoneOffset.UTC);

    private final SwapContext ctx;
    private final UpdateHome home;

    SwapRecords(SwapContext ctx) {
        this.ctx = ctx;
        this.home = ctx.home();
    }

    Instant now() {
        return ctx.clock().instant();
    }

    /** Writes {@code journal} and returns it. */
    SwapJournal write(SwapJournal journal) throws UpdaterException {
        home.swapJournal().write(journal);
        return journal;
    }

    /** Step 2: journals {@code prepared} (old and new version and hash, target, source, backup) before any file is touched. */
    SwapJournal prepared(SwapJournal.Kind kind, Path target, SwapJournal.Artifact from, SwapJournal.Artifact to,
                         String source, String backup, boolean approved) throws UpdaterException {
        Instant now = now();
        SwapJournal journal = write(new SwapJournal(ID.format(now), kind, SwapState.PREPARED, target.toString(), from,
                to, source, backup, approved, 0, 0, false, null, null, now, now));
        CrashPoint.AFTER_PREPARED.reach();
        return journal;
    }

    /**
     * Step 2 for an archive release: the link's old and new destinations instead of a backup file. The
     * source is the staged tree in the home for an install, the kept folder {@code releases/<v>} under
     * {@code APP} for an operator's rollback.
     */
    SwapJournal preparedRelease(SwapJournal.Kind kind, Path target, SwapJournal.Artifact from, SwapJournal.Artifact to, String tree,
                                SwapJournal.Releases releases, boolean approved) throws UpdaterException {
        Instant now = now();
        SwapJournal journal = write(new SwapJournal(ID.format(now), kind, SwapState.PREPARED,
                target.toString(), from, to, tree, null, approved, 0, 0, false, null, null, now, now, releases));
        CrashPoint.AFTER_PREPARED.reach();
        return journal;
    }

    /** One history line per config file the operator changed and the install kept (DESIGN §5 "Archives"). */
    void configKept(SwapJournal journal, List<String> sentences) throws UpdaterException {
        for (String sentence : sentences) {
            history(HistoryEvent.Kind.INSTALLED, journal.to().version(), journal.from().version(),
                    ReleaseFolders.RELEASES + "/" + journal.releases().to() + ": " + sentence);
        }
    }

    /**
     * End of step 5: journals {@code swapped} once the target holds {@code to}. An operator's rollback
     * quarantines the version it rolled away from here, so the agent never stages it again.
     */
    SwapJournal swapped(SwapJournal journal) throws UpdaterException {
        SwapJournal swapped = write(journal.withState(SwapState.SWAPPED, now()));
        if (journal.kind() == SwapJournal.Kind.INSTALL) {
            history(HistoryEvent.Kind.INSTALLED, journal.to().version(), journal.from().version(),
                    "swapped " + (journal.swapsLink() ? ReleaseFolders.pointer(Path.of(journal.releases().app())) + " to "
                            + ReleaseFolders.RELEASES + "/" + journal.releases().to() : journal.target() + " to "
                            + journal.to().label()) + "; the health gate decides");
        } else {
            history(HistoryEvent.Kind.ROLLED_BACK, journal.to().version(), journal.from().version(),
                    "rolled back " + (journal.swapsLink() ? ReleaseFolders.pointer(Path.of(journal.releases().app()))
                            + " from " + ReleaseFolders.RELEASES + "/" + journal.releases().from() + " to "
                            + ReleaseFolders.RELEASES + "/" + journal.releases().to() : journal.target() + " from "
                            + journal.from().label() + " to " + journal.to().label()) + " by an operator's request");
            if (hold(journal.from().version(), "an operator rolled back from it to " + journal.to().label())) {
                history(HistoryEvent.Kind.HELD, journal.from().version(), null, journal.from().label()
                        + " is held back: an operator rolled back from it; it is not installed again automatically"
                        + " until 'updater-sidecar allow " + journal.from().version() + " --home " + home.dir() + "'");
            }
        }
        CrashPoint.AFTER_SWAPPED.reach();
        return swapped;
    }

    /** Journals why the new version must go ({@code gateFailure}); from here the transaction can only roll back. */
    SwapJournal failing(SwapJournal journal, String sentence) throws UpdaterException {
        SwapJournal failing = write(journal.withGateFailure(sentence, now()));
        history(HistoryEvent.Kind.FAILED, journal.to().version(), journal.from().version(), sentence);
        return failing;
    }

    /** Adds {@code version} to quarantine.json unless it is there already or unknown; true when it was added. */
    boolean quarantine(ReleaseVersion version, String reason) throws UpdaterException {
        Quarantine current = home.quarantineList().read().orElse(Quarantine.NONE);
        Optional<Quarantine> added = current.with(version, reason, now());
        if (added.isEmpty()) {
            return false;
        }
        home.quarantineList().write(added.get());
        return true;
    }

    /**
     * Holds {@code version} back after an operator's rollback: listed in quarantine.json as held (a
     * choice, not a failed gate), so the agent does not stage it again; true when it was added.
     */
    boolean hold(ReleaseVersion version, String reason) throws UpdaterException {
        Quarantine current = home.quarantineList().read().orElse(Quarantine.NONE);
        Optional<Quarantine> added = current.withHeld(version, reason, now());
        if (added.isEmpty()) {
            return false;
        }
        home.quarantineList().write(added.get());
        return true;
    }

    void history(HistoryEvent.Kind event, ReleaseVersion version, ReleaseVersion from, String detail)
            throws UpdaterException {
        home.history().append(new HistoryEvent(now(), event, version, from, detail));
    }
}
