package dev.updater.core.policy;

import dev.updater.core.Sha256;
import dev.updater.core.manifest.Artifact;
import dev.updater.core.manifest.Changelog;
import dev.updater.core.manifest.Manifest;
import dev.updater.core.manifest.Rollout;
import dev.updater.core.manifest.RolloutSchedule;
import dev.updater.core.version.ReleaseVersion;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

class UpdatePolicyTest {
    private static final Instant NOW = Instant.parse("2026-03-01T00:00:00Z");
    private static final String HOST = "host-1";

    @Test
    void newerRelease_isInstalled_withoutApproval() {
        Decision d = decide("1.2.0", manifest("1.3.0"));
        Decision.Install install = assertInstanceOf(Decision.Install.class, d);
        assertEquals(v("1.3.0"), install.version());
        assertFalse(install.needsApproval());
        assertEquals("Update available: 1.2.0 -> 1.3.0.", install.message());
    }

    @Test
    void sameVersion_isUpToDate() {
        Decision d = decide("1.3.0", manifest("v1.3.0"));
        assertInstanceOf(Decision.UpToDate.class, d);
        assertEquals("Up to date: running 1.3.0, the latest release.", d.message());
    }

    @Test
    void olderRelease_isRefused_neverDowngrading() {
        Decision d = decide("1.3.0", manifest("1.2.9"));
        assertRefused(Decision.Reason.OLDER_THAN_RUNNING, d);
        assertEquals("The manifest offers 1.2.9, older than the running 1.3.0; updater never downgrades on its own."
                + " Use 'updater-sidecar rollback' to go back on purpose.", d.message());
    }

    @Test
    void releaseOlderThanTheHighestEverAccepted_isARollbackAttack_evenIfNewerThanRunning() {
        Decision d = UpdatePolicy.decide(new PolicyInput(v("1.0.0"), manifest("1.1.0"), HOST, NOW, v("1.2.0"),
                Set.of(), null));
        assertRefused(Decision.Reason.OLDER_THAN_ACCEPTED, d);
        assertEquals("The manifest offers 1.1.0, older than 1.2.0 which this host already accepted; an old signed"
                + " manifest is being replayed (rollback attack). Nothing was installed.", d.message());
    }

    @Test
    void expiredManifest_isRefused_beforeAnythingElse() {
        Manifest m = builder("1.3.0").expires(Instant.parse("2026-02-28T23:59:59Z")).build();
        Decision d = decide("1.2.0", m);
        assertRefused(Decision.Reason.EXPIRED, d);
        assertEquals("The manifest for 1.3.0 expired at 2026-02-28T23:59:59Z; the release channel is stale or"
                + " replayed. The publisher renews it with 'updater-sidecar publish --resign'.", d.message());
        assertRefused(Decision.Reason.EXPIRED, decide("1.2.0", builder("1.3.0").expires(NOW).build()));
        assertInstanceOf(Decision.Install.class, decide("1.2.0", builder("1.3.0").expires(NOW.plusSeconds(1)).build()));
    }

    @Test
    void preRelease_isNotTakenByAReleaseHost_unlessAllowed() {
        Manifest rc = manifest("1.4.0-rc.1");
        Decision d = decide("1.3.0", rc);
        assertRefused(Decision.Reason.PRE_RELEASE, d);
        assertEquals("Release 1.4.0-rc.1 is a pre-release and this host runs the release 1.3.0; set"
                + " allow-prerelease=true to take pre-releases.", d.message());

        assertInstanceOf(Decision.Install.class, UpdatePolicy.decide(new PolicyInput(v("1.3.0"), rc, HOST, NOW,
                null, Set.of(), new PolicyOptions(true, false))));
    }

    @Test
    void preReleaseHost_takesNewerPreReleasesAndTheRelease() {
        assertInstanceOf(Decision.Install.class, decide("1.4.0-rc.1", manifest("1.4.0-rc.2")));
        assertInstanceOf(Decision.Install.class, decide("1.4.0-rc.2", manifest("1.4.0")));
    }

    @Test
    void minVersionAboveRunning_needsAnIntermediateRelease() {
        Manifest m = builder("2.0.0").minVersion(v("1.5.0")).build();
        Decision d = decide("1.4.9", m);
        assertRefused(Decision.Reason.MIN_VERSION, d);
        assertEquals("Release 2.0.0 can only be installed over 1.5.0 or newer, and this host runs 1.4.9; install an"
                + " intermediate release first.", d.message());
        assertInstanceOf(Decision.Install.class, decide("1.5.0", m));
    }

    @Test
    void breakingChanges_areStagedButWaitForApproval_unlessAllowed() {
        Manifest m = builder("2.0.0").breaking(true).build();
        Decision.Install install = assertInstanceOf(Decision.Install.class, decide("1.0.0", m));
        assertTrue(install.needsApproval());
        assertEquals("Release 2.0.0 has breaking changes; it is staged and waits for 'updater-sidecar apply'"
                + " (or allow-breaking=true).", install.message());

        Decision.Install allowed = assertInstanceOf(Decision.Install.class, UpdatePolicy.decide(new PolicyInput(
                v("1.0.0"), m, HOST, NOW, null, Set.of(), new PolicyOptions(false, true))));
        assertFalse(allowed.needsApproval());
    }

