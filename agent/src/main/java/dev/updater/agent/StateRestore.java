package dev.updater.agent;

import dev.updater.agent.jmx.HandoffBean;
import dev.updater.core.UpdaterException;
import dev.updater.core.home.AtomicFiles;
import dev.updater.core.home.HandedOffState;
import dev.updater.core.home.HistoryEvent;
import dev.updater.core.home.HomeFiles;
import dev.updater.core.home.HomeRecordFile;
import dev.updater.core.home.JsonRecords;
import dev.updater.core.home.UpdateHome;
import dev.updater.core.text.HumanUnits;
import dev.updater.core.text.Printable;
import dev.updater.core.version.ReleaseVersion;

import java.io.IOException;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;

/**
 * The new host's half of the state hand-off (DESIGN §7): a state saved for the version this host runs
 * ({@code handoff/<version>.json}) is handed to its {@code restore} once, on a thread of its own, as soon
 * as the host registers its MBean (waited for at most {@link #MBEAN_WAIT}); the file is deleted only
 * after {@code restore} returned. A state for another version, older than the freshness limit, not
 * matching its hash, or that {@code restore} refused, is moved to {@code handoff/kept/} and reported:
 * it is never handed over twice, and never silently lost.
 */
final class StateRestore {
    private static final Logger LOG = System.getLogger("updater");
    /** How long a starting host has to register its MBean: a framework's start takes seconds, not minutes. */
    static final Duration MBEAN_WAIT = Duration.ofMinutes(1);
    static final Duration RESTORE_TIMEOUT = Duration.ofSeconds(30);
    private static final long POLL_MILLIS = 20;

    private final UpdateHome home;
    private final ReleaseVersion running;
    private final Clock clock;

    private StateRestore(UpdateHome home, ReleaseVersion running, Clock clock) {
        this.home = home;
        this.running = running;
        this.clock = clock;
    }

    /** Starts the hand-off when a state waits for this version; nothing at all (no thread) when none does. */
    static void startIfSaved(UpdateHome home, ReleaseVersion running, Clock clock) {
        if (running == null || !home.handedOffState(running).exists()) {
            return;
        }
        Thread thread = new Thread(new StateRestore(home, running, clock)::run, "updater-agent-restore");
        thread.setDaemon(true);
        thread.start();
    }

    private void run() {
        HomeRecordFile<HandedOffState> file = home.handedOffState(running);
        HandedOffState saved;
        try {
            Optional<HandedOffState> read = file.read();
            if (read.isEmpty()) {
                return;
            }
            saved = read.get();
        } catch (UpdaterException e) {
            keepAside(file, null, Printable.of(JsonRecords.reason(e)));
            return;
        }
        Optional<String> refusal = saved.refusal(running, clock.instant(), HandedOffState.DEFAULT_MAX_AGE);
        if (refusal.isPresent()) {
            keepAside(file, saved, refusal.get());
            return;
        }
        if (!awaitMBean()) {
            keepAside(file, saved, "this host registered no MBean " + HandoffBean.NAME + " within "
                    + HumanUnits.setting(MBEAN_WAIT));
            return;
        }
        try {
            HandoffBean.restore(saved.state(), RESTORE_TIMEOUT);
        } catch (UpdaterException e) {
            keepAside(file, saved, e.getMessage());
            return;
        }
        try {
            file.delete();
        } catch (UpdaterException e) {
            LOG.log(Level.WARNING, e.getMessage()); // restored once already: a file left there is stale in 10 minutes
        }
        String sentence = "restored the state " + saved.savedBy() + " saved " + HumanUnits.age(saved.savedAt(),
                clock.instant()) + " (" + HumanUnits.bytes(saved.bytes()) + ")";
        LOG.log(Level.INFO, sentence);
        history(HistoryEvent.Kind.STATE_RESTORED, saved.savedBy(), sentence);
    }

    private boolean awaitMBean() {
        long deadline = System.nanoTime() + MBEAN_WAIT.toNanos();
        while (!HandoffBean.registered()) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            try {
                Thread.sleep(POLL_MILLIS);
            } catch (InterruptedException e) {
                return false;
            }
        }
        return true;
    }

    /** Moves the file out of the way (so no later start restores it) and says why, in the log and the history. */
    private void keepAside(HomeRecordFile<HandedOffState> file, HandedOffState saved, String why) {
        Path kept = home.keptHandoff(running);
        String where;
        try {
            HomeFiles.createPrivateDirectories(kept.getParent());
            HomeFiles.refuseLinksOnTheWay(home, kept); // threat: handoff/kept as a link would move the state anywhere
            AtomicFiles.moveAtomically(file.path(), kept);
            where = "it is kept in " + kept + " (delete it once looked at)";
        } catch (IOException | UpdaterException e) {
            where = "it could not be moved to " + kept + " (" + e.getMessage() + "); delete " + file.path() + " by hand";
        }
        String sentence = "did not restore the state in " + file.path() + ": " + why + "; " + where;
        LOG.log(Level.WARNING, sentence);
        history(HistoryEvent.Kind.STATE_NOT_HANDED_OFF, saved == null ? null : saved.savedBy(), sentence);
    }

    private void history(HistoryEvent.Kind kind, ReleaseVersion from, String detail) {
        try {
            home.history().append(new HistoryEvent(clock.instant(), kind, running, from, detail));
        } catch (UpdaterException e) {
            LOG.log(Level.DEBUG, "could not append to the history: " + e.getMessage());
        }
    }
}
