package dev.updater.core.home;

import java.time.Instant;

/**
 * {@code requests/exit.json}, from the sidecar's {@code watch} to the host's agent: exit gracefully
 * ({@code System.exit(0)}, so the host's shutdown hooks run) and let the container runtime start the
 * host again on the swapped artifact. A request is for a host only when it names that host's pid
 * <em>and</em> start time. Threat: in a container the restarted JVM usually gets the pid of the one
 * before, so a request left behind by a sidecar killed while it stopped a host would stop every
 * restart at its first look, fail the gate and quarantine a good release.
 *
 * <pre>{@code
 * {"reason":"updater-sidecar: 1.1.0 is installed; …","requestedAt":"…","pid":1,"startedAt":"2026-02-07T12:00:00.120Z"}
 * }</pre>
 *
 * @param reason one sentence the agent logs, or null
 * @param pid the pid of the host this is meant for (0 when it names none: no host has pid 0)
 * @param startedAt that host's start, as its {@code agent.json} says, or null when it names none
 */
public record ExitRequest(String reason, Instant requestedAt, long pid, Instant startedAt) {

    /** True when it names this very process: its pid and the start time its agent recorded. */
    public boolean isFor(long hostPid, Instant hostStartedAt) {
        return pid == hostPid && startedAt != null && startedAt.equals(hostStartedAt);
    }

    /** {@code pid 1 started at 2026-02-07T12:00:00.120Z}, for the log line of a request that was not for this host. */
    public String describeHost() {
        return (pid > 0 ? "pid " + pid : "no pid") + (startedAt == null ? ", no start time" : " started at " + startedAt);
    }
}
