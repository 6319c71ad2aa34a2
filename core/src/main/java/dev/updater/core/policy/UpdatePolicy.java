package dev.updater.core.policy;

import dev.updater.core.text.HumanUnits;
import dev.updater.core.Sha256;
import dev.updater.core.manifest.Manifest;
import dev.updater.core.manifest.Rollout;
import dev.updater.core.version.ReleaseVersion;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

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
    /** Rollout buckets: 1,000,000 of them, so percent has 0.0001 steps and 0/100 are exact. */
    static final long BUCKETS = 1_000_000;

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
        if (in.quarantined().contains(offered)) {
            return new Decision.Refused(Decision.Reason.QUARANTINED, offered, "Release " + offered
                    + " is quarantined on this host (it failed its health gate here, or an operator rolled back from"
                    + " it); allow it again with 'updater-sidecar allow " + offered + "', or publish a newer release.");
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
        if (manifest.rollout() != null && !inRollout(in.hostId(), offered, manifest.rollout())) {
            return new Decision.Refused(Decision.Reason.NOT_IN_ROLLOUT, offered, "Release " + offered
                    + " is rolled out to " + formatPercent(manifest.rollout().percent())
                    + " of hosts and this host is not among them yet.");
        }
        if (manifest.breakingChanges() && !in.options().allowBreaking()) {
            return new Decision.Install(offered, true, "Release " + offered + " has breaking changes; it is"
                    + " staged and waits for 'updater-sidecar apply' (or allow-breaking=true).");
        }
        return new Decision.Install(offered, false, "Update available: " + running + " -> " + offered + ".");
    }

    /**
     * True when this host's bucket for this version is under the rollout percentage. The bucket is
     * a stable hash of host id and version, so a host keeps its answer while the percentage only
     * grows, and each release samples a different set of hosts first.
     */
    public static boolean inRollout(String hostId, ReleaseVersion version, Rollout rollout) {
        long threshold = Math.round(rollout.percent() * (BUCKETS / 100));
        return bucket(hostId, version) < threshold;
    }

    static long bucket(String hostId, ReleaseVersion version) {
        MessageDigest digest = Sha256.newDigest();
        digest.update((hostId + "\n" + version).getBytes(StandardCharsets.UTF_8));
        long value = ByteBuffer.wrap(digest.digest()).getLong() >>> 1;
        return value % BUCKETS;
    }

    private static String formatPercent(double percent) {
        return (percent == Math.rint(percent) ? String.valueOf((long) percent) : String.valueOf(percent)) + " %";
    }
}
