package dev.updater.core.home;

import dev.updater.core.version.ReleaseVersion;

import java.time.Instant;
import java.util.Objects;

/**
 * {@code requests/save.json}, from the sidecar to the host's agent just before the host is stopped for
 * an update (or, in overlap mode, before the cut-over): call the host's {@code StateHandoff} MBean's
 * {@code save()} and write the result to {@code handoff/<forVersion>.json} (DESIGN §7 "State hand-off").
 * The agent removes the request once it is done, whatever the result: the sidecar waits for that, at
 * most {@code timeoutMillis} and a little more, then stops the host anyway. Like {@link ExitRequest}
 * it names the host's pid <em>and</em> start time. Threat: a request left behind would otherwise make
 * the next host (often the same pid in a container) save a state for a version that never comes.
 *
 * <pre>{@code
 * {"forVersion":"1.1.0","pid":4242,"startedAt":"2026-02-07T12:00:00.120Z","requestedAt":"…","timeoutMillis":10000}
 * }</pre>
 *
 * @param forVersion the version about to start: the state is for it and no other
 * @param pid the pid of the host asked to save
 * @param startedAt that host's start, as its {@code agent.json} says
 * @param requestedAt when the sidecar asked
 * @param timeoutMillis how long {@code save()} may take; past it the agent gives up and no state is handed over
 */
public record SaveRequest(ReleaseVersion forVersion, long pid, Instant startedAt, Instant requestedAt,
                          long timeoutMillis) {
    public SaveRequest {
        Objects.requireNonNull(forVersion, "forVersion");
    }

    /** True when it names this very process: its pid and the start time its agent recorded. */
    public boolean isFor(long hostPid, Instant hostStartedAt) {
        return pid == hostPid && startedAt != null && startedAt.equals(hostStartedAt);
    }
}