    @Test
    void quarantinedVersion_isNeverTriedAgain() {
        Decision d = UpdatePolicy.decide(new PolicyInput(v("1.0.0"), manifest("1.1.0"), HOST, NOW, null,
                Set.of(v("1.1.0")), null));
        assertRefused(Decision.Reason.QUARANTINED, d);
        assertEquals("Release 1.1.0 is quarantined on this host (it failed its health gate here, an operator"
                + " rolled back from it, or the sidecar cannot install it; 'updater-sidecar status' says which); allow it again with 'updater-sidecar allow 1.1.0', or publish a newer"
                + " release.", d.message());
    }

    @Test
    void rolloutZeroAndHundred_areExact() {
        for (int i = 0; i < 2_000; i++) {
            String host = "host-" + i;
            assertFalse(inRollout(host, new Rollout(0)));
            assertTrue(inRollout(host, new Rollout(100)));
        }
    }

    @Test
    void rolloutTwentyFive_selectsTwentyFivePercentWithinTwo_over10000Hosts() {
        int selected = 0;
        for (int i = 0; i < 10_000; i++) {
            if (inRollout("host-" + i, new Rollout(25))) {
                selected++;
            }
        }
        assertTrue(selected >= 2_300 && selected <= 2_700, "selected " + selected + " of 10000");
    }

    @Test
    void rollout_isStablePerHost_andGrowsMonotonically() {
        int in10 = 0;
        for (int i = 0; i < 1_000; i++) {
            String host = "host-" + i;
            boolean at10 = inRollout(host, new Rollout(10));
            assertEquals(at10, inRollout(host, new Rollout(10)));
            if (at10) {
                in10++;
                assertTrue(inRollout(host, new Rollout(50)), "a host in at 10 % stays in at 50 %");
            }
        }
        assertTrue(in10 > 0, "no host was in at 10 %, so growth was never checked");
    }

    @Test
    void bucket_isTheSameForEveryRelease_soTheSameHostsAreTheCanaries() {
        for (int i = 0; i < 1_000; i++) {
            String host = "host-" + i;
            boolean for130 = UpdatePolicy.decide(new PolicyInput(v("1.0.0"), builder("1.3.0").rollout(new Rollout(10))
                    .build(), host, NOW, null, Set.of(), null)) instanceof Decision.Install;
            boolean for140 = UpdatePolicy.decide(new PolicyInput(v("1.0.0"), builder("1.4.0").rollout(new Rollout(10))
                    .build(), host, NOW, null, Set.of(), null)) instanceof Decision.Install;
            assertEquals(for130, for140, host + " was a canary of one release and not of the next");
        }
    }

    @Test
    void anotherSalt_drawsOtherCanaries() {
        int same = 0;
        for (int i = 0; i < 1_000; i++) {
            String host = "host-" + i;
            if (RolloutGate.bucket(host, null) < RolloutGate.threshold(50)
                    == RolloutGate.bucket(host, "2026-q2") < RolloutGate.threshold(50)) {
                same++;
            }
        }
        assertTrue(same > 400 && same < 600, "independent buckets agree about half the time, got " + same);
    }

    @Test
    void hostOutsideTheRollout_isRefusedForNow() {
        String outside = null;
        for (int i = 0; outside == null; i++) {
            if (!inRollout("host-" + i, new Rollout(25))) {
                outside = "host-" + i;
            }
        }
        Decision d = UpdatePolicy.decide(new PolicyInput(v("1.2.0"), builder("1.3.0").rollout(new Rollout(25)).build(),
                outside, NOW, null, Set.of(), null));
        assertRefused(Decision.Reason.NOT_IN_ROLLOUT, d);
        assertEquals("Release 1.3.0 is rolled out to 25 % of hosts and this host is not among them yet.", d.message());
    }

    @Test
    void hostInALaterWave_isToldItsBucketTheWaveAndHowLongItWaits() {
        String host = hostWithBucketBetween(10, 50);
        String bucket = String.format(java.util.Locale.ROOT, "%.2f", RolloutGate.bucketPercent(RolloutGate.bucket(host, null)));
        Instant released = NOW.minus(Duration.ofHours(18).plusMinutes(48));
        Manifest m = builder("1.3.0").releaseDate(released)
                .rollout(new Rollout(1, RolloutSchedule.parse("1%@0h,10%@6h,50%@24h,100%@48h"), false, null)).build();

        Decision d = UpdatePolicy.decide(new PolicyInput(v("1.2.0"), m, host, NOW, null, Set.of(), null));

        assertRefused(Decision.Reason.NOT_IN_ROLLOUT, d);
        assertEquals("Release 1.3.0 rolls out in waves (1%@0h,10%@6h,50%@24h,100%@48h) and reaches 10 % of hosts"
                + " now; this host's bucket is " + bucket + ", so it gets the release at 24h (2026-03-01T05:12:00Z),"
                + " in 5 h 12 min.", d.message());
        Decision later = UpdatePolicy.decide(new PolicyInput(v("1.2.0"), m, host, Instant.parse("2026-03-01T05:12:00Z"),
                null, Set.of(), null));
        assertInstanceOf(Decision.Install.class, later, later.message());
    }

