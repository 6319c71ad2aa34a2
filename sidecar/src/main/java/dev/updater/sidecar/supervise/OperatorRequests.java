package dev.updater.sidecar.supervise;

import dev.updater.sidecar.swap.ReleaseLink;
import dev.updater.core.home.RollbackRequest;
import dev.updater.core.home.ApplyRequest;
import dev.updater.core.Sha256;
import dev.updater.core.version.ReleaseVersion;
import dev.updater.core.UpdaterException;
import dev.updater.core.home.Backup;
import dev.updater.core.home.HistoryEvent;
import dev.updater.core.home.StagedRelease;
import dev.updater.core.home.UpdateHome;
import dev.updater.sidecar.swap.Backups;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Turns the requests of {@code apply} and {@code rollback} into what a running sidecar does. A
 * request is checked against the home as it is now, not as it was when the operator looked: a
 * release staged meanwhile is not approved by mistake, and a rollback asked before another swap
 * does not roll back one version too far. A refused request is said in the log and in the history,
 * where the waiting command reads it.
 */
final class OperatorRequests {
    private final UpdateHome home;
    private final StagedReleases staged;
    private final Clock clock;
    private final Consumer<String> log;

    OperatorRequests(UpdateHome home, StagedReleases staged, Clock clock, Consumer<String> log) {
        this.home = home;
        this.staged = staged;
        this.clock = clock;
        this.log = log;
    }

    boolean applyWaiting() {
        return home.applyRequest().exists();
    }

    boolean rollbackWaiting() {
        return home.rollbackRequest().exists();
    }

    /** The staged release an apply request approves, or empty when there is none or it was refused. */
    Optional<StagedRelease> takeApply() throws UpdaterException {
        Optional<ApplyRequest> request = home.applyRequest().take();
        if (request.isEmpty()) {
            return Optional.empty();
        }
        Optional<StagedRelease> release = staged.current();
        if (release.isEmpty() || !release.get().version().equals(request.get().version())
                || (request.get().sha256() != null && !request.get().sha256().equals(release.get().sha256()))) {
            refuse(request.get().version(), "apply asked for " + request.get().version() + ", but "
                    + release.map(r -> r.version() + " is staged now").orElse("nothing is staged now")
                    + "; run 'updater-sidecar status' and apply again");
            return Optional.empty();
        }
        log.accept("apply: installing " + release.get().version() + " as an operator asked");
        return release;
    }

    /** The backup a rollback request asks for, or empty when it was refused. */
    Optional<Backup> takeRollback(Optional<Path> target) throws UpdaterException {
        Optional<RollbackRequest> request = home.rollbackRequest().take();
        if (request.isEmpty()) {
            return Optional.empty();
        }
        if (target.isEmpty()) {
            refuse(null, "rollback asked, but the target is unknown; give --target");
            return Optional.empty();
        }
        Sha256 installed;
        try {
            installed = Sha256.ofFile(ReleaseLink.inCurrentFolder(target.get())); // current.json: APP/current/... is not there
        } catch (IOException e) {
            refuse(null, "rollback asked, but the target " + target.get() + " cannot be read: " + e);
            return Optional.empty();
        }
        RollbackRequest r = request.get();
        if (r.fromSha256() != null && !r.fromSha256().equals(installed)) {
            refuse(null, "rollback asked, but the installed artifact changed since (another swap ran); run"
                    + " 'updater-sidecar status' and ask again");
            return Optional.empty();
        }
        Backups backups = new Backups(home);
        // the one the command showed (a release folder, for an archive layout), else the backup it named
        Optional<Backup> backup = backups.forRollbackOf(target.get())
                .filter(b -> r.toSha256() == null || b.sha256().equals(r.toSha256()));
        if (backup.isEmpty() && r.toSha256() != null) {
            backup = backups.list().stream().filter(b -> b.sha256().equals(r.toSha256())).findFirst();
        }
        if (backup.isEmpty()) {
            refuse(null, "Refused an operator's rollback: " + backups.noneFor(target.get()));
            return Optional.empty();
        }
        return backup;
    }

    /**
     * Refuses the requests waiting now: {@code why} goes into the history, where the waiting command
     * reads it; the log, which said {@code why} once already, gets one short line per request.
     */
    void refuseWaiting(String why, String shortly) throws UpdaterException {
        Optional<ApplyRequest> apply = home.applyRequest().take();
        if (apply.isPresent()) {
            log.accept("refused an operator's apply of " + apply.get().version() + ": " + shortly);
            home.history().append(new HistoryEvent(clock.instant(), HistoryEvent.Kind.FAILED, apply.get().version(),
                    null, why));
        }
        if (home.rollbackRequest().take().isPresent()) {
            log.accept("refused an operator's rollback: " + shortly);
            home.history().append(new HistoryEvent(clock.instant(), HistoryEvent.Kind.FAILED, null, null, why));
        }
    }

    /** Says why a request is not done, in the log and in the history, where the waiting command reads it. */
    void refuse(ReleaseVersion version, String sentence) throws UpdaterException {
        log.accept(sentence);
        home.history().append(new HistoryEvent(clock.instant(), HistoryEvent.Kind.FAILED, version, null, sentence));
    }
}
