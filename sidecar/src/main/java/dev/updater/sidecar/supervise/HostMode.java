package dev.updater.sidecar.supervise;

import dev.updater.core.UpdaterException;
import dev.updater.sidecar.health.RunningHost;
import dev.updater.sidecar.swap.HostControl;

import java.util.Optional;
import java.util.OptionalInt;

/**
 * What differs between {@code run} and {@code watch} for the one {@link SupervisionLoop}: how the
 * host is started, stopped and observed. The same object is the swap transaction's {@link HostControl}.
 * {@link ChildProcessMode}: the host is the sidecar's child. {@link ContainerMode}: the container
 * runtime starts the host, and the sidecar knows it by {@code host.lock} and {@code agent.json}.
 */
interface HostMode extends HostControl {
    /**
     * Before recovery, on a home an earlier sidecar may have left behind: {@code run} stops a host
     * left running without its sidecar, {@code watch} removes an exit request left for no host.
     */
    void takeOver() throws UpdaterException, InterruptedException;

    /** True when no host runs and this mode starts one: the loop first installs what is due when stopped. */
    boolean hostDown();

    /** Starts a host after {@link #hostDown}; false when the sidecar is stopping. */
    boolean startHost() throws UpdaterException;

    /** The exit code of a host this sidecar started, once it exited on its own; it is forgotten then. */
    OptionalInt takeExitCode();

    /**
     * The sentence saying why the host's state cannot be told now ({@code host.lock} cannot be
     * probed), said once in the log; empty when it can. Nothing is swapped or stopped meanwhile.
     */
    Optional<String> hostStateUnknown();

    /**
     * Before a swap, or when giving up: {@code run} stops its host and says {@code why};
     * {@code watch} swaps first and asks the host to exit in {@link #startAfterSwap}.
     */
    void stopHost(String why) throws InterruptedException;

    /**
     * True when an install leaves the running host up and starts the new one beside it ({@code run
     * --restart overlap}); the loop then does not stop the host before the swap.
     */
    default boolean startsBesideRunningHost() {
        return false;
    }

    /**
     * True when the target may be swapped under the running host, so {@code on-exit} can swap ahead
     * and let the host exit on its own: {@code watch}, where the running JVM keeps the old inode.
     */
    boolean swapsUnderRunningHost();

    /** The host serving now, alive and known, or empty when none is (it is down, exiting, or cannot be told). */
    Optional<RunningHost> servingHost();

    /** The shutdown hook: SIGTERM or SIGINT reached the sidecar; {@link #stopping} is true from now on. */
    void stop();
}