    @Test
    void hostBeyondTheLastWave_isToldThePublisherMustWiden() {
        String host = hostWithBucketBetween(50, 100);
        String bucket = String.format(java.util.Locale.ROOT, "%.2f", RolloutGate.bucketPercent(RolloutGate.bucket(host, null)));
        Manifest m = builder("1.3.0").releaseDate(NOW.minus(Duration.ofDays(30)))
                .rollout(new Rollout(1, RolloutSchedule.parse("1%@0h,50%@1d"), false, null)).build();

        Decision d = UpdatePolicy.decide(new PolicyInput(v("1.2.0"), m, host, NOW, null, Set.of(), null));

        assertRefused(Decision.Reason.NOT_IN_ROLLOUT, d);
        assertEquals("Release 1.3.0 rolls out in waves (1%@0h,50%@24h) that end at 50 % of hosts, and this host's"
                + " bucket is " + bucket + ": it gets this release only when the publisher widens the rollout.", d.message());
    }

    @Test
    void haltedRelease_isRefusedWhereNotInstalled_andUpToDateWhereInstalled() {
        Manifest halted = builder("1.3.0").rollout(new Rollout(100).halt()).build();

        Decision notInstalled = UpdatePolicy.decide(new PolicyInput(v("1.2.0"), halted, HOST, NOW, null, Set.of(), null));
        assertRefused(Decision.Reason.HALTED, notInstalled);
        assertEquals("Release 1.3.0 is halted by its publisher (rollout.halted in the signed manifest): hosts that"
                + " have not installed it do not, and a staged copy is dropped. Nothing to do here; the publisher"
                + " ships a fix as a newer release.", notInstalled.message());
        assertInstanceOf(Decision.UpToDate.class,
                UpdatePolicy.decide(new PolicyInput(v("1.3.0"), halted, HOST, NOW, null, Set.of(), null)));
        assertEquals(0.0, halted.rollout().percent(), "agents that predate halting read percent 0 and stop too");
    }

    @Test
    void until_speaksInTheUnitsThatMatter() {
        assertEquals("30 s", UpdatePolicy.until(Duration.ofSeconds(30)));
        assertEquals("45 min", UpdatePolicy.until(Duration.ofMinutes(45).plusSeconds(59)));
        assertEquals("5 h 12 min", UpdatePolicy.until(Duration.ofMinutes(312)));
        assertEquals("6 h", UpdatePolicy.until(Duration.ofHours(6)));
        assertEquals("2 d 3 h", UpdatePolicy.until(Duration.ofHours(51)));
    }

    private static boolean inRollout(String host, Rollout rollout) {
        return RolloutGate.evaluate(rollout, null, NOW, RolloutGate.bucket(host, rollout.salt()))
                instanceof RolloutGate.Offered;
    }

    /** A host id whose bucket lies in [low, high) percent. */
    private static String hostWithBucketBetween(double low, double high) {
        for (int i = 0; ; i++) {
            double bucket = RolloutGate.bucketPercent(RolloutGate.bucket("host-" + i, null));
            if (bucket >= low && bucket < high) {
                return "host-" + i;
            }
        }
    }

    private static void assertRefused(Decision.Reason reason, Decision d) {
        Decision.Refused refused = assertInstanceOf(Decision.Refused.class, d, d.message());
        assertEquals(reason, refused.reason());
    }

    private static Decision decide(String running, Manifest manifest) {
        return UpdatePolicy.decide(new PolicyInput(v(running), manifest, HOST, NOW, null, Set.of(), null));
    }

    private static ReleaseVersion v(String text) {
        return ReleaseVersion.tryParse(text);
    }

    private static Manifest manifest(String version) {
        return builder(version).build();
    }

    private static Builder builder(String version) {
        return new Builder(version);
    }

    private static final class Builder {
        private final String version;
        private ReleaseVersion minVersion;
        private boolean breaking;
        private Instant expires;
        private Rollout rollout;
        private Instant releaseDate;

        Builder(String version) {
            this.version = version;
        }

        Builder minVersion(ReleaseVersion value) {
            minVersion = value;
            return this;
        }

        Builder breaking(boolean value) {
            breaking = value;
            return this;
        }

        Builder expires(Instant value) {
            expires = value;
            return this;
        }

        Builder releaseDate(Instant value) {
            releaseDate = value;
            return this;
        }

        Builder rollout(Rollout value) {
            rollout = value;
            return this;
        }

        Manifest build() {
            return new Manifest(v(version), releaseDate,
                    Map.of("any", new Artifact("app.jar", new Sha256("a".repeat(64)), 10)),
                    Changelog.EMPTY, minVersion, breaking, expires, rollout);
        }
    }
}
