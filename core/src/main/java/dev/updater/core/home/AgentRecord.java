package dev.updater.core.home;

import java.time.Instant;
import java.util.List;

/**
 * {@code agent.json}: the running host as its agent sees it. Written by the agent at start, after
 * each check, on readiness and at exit; read by the sidecar and {@code status}. New fields may be
 * added; readers ignore what they do not know.
 *
 * @param pid the host's process id
 * @param startedAt when the host JVM started
 * @param runningVersion the version the host runs, or null when it could not be found
 * @param versionSource where the version came from: {@code version=}, {@code manifest}, {@code installed}
 * @param target the artifact the host runs (the {@code -jar} path or {@code target=})
 * @param targetSha256 the SHA-256 of the target when the host started
 * @param commandLine the host's command line, as far as the JVM exposes it
 * @param agentVersion the agent's own version
 * @param hostId the stable id used for rollout buckets
 * @param ready true once the host is seen ready (a listening socket or alive long enough)
 * @param readyAt when it became ready
 * @param lastCheckAt when the channel was last checked
 * @param lastCheckResult one line: what the last check decided
 * @param latestSeen the newest version seen in a verified manifest
 * @param lastError the current error, or null when the last check succeeded
 * @param exiting true once the host has begun to shut down
 * @param exitReason why it is exiting, when known
 * @param updatedAt when this record was written
 */
public record AgentRecord(
        long pid,
        Instant startedAt,
        String runningVersion,
        String versionSource,
        String target,
        String targetSha256,
        List<String> commandLine,
        String agentVersion,
        String hostId,
        boolean ready,
        Instant readyAt,
        Instant lastCheckAt,
        String lastCheckResult,
        String latestSeen,
        String lastError,
        boolean exiting,
        String exitReason,
        Instant updatedAt) {
}
