package dev.updater.sidecar.swap;

import dev.updater.core.UpdaterException;
import dev.updater.sidecar.health.GateResult;
import dev.updater.sidecar.health.RunningHost;

import java.util.Optional;

/**
 * What a swap transaction needs from its mode: {@code run} starts and stops its child, {@code watch}
 * asks the host to exit and waits for the container runtime to start it again.
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
     * Step 7: the health gate's verdict on a host {@link #startAfterSwap} returned. Each mode judges
     * its own kind of host (a child, or a host the container runtime restarted); a verdict of
     * {@code CANCELLED} means the sidecar is stopping and the next start decides.
     */
    GateResult awaitHealthy(RunningHost host) throws UpdaterException, InterruptedException;

    /**
     * Stops a host that failed its gate, before its artifact is replaced. {@code run} stops its
     * child here; {@code watch} swaps first and asks the host to exit in {@link #startAfterSwap}.
     */
    void stopFailed(RunningHost host) throws UpdaterException, InterruptedException;

    /** True once the sidecar is stopping: a gate in progress gives up, and the next start decides. */
    boolean stopping();
}
