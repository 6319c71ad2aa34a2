package dev.updater.core.policy;

import dev.updater.core.text.HumanUnits;
import dev.updater.core.manifest.Manifest;
import dev.updater.core.manifest.Rollout;
import dev.updater.core.manifest.RolloutSchedule;
import dev.updater.core.version.ReleaseVersion;

import java.time.Duration;
import java.util.Locale;

/**
 * The one answer to "should this host take this release?", shared by the agent, the sidecar and
 * the CLI. It runs only on a manifest whose signature has been verified.
 *
 * <pre>{@code
 * Decision d = UpdatePolicy.decide(new PolicyInput(running, manifest, hostId, Instant.now(),
 *         highestAccepted, quarantined, PolicyOptions.DEFAULTS));
 * if (d instanceof Decision.Install install) { ... }
 * }</pre>
 */
public final class UpdatePolicy {
    private UpdatePolicy() {
    }

    /** Checks run in order of severity: a stale or rolled-back channel is refused before anything else. */
    public static Decision decide(PolicyInput in) {
        Manifest manifest = in.manifest();
        ReleaseVersion offered = manifest.version();
        ReleaseVersion running = in.running();

        if (manifest.isExpiredAt(in.now())) {
            return new Decision.Refused(Decision.Reason.EXPIRED, offered, "The manifest for " + offered
                    + " expired at " + HumanUnits.time(manifest.expires()) + "; the release channel is stale or replayed."
                    + " The publisher renews it with 'updater-sidecar publish --resign'.");
        }
        if (in.highestAccepted() != null && offered.isOlderThan(in.highestAccepted())) {
            return new Decision.Refused(Decision.Reason.OLDER_THAN_ACCEPTED, offered, "The manifest offers "
                    + offered + ", older than " + in.highestAccepted() + " which this host already accepted;"
                    + " an old signed manifest is being replayed (rollback attack). Nothing was installed.");
        }
        if (offered.equals(running)) {
            return new Decision.UpToDate(offered, "Up to date: running " + running + ", the latest release.");
        }
        if (offered.isOlderThan(running)) {
            return new Decision.Refused(Decision.Reason.OLDER_THAN_RUNNING, offered, "The manifest offers "
                    + offered + ", older than the running " + running + "; updater never downgrades on its own."
                    + " Use 'updater-sidecar rollback' to go back on purpose.");
        }
        // The kill switch comes before every other reason, so a host that staged the release learns to drop it.
        if (manifest.rollout() != null && manifest.rollout().halted()) {
            return new Decision.Refused(Decision.Reason.HALTED, offered, "Release " + offered + " is halted by its"
                    + " publisher (rollout.halted in the signed manifest): hosts that have not installed it do not,"
                    + " and a staged copy is dropped. Nothing to do here; the publisher ships a fix as a newer release.");
        }
        if (in.quarantined().contains(offered)) {
            return new Decision.Refused(Decision.Reason.QUARANTINED, offered, "Release " + offered
                    + " is quarantined on this host (it failed its health gate here, an operator rolled back from it,"
                    + " or the sidecar cannot install it; 'updater-sidecar status' says which); allow it again with 'updater-sidecar allow " + offered + "', or publish a newer release.");
        }
        if (offered.isPreRelease() && !running.isPreRelease() && !in.options().allowPreRelease()) {
            return new Decision.Refused(Decision.Reason.PRE_RELEASE, offered, "Release " + offered
                    + " is a pre-release and this host runs the release " + running
                    + "; set allow-prerelease=true to take pre-releases.");
        }
        if (manifest.minVersion() != null && running.isOlderThan(manifest.minVersion())) {
            return new Decision.Refused(Decision.Reason.MIN_VERSION, offered, "Release " + offered
                    + " can only be installed over " + manifest.minVersion() + " or newer, and this host runs "
                    + running + "; install an intermediate release first.");
        }
        if (manifest.rollout() != null) {
            Decision.Refused notYet = rolloutRefusal(in, manifest.rollout());
            if (notYet != null) {
                return notYet;
            }
        }
        if (manifest.breakingChanges() && !in.options().allowBreaking()) {
            return new Decision.Install(offered, true, "Release " + offered + " has breaking changes; it is"
                    + " staged and waits for 'updater-sidecar apply' (or allow-breaking=true).");
        }
        return new Decision.Install(offered, false, "Update available: " + running + " -> " + offered + ".");
    }

    /** Null when the rollout offers the release to this host now; else why not, and when it will. */
    private static Decision.Refused rolloutRefusal(PolicyInput in, Rollout rollout) {
        ReleaseVersion offered = in.manifest().version();
        long bucket = RolloutGate.bucket(in.hostId(), rollout.salt());
        RolloutGate.Verdict verdict = RolloutGate.evaluate(rollout, in.manifest().releaseDate(), in.now(), bucket);
        String bucketText = "this host's bucket is " + String.format(Locale.ROOT, "%.2f", RolloutGate.bucketPercent(bucket));
        if (verdict instanceof RolloutGate.Offered) {
            return null;
        }
        if (verdict instanceof RolloutGate.Waiting w) {
            return new Decision.Refused(Decision.Reason.NOT_IN_ROLLOUT, offered, "Release " + offered
                    + " rolls out in waves (" + rollout.schedule() + ") and reaches " + formatPercent(w.percent())
                    + " of hosts now; " + bucketText + ", so it gets the release at " + RolloutSchedule.Step.offset(w.step().at())
                    + " (" + HumanUnits.time(w.opensAt()) + "), in " + until(Duration.between(in.now(), w.opensAt()))
                    + ".");
        }
        if (verdict instanceof RolloutGate.Outside o && rollout.schedule() != null) {
            return new Decision.Refused(Decision.Reason.NOT_IN_ROLLOUT, offered, "Release " + offered
                    + " rolls out in waves (" + rollout.schedule() + ") that end at " + formatPercent(o.percent())
                    + " of hosts, and " + bucketText + ": it gets this release only when the publisher widens the"
                    + " rollout.");
        }
        if (verdict instanceof RolloutGate.Halted) {
            return new Decision.Refused(Decision.Reason.HALTED, offered, "Release " + offered
                    + " is halted by its publisher.");
        }
        return new Decision.Refused(Decision.Reason.NOT_IN_ROLLOUT, offered, "Release " + offered
                + " is rolled out to " + formatPercent(rollout.percent()) + " of hosts and this host is not among"
                + " them yet.");
    }

    /** {@code 5 h 12 min}, {@code 2 d 3 h}, {@code 45 min}, {@code 30 s}: a wait, to the unit that matters. */
    static String until(Duration wait) {
        long s = Math.max(0, wait.toSeconds());
        if (s < 60) {
            return s + " s";
        }
        long minutes = s / 60;
        if (minutes < 60) {
            return minutes + " min";
        }
        long hours = minutes / 60;
        if (hours < 24) {
            return hours + " h" + (minutes % 60 == 0 ? "" : " " + minutes % 60 + " min");
        }
        return hours / 24 + " d" + (hours % 24 == 0 ? "" : " " + hours % 24 + " h");
    }

    private static String formatPercent(double percent) {
        return (percent == Math.rint(percent) ? String.valueOf((long) percent) : String.valueOf(percent)) + " %";
    }
}
