package dev.updater.sidecar.swap;

import dev.updater.sidecar.health.GateResult;
import dev.updater.sidecar.health.HealthGate;
import dev.updater.sidecar.health.RunningHost;

import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Optional;

/** A {@link HostControl} for in-process tests: each start yields a host that stays up or has exited with code 3. */
final class ScriptedHosts implements HostControl {
    private final Deque<Boolean> healthy = new ArrayDeque<>();
    /** Judges the scripted hosts: a real gate, as each sidecar mode holds one; set by the test before a swap. */
    HealthGate gate;
    final List<String> calls = new ArrayList<>();
    boolean startsNothing;
    /** Runs at each start, before the host is handed out: what happens to the home while a new host runs. */
    Runnable atStart = () -> { };

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
        return Optional.of(new Host(up));
    }

    @Override
    public GateResult awaitHealthy(RunningHost host) throws InterruptedException {
        return gate.await(host, this::stopping);
    }

    @Override
    public void stopFailed(RunningHost host) {
        calls.add("stop failed");
    }

    @Override
    public boolean stopping() {
        return false;
    }

    private static final class Host implements RunningHost {
        private final boolean up;
        private final Instant started = Instant.now();

        Host(boolean up) {
            this.up = up;
        }

        @Override
        public long pid() {
            return -1;
        }

        @Override
        public Instant startedAt() {
            return started;
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
