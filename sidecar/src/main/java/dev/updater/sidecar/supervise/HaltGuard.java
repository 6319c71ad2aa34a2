package dev.updater.sidecar.supervise;

import dev.updater.core.Sha256;
import dev.updater.core.UpdaterException;
import dev.updater.core.home.HistoryEvent;
import dev.updater.core.home.HomeCleanup;
import dev.updater.core.home.StagedRelease;
import dev.updater.core.home.UpdateHome;
import dev.updater.sidecar.channel.ChannelRecheck;
import dev.updater.sidecar.log.LogEvent;
import dev.updater.sidecar.log.SidecarLog;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The kill switch's last stop (issue 16): before the host is stopped for a staged release that waited,
 * {@link ChannelRecheck} asks the channel whether it was halted since it was staged. A halted or
 * superseded release is not installed: its staged copy is dropped as the agent drops a halted one
 * (staged.json, then its folder; a {@code checked} history event), and the host keeps running.
 *
 * <p>A release waited when it was not installed right after it was staged: any policy but
 * {@code immediate}, an operator's {@code apply}, or a release staged more than {@link #WAITED} ago
 * (an {@code immediate} install held up by a stopped sidecar or a failing gate). An {@code immediate}
 * install of a release just staged makes no network call: the agent checked the channel a moment ago.
 */
final class HaltGuard {
    /** Beyond this, a release has waited even under {@code immediate}: the agent's check is no longer fresh. */
    static final Duration WAITED = Duration.ofSeconds(30);
    private static final long PAUSE_MILLIS = 1000;

    private final UpdateHome home;
    private final ApplyPolicy policy;
    private final OperatorRequests operator;
    private final Clock clock;
    private final Consumer<String> log;
    /** A withheld release whose staged copy could not be dropped: never asked about again, never installed. */
    private Sha256 undroppable;

    HaltGuard(UpdateHome home, ApplyPolicy policy, OperatorRequests operator, Clock clock, Consumer<String> log) {
        this.home = home;
        this.policy = policy;
        this.operator = operator;
        this.clock = clock;
        this.log = log;
    }

    /**
     * Empty when {@code release} may be installed now. Else the channel halted or superseded it: its
     * staged copy is dropped, and the sentence saying why is returned; for an operator's {@code apply}
     * ({@code approved}) it begins "Refused to install …", and the request is refused in the log and the
     * history, where the waiting command reads it.
     */
    Optional<String> withholds(StagedRelease release, boolean approved) throws UpdaterException, InterruptedException {
        if (release.sha256().equals(undroppable)) {
            Thread.sleep(PAUSE_MILLIS); // the loop asks again at once: not a busy loop on the host's CPU
            return withheld(release, "Release " + release.version() + " was halted or replaced on its channel, and"
                    + " its staged copy could not be dropped (see the log); it is not installed.", approved);
        }
        if (!waited(release, approved, policy, clock.instant()) || !home.channelRecord().exists()) {
            return Optional.empty(); // no channel.json: no agent recorded a channel, so no halt could reach this host
        }
        ChannelRecheck.Verdict verdict = ChannelRecheck.check(home, release, ChannelRecheck.BOUND, clock, log);
        if (verdict instanceof ChannelRecheck.Unchecked unchecked) {
            SidecarLog.emit(log, LogEvent.warn("halt-unchecked", "Could not check whether " + release.version()
                    + " was halted on its channel since it was staged: " + unchecked.message() + ". Installing it as"
                    + " staged; the agent verified it then.", "version", release.version().toString()));
            return Optional.empty();
        }
        if (verdict instanceof ChannelRecheck.Confirmed confirmed) {
            SidecarLog.emit(log, LogEvent.info("halt-checked", "Checked the channel before installing "
                    + release.version() + ": " + confirmed.message() + ".", "version", release.version().toString()));
            return Optional.empty();
        }
        String why = verdict instanceof ChannelRecheck.Halted halted ? halted.message() + ". Not installed; dropped"
                + " the staged copy (" + home.release(release.version().toString()) + "), and the host keeps running "
                + (halted.running() == null ? "the installed version" : halted.running()) + ". Nothing to do here: a"
                + " newer release from the publisher is installed as usual (only the publisher can take the halt back,"
                + " by publishing " + release.version() + " again with --force)."
                : verdict.message() + ". Not installed; dropped the staged copy (" + home.release(release.version()
                .toString()) + "); the agent stages " + ((ChannelRecheck.Superseded) verdict).offered()
                + " at its next check.";
        try {
            drop(release, why);
        } catch (UpdaterException e) {
            undroppable = release.sha256();
            SidecarLog.emit(log, LogEvent.warn("release-halted", "Could not drop the staged copy of "
                    + release.version() + " (" + e.getMessage() + "); it stays staged and is not installed.",
                    "version", release.version().toString()));
        }
        return withheld(release, why, approved);
    }

    private Optional<String> withheld(StagedRelease release, String why, boolean approved) throws UpdaterException {
        if (!approved) {
            return Optional.of(why);
        }
        String refusal = "Refused to install " + release.version() + ": " + why;
        operator.refuse(release.version(), refusal);
        return Optional.of(refusal);
    }

    /** Whether {@code release} waited since it was staged, so that the agent's check of the channel is stale. */
    static boolean waited(StagedRelease release, boolean approved, ApplyPolicy policy, Instant now) {
        return approved || policy.kind() != ApplyPolicy.Kind.IMMEDIATE || release.stagedAt() == null
                || release.stagedAt().plus(WAITED).isBefore(now);
    }

    /** As the agent drops a halted release: staged.json if it still names these bytes, then the folder. */
    private void drop(StagedRelease release, String why) throws UpdaterException {
        SidecarLog.emit(log, LogEvent.warn("release-halted", why, "version", release.version().toString()));
        HomeCleanup cleanup = new HomeCleanup(home);
        cleanup.dropStagedIf(release.sha256());
        cleanup.deleteRelease(release.version());
        home.history().append(new HistoryEvent(clock.instant(), HistoryEvent.Kind.CHECKED, release.version(), null,
                why));
    }
}
