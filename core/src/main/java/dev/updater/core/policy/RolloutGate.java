package dev.updater.core.policy;

import dev.updater.core.Sha256;
import dev.updater.core.manifest.Rollout;
import dev.updater.core.manifest.RolloutSchedule;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * Whether a rollout offers a release to one host now: a pure function of the rollout, the signed
 * release date, the time and the host's bucket, so a fleet simulation can run it with any clock.
 *
 * <pre>{@code
 * long bucket = RolloutGate.bucket(hostId, rollout.salt());
 * RolloutGate.Verdict v = RolloutGate.evaluate(rollout, manifest.releaseDate(), clock.instant(), bucket);
 * }</pre>
 *
 * <p>The bucket depends on the host id and the rollout's salt only, not on the version: the same
 * hosts are the canaries of every release (they are the ones an operator watches), and a host keeps
 * its answer while a schedule widens. A publisher who wants other canaries sets another salt.
 */
public final class RolloutGate {
    /** Buckets: 1,000,000 of them, so a share has 0.0001 % steps and 0 and 100 % are exact. */
    public static final long BUCKETS = 1_000_000;

    private RolloutGate() {
    }

    /** What the rollout says to this host now. */
    public sealed interface Verdict {
    }

    /** Offered: the host's bucket is under {@code percent}, the share offered now. */
    public record Offered(double percent) implements Verdict {
    }

    /** The publisher halted the release: no host takes it any more. */
    public record Halted() implements Verdict {
    }

    /**
     * Not yet: {@code percent} is offered now, and this host's wave is {@code step}, which opens at {@code opensAt}.
     */
    public record Waiting(double percent, RolloutSchedule.Step step, Instant opensAt) implements Verdict {
        public Waiting {
            Objects.requireNonNull(step, "step");
            Objects.requireNonNull(opensAt, "opensAt");
        }
    }

    /** No share this rollout offers, now or later, reaches the host: {@code percent} is the most it offers. */
    public record Outside(double percent) implements Verdict {
    }

    /**
     * The verdict for a host in {@code bucket} at {@code now}.
     *
     * @param releaseDate the manifest's signed release date; required with a schedule
     */
    public static Verdict evaluate(Rollout rollout, Instant releaseDate, Instant now, long bucket) {
        if (rollout.halted()) {
            return new Halted();
        }
        RolloutSchedule schedule = rollout.schedule();
        if (schedule == null) {
            return bucket < threshold(rollout.percent()) ? new Offered(rollout.percent()) : new Outside(rollout.percent());
        }
        Objects.requireNonNull(releaseDate, "releaseDate");
        double offeredNow = schedule.percentAt(Duration.between(releaseDate, now));
        if (bucket < threshold(offeredNow)) {
            return new Offered(offeredNow);
        }
        for (RolloutSchedule.Step step : schedule.steps()) {
            if (bucket < threshold(step.percent())) {
                return new Waiting(offeredNow, step, releaseDate.plus(step.at()));
            }
        }
        return new Outside(schedule.finalPercent());
    }

    /**
     * This host's bucket, from 0 to {@link #BUCKETS} - 1: a hash of its id and the rollout's salt, the
     * same for every release unless the salt changes.
     */
    public static long bucket(String hostId, String salt) {
        MessageDigest digest = Sha256.newDigest();
        digest.update(("updater-rollout\n" + hostId + "\n" + (salt == null ? "" : salt)).getBytes(StandardCharsets.UTF_8));
        long value = ByteBuffer.wrap(digest.digest()).getLong() >>> 1;
        return value % BUCKETS;
    }

    /** The bucket as a share, {@code 37.21}: the host takes a release once the rollout reaches past it. */
    public static double bucketPercent(long bucket) {
        return bucket * 100.0 / BUCKETS;
    }

    static long threshold(double percent) {
        return Math.round(percent * (BUCKETS / 100));
    }
}
