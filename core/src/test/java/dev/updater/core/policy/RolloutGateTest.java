package dev.updater.core.policy;

import dev.updater.core.manifest.Rollout;
import dev.updater.core.manifest.RolloutSchedule;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RolloutGateTest {
    private static final Instant RELEASED = Instant.parse("2026-03-01T12:00:00Z");
    private static final Rollout WAVES = new Rollout(1, RolloutSchedule.parse("1%@0h,10%@6h,50%@24h,100%@48h"), false, null);

    @Test
    void schedule_offersEachWavesShareOfTenThousandHosts_withinOnePercent() {
        long[] buckets = new long[10_000];
        for (int i = 0; i < buckets.length; i++) {
            buckets[i] = RolloutGate.bucket("host-" + i, null);
        }
        int[] hours = {0, 5, 6, 23, 24, 47, 48};
        double[] expected = {1, 1, 10, 10, 50, 50, 100};
        for (int h = 0; h < hours.length; h++) {
            Instant now = RELEASED.plus(Duration.ofHours(hours[h]).plusMinutes(30));
            int offered = 0;
            for (long bucket : buckets) {
                if (RolloutGate.evaluate(WAVES, RELEASED, now, bucket) instanceof RolloutGate.Offered) {
                    offered++;
                }
            }
            double share = offered / 100.0;
            assertTrue(Math.abs(share - expected[h]) <= 1, "at " + hours[h] + "h30 " + share + " % were offered, not "
                    + expected[h] + " %");
        }
    }

    @Test
    void evaluate_isAPureFunctionOfItsInputs_soAHostOnceOfferedStaysOffered() {
        for (int i = 0; i < 2_000; i++) {
            long bucket = RolloutGate.bucket("host-" + i, null);
            boolean offeredBefore = false;
            for (int minutes = 0; minutes <= 49 * 60; minutes += 30) {
                Instant now = RELEASED.plus(Duration.ofMinutes(minutes));
                boolean offered = RolloutGate.evaluate(WAVES, RELEASED, now, bucket) instanceof RolloutGate.Offered;
                assertEquals(offered, RolloutGate.evaluate(WAVES, RELEASED, now, bucket) instanceof RolloutGate.Offered);
                assertTrue(offered || !offeredBefore, "host-" + i + " lost the release at minute " + minutes);
                offeredBefore = offered;
            }
            assertTrue(offeredBefore, "host-" + i + " never got the release at 100 %");
        }
    }

    @Test
    void waitingHost_learnsItsWaveAndWhenItOpens() {
        long bucket = bucketBetween(10, 50);
        RolloutGate.Waiting waiting = assertInstanceOf(RolloutGate.Waiting.class,
                RolloutGate.evaluate(WAVES, RELEASED, RELEASED.plus(Duration.ofHours(7)), bucket));
        assertEquals(10, waiting.percent());
        assertEquals(new RolloutSchedule.Step(50, Duration.ofHours(24)), waiting.step());
        assertEquals(Instant.parse("2026-03-02T12:00:00Z"), waiting.opensAt());
    }

    @Test
    void haltedRollout_offersNothing_evenToTheFirstWave() {
        Rollout halted = WAVES.halt();
        for (int i = 0; i < 1_000; i++) {
            assertInstanceOf(RolloutGate.Halted.class, RolloutGate.evaluate(halted, RELEASED,
                    RELEASED.plus(Duration.ofDays(3)), RolloutGate.bucket("host-" + i, null)));
        }
    }

    @Test
    void bucket_dependsOnHostAndSaltOnly() {
        assertEquals(RolloutGate.bucket("host-7", null), RolloutGate.bucket("host-7", null));
        assertEquals(RolloutGate.bucket("host-7", null), RolloutGate.bucket("host-7", ""));
        assertTrue(RolloutGate.bucket("host-7", "a") != RolloutGate.bucket("host-7", "b"));
    }

    private static long bucketBetween(double low, double high) {
        for (int i = 0; ; i++) {
            long bucket = RolloutGate.bucket("host-" + i, null);
            if (RolloutGate.bucketPercent(bucket) >= low && RolloutGate.bucketPercent(bucket) < high) {
                return bucket;
            }
        }
    }
}
