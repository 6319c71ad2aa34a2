package dev.updater.sidecar.swap;

import dev.updater.core.UpdaterException;
import dev.updater.core.home.SwapJournal;
import dev.updater.sidecar.health.GateResult;
import dev.updater.sidecar.health.RunningHost;

import java.util.Optional;

/**
 * What a swap transaction needs from its mode: {@code run} starts and stops its child, {@code watch}
 * asks the host to exit and waits for the container runtime to start it again. Each mode gates the
 * hosts it starts with its own health gate; the offline {@code apply} starts none and has no gate.
 */
public interface HostControl {
    /**
     * Step 6: the target now holds the artifact the transaction put there (the new one, or the old one
     * again when {@code rollingBack}); brings up a host that runs it. Empty when this caller cannot
     * start hosts ({@code apply} without a sidecar): the next sidecar does it.
     */
    Optional<RunningHost> startAfterSwap(SwapJournal journal, boolean rollingBack)
            throws UpdaterException, InterruptedException;

    /**
     * Step 7: the health gate on a host {@link #startAfterSwap} returned: passed, failed, or cancelled
     * because the sidecar is stopping (the next start decides then).
     */
    GateResult awaitHealthy(RunningHost host) throws UpdaterException, InterruptedException;

    /**
     * Step 7 passed, before the commit: {@code run --restart overlap} moves every new connection to the
     * new host and stops the old one gracefully (DESIGN §5 "Overlap mode"); nothing for the other modes.
     */
    default void handOver(RunningHost host) throws UpdaterException, InterruptedException {
    }

    /**
     * Stops a host that failed its gate, before its artifact is replaced. {@code run} stops its
     * child here; {@code watch} swaps first and asks the host to exit in {@link #startAfterSwap}.
     */
    void stopFailed(RunningHost host) throws UpdaterException, InterruptedException;

    /** True once the sidecar is stopping: a gate in progress gives up, and the next start decides. */
    boolean stopping();
}
