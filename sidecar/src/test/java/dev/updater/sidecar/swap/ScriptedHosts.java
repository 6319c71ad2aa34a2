package dev.updater.sidecar.swap;

import dev.updater.core.home.SwapJournal;
import dev.updater.sidecar.health.GateResult;
import dev.updater.sidecar.health.RunningHost;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Optional;

/**
 * A {@link HostControl} for in-process tests: each start yields a host that stays up (and passes its
 * gate) or has exited with code 3 (and fails it, as the real gate words it). The gate itself has its
 * own test (HealthGateTest); here it is the transaction's decisions that are under test.
 */
final class ScriptedHosts implements HostControl {
    private final Deque<Boolean> healthy = new ArrayDeque<>();
    private final Clock clock;
    final List<String> calls = new ArrayList<>();
    boolean startsNothing;
    /** The verdict's kind for a host that stays up: PASSED, or CANCELLED for a sidecar that is stopping. */
    GateResult.Verdict whenUp = GateResult.Verdict.PASSED;
    /** Runs at each start, before the host is handed out: what happens to the home while a new host runs. */
    Runnable atStart = () -> { };
    /** Hosts handed over to (overlap mode's cut-over), and what runs then: the journal is not committed yet. */
    final List<RunningHost> handedOver = new ArrayList<>();
    Runnable atHandOver = () -> { };

    ScriptedHosts(Clock clock) {
        this.clock = clock;
    }

    ScriptedHosts thenHealthy() {
        healthy.add(true);
        return this;
    }

    ScriptedHosts thenExits() {
        healthy.add(false);
        return this;
    }

    @Override
    public Optional<RunningHost> startAfterSwap(SwapJournal journal, boolean rollingBack) {
        calls.add((rollingBack ? "start old " : "start new ") + (rollingBack ? journal.from() : journal.to()).label());
        atStart.run();
        if (startsNothing) {
            return Optional.empty();
        }
        boolean up = healthy.isEmpty() || healthy.poll();
        return Optional.of(new Host(up, clock.instant()));
    }

    @Override
    public GateResult awaitHealthy(RunningHost host) {
        if (!host.isAlive()) {
            return new GateResult(GateResult.Verdict.FAILED, "the host " + host.describeExit() + " before it passed",
                    Duration.ofMillis(20));
        }
        return new GateResult(whenUp, "alive for 20ms", Duration.ofMillis(20));
    }

    @Override
    public void handOver(RunningHost host) {
        handedOver.add(host);
        atHandOver.run();
    }

    @Override
    public void stopFailed(RunningHost host) {
        calls.add("stop failed");
    }

    @Override
    public boolean stopping() {
        return whenUp == GateResult.Verdict.CANCELLED;
    }

    private record Host(boolean up, Instant startedAt) implements RunningHost {
        @Override
        public long pid() {
            return -1;
        }

        @Override
        public boolean isAlive() {
            return up;
        }

        @Override
        public String describeExit() {
            return up ? "is still running" : "exited with code 3";
        }
    }
}
