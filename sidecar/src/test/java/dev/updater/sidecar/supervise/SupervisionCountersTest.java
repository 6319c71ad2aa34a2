package dev.updater.sidecar.supervise;

import dev.updater.core.version.ReleaseVersion;

import dev.updater.core.Sha256;

import dev.updater.core.ErrorCode;
import dev.updater.core.home.SwapJournal;
import dev.updater.core.home.SwapState;
import dev.updater.sidecar.health.RunningHost;
import dev.updater.sidecar.supervise.SupervisionCounters.Result;
import dev.updater.sidecar.swap.Outcome;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;

class SupervisionCountersTest {
    private static final Instant T = Instant.parse("2026-02-07T12:00:00Z");

    private static SwapJournal journal(SwapJournal.Kind kind, SwapState state, Instant updatedAt) {
        return new SwapJournal("20260207T120000.000Z", kind, state, "/opt/app.jar",
                new SwapJournal.Artifact(ReleaseVersion.tryParse("1.0.0"), new Sha256("aa".repeat(32)), 10), new SwapJournal.Artifact(ReleaseVersion.tryParse("1.1.0"), new Sha256("bb".repeat(32)), 11),
                kind == SwapJournal.Kind.INSTALL ? "releases/1.1.0/app.jar" : "backup/1.0.0/app.jar",
                kind == SwapJournal.Kind.INSTALL ? "backup/1.0.0/app.jar" : null, false, 1, 0, false, null, null,
                T, updatedAt);
    }

    private static RunningHost hostStartedAt(Instant startedAt) {
        return new RunningHost() {
            public long pid() {
                return 977;
            }

            public Instant startedAt() {
                return startedAt;
            }

            public boolean isAlive() {
                return true;
            }

            public String describeExit() {
                return "running";
            }
        };
    }

    @Test
    void eachEnding_countsAsItsResult_andEndingsThatAreNoUpdate_countNothing() {
        SupervisionCounters counters = new SupervisionCounters(false);
        SwapJournal install = journal(SwapJournal.Kind.INSTALL, SwapState.COMMITTED, T.plusSeconds(20));

        counters.ended(new Outcome.Installed(install, hostStartedAt(T.plusSeconds(5)), "committed"));
        counters.ended(new Outcome.Installed(journal(SwapJournal.Kind.ROLLBACK, SwapState.COMMITTED, T.plusSeconds(30)),
                hostStartedAt(T.plusSeconds(25)), "operator's rollback"));
        counters.ended(new Outcome.RolledBack(install, hostStartedAt(T), "rolled back"));
        counters.ended(new Outcome.Failed(ErrorCode.IO, install, "no space"));
        counters.ended(new Outcome.Rejected("does not verify"));
        counters.ended(new Outcome.Abandoned(install, "backup gone"));
        counters.ended(new Outcome.PreviousFailed(install, null, "nothing healthy"));
        counters.ended(new Outcome.AlreadyInstalled("already"));
        counters.ended(new Outcome.Interrupted(install, null, "stopping"));
        counters.ended(new Outcome.PendingStart(install, "next sidecar"));

        SupervisionCounters.Snapshot s = counters.snapshot();
        assertEquals(Map.of(Result.COMMITTED, 1L, Result.ROLLED_BACK, 2L, Result.FAILED, 4L), s.updates());
        assertEquals(3, s.hostRestarts(), "the hosts three endings left running");
        assertEquals(Optional.of(Duration.ofSeconds(15)), s.lastGate(), "the install's gate, not the rollback's");
    }

    @Test
    void run_countsEveryStartAfterItsFirst_watchEveryStartItSaw() {
        SupervisionCounters run = new SupervisionCounters(true);
        SupervisionCounters watch = new SupervisionCounters(false);
        assertEquals(0, run.snapshot().hostRestarts());

        run.hostStarted();
        assertEquals(0, run.snapshot().hostRestarts(), "the first start is no restart");
        run.hostStarted();
        watch.hostStarted();

        assertEquals(1, run.snapshot().hostRestarts());
        assertEquals(1, watch.snapshot().hostRestarts());
        assertEquals(Map.of(Result.COMMITTED, 0L, Result.ROLLED_BACK, 0L, Result.FAILED, 0L), run.snapshot().updates(),
                "every result is there from the start, so Prometheus sees the first one as an increase");
    }
}
