package dev.updater.sidecar.health;

import java.time.Instant;

/**
 * A host process as the health gate sees it: a child of {@code run}, or the process holding
 * {@code host.lock} for {@code watch}.
 */
public interface RunningHost {
    /** The host's process id, or -1 when it is not known. */
    long pid();

    /** When the host started, by the sidecar's clock. */
    Instant startedAt();

    /** False once the host has exited. */
    boolean isAlive();

    /** How it ended, for the gate's verdict: {@code exited with code 3}, {@code exited (pid 977)}. */
    String describeExit();

    /**
     * The sentence saying why no host came at all ({@code watch}: the runtime never brought one
     * back), or null for a host that did start.
     */
    default String neverStarted() {
        return null;
    }
}
