package dev.updater.core.home;

import dev.updater.core.Sha256;
import dev.updater.core.version.ReleaseVersion;

import dev.updater.core.UpdaterException;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * {@code agent.json}: the running host as its agent sees it. Written by the agent at start, after
 * each check, on readiness and at exit; read by the sidecar and {@code status}. New fields may be
 * added; readers ignore what they do not know. The agent's very first one is written by hand
 * ({@link #writeEarly}).
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
 * @param listeners every listening TCP address the host has bound and not closed, as the agent's bind
 *        hook saw it, oldest first; empty when none was seen (also in records written before the field
 *        existed). The sidecar's overlap mode compares them between the old and the new host.
 * @param checks how many checks of the channel this agent ran since the host started
 * @param checkErrors how many of them failed
 * @param downloadedBytes bytes this agent downloaded since the host started (whole artifacts, or the
 *        index and objects of a delta); the sidecar's {@code /metrics} exposes the three as counters
 * @param stateHandoff true while the host has registered the {@code dev.updater:type=StateHandoff} MBean: the
 *        sidecar asks it to save its state before it stops it for an update (DESIGN §7), and asks nothing
 *        of a host without it
 * @param lastSuccessfulCheckAt when a check of the channel last succeeded since the host started, or null
 *        (none yet, or a record written before the field existed); the sidecar's {@code /metrics} exposes it
 */
public record AgentRecord(
        long pid,
        Instant startedAt,
        ReleaseVersion runningVersion,
        String versionSource,
        String target,
        Sha256 targetSha256,
        List<String> commandLine,
        String agentVersion,
        String hostId,
        boolean ready,
        Instant readyAt,
        Instant lastCheckAt,
        String lastCheckResult,
        ReleaseVersion latestSeen,
        String lastError,
        boolean exiting,
        String exitReason,
        Instant updatedAt,
        List<Listener> listeners,
        long checks,
        long checkErrors,
        long downloadedBytes,
        boolean stateHandoff,
        Instant lastSuccessfulCheckAt) {

    public AgentRecord {
        listeners = listeners == null ? List.of() : List.copyOf(listeners);
    }

    /** A record without the time of the last successful check (written before it existed, and by tests that need none). */
    public AgentRecord(long pid, Instant startedAt, ReleaseVersion runningVersion, String versionSource, String target,
                       Sha256 targetSha256, List<String> commandLine, String agentVersion, String hostId, boolean ready,
                       Instant readyAt, Instant lastCheckAt, String lastCheckResult, ReleaseVersion latestSeen,
                       String lastError, boolean exiting, String exitReason, Instant updatedAt, List<Listener> listeners,
                       long checks, long checkErrors, long downloadedBytes, boolean stateHandoff) {
        this(pid, startedAt, runningVersion, versionSource, target, targetSha256, commandLine, agentVersion, hostId,
                ready, readyAt, lastCheckAt, lastCheckResult, latestSeen, lastError, exiting, exitReason, updatedAt,
                listeners, checks, checkErrors, downloadedBytes, stateHandoff, null);
    }

    /** A record without the hand-off flag (written before it existed, and by tests that need none). */
    public AgentRecord(long pid, Instant startedAt, ReleaseVersion runningVersion, String versionSource, String target,
                       Sha256 targetSha256, List<String> commandLine, String agentVersion, String hostId, boolean ready,
                       Instant readyAt, Instant lastCheckAt, String lastCheckResult, ReleaseVersion latestSeen,
                       String lastError, boolean exiting, String exitReason, Instant updatedAt, List<Listener> listeners,
                       long checks, long checkErrors, long downloadedBytes) {
        this(pid, startedAt, runningVersion, versionSource, target, targetSha256, commandLine, agentVersion, hostId,
                ready, readyAt, lastCheckAt, lastCheckResult, latestSeen, lastError, exiting, exitReason, updatedAt,
                listeners, checks, checkErrors, downloadedBytes, false);
    }

    /** A record without listeners, as written before the bind hook (and by tests that need none). */
    public AgentRecord(long pid, Instant startedAt, ReleaseVersion runningVersion, String versionSource, String target,
                       Sha256 targetSha256, List<String> commandLine, String agentVersion, String hostId, boolean ready,
                       Instant readyAt, Instant lastCheckAt, String lastCheckResult, ReleaseVersion latestSeen,
                       String lastError, boolean exiting, String exitReason, Instant updatedAt) {
        this(pid, startedAt, runningVersion, versionSource, target, targetSha256, commandLine, agentVersion, hostId,
                ready, readyAt, lastCheckAt, lastCheckResult, latestSeen, lastError, exiting, exitReason, updatedAt,
                List.of());
    }

    /** A record without the agent's counters (written before they existed, and by tests that need none). */
    public AgentRecord(long pid, Instant startedAt, ReleaseVersion runningVersion, String versionSource, String target,
                       Sha256 targetSha256, List<String> commandLine, String agentVersion, String hostId, boolean ready,
                       Instant readyAt, Instant lastCheckAt, String lastCheckResult, ReleaseVersion latestSeen,
                       String lastError, boolean exiting, String exitReason, Instant updatedAt, List<Listener> listeners) {
        this(pid, startedAt, runningVersion, versionSource, target, targetSha256, commandLine, agentVersion, hostId,
                ready, readyAt, lastCheckAt, lastCheckResult, latestSeen, lastError, exiting, exitReason, updatedAt,
                listeners, 0, 0, 0);
    }

    /**
     * One listening socket of the host: {@code {"address":"0.0.0.0","port":8080,"boundAt":"…","reusePort":true}}.
     *
     * @param address the bound IP address, as {@link java.net.InetAddress#getHostAddress()} writes it
     *        ({@code 0.0.0.0}, {@code ::}, {@code 127.0.0.1})
     * @param port the bound port (never 0: the port the system chose when the host asked for any)
     * @param boundAt when the bind returned
     * @param reusePort whether {@code SO_REUSEPORT} was on when the bind returned; a second JVM can join the
     *        port only if it was
     */
    public record Listener(String address, int port, Instant boundAt, boolean reusePort) {
        public Listener {
            Objects.requireNonNull(address, "address");
            Objects.requireNonNull(boundAt, "boundAt");
            if (port < 1 || port > 65535) {
                throw new IllegalArgumentException("a listener's port is 1 to 65535, got " + port);
            }
        }
    }

    /**
     * Writes the first {@code agent.json} by hand, before Jackson loads (that costs the host hundreds of
     * milliseconds): pid, start time and target, enough for the sidecar to recognise a host that dies
     * before its agent gets further. It reads back as an {@code AgentRecord}; the full record replaces it
     * moments later.
     *
     * @param targetSha256 the target's SHA-256, or null when it could not be read
     */
    public static void writeEarly(HomeRecordFile<AgentRecord> record, long pid, Instant startedAt, String target,
                                  Sha256 targetSha256, Instant now) throws UpdaterException {
        StringBuilder json = new StringBuilder("{\n");
        json.append("  \"pid\" : ").append(pid).append(",\n");
        json.append("  \"startedAt\" : ").append(quote(startedAt.toString())).append(",\n");
        json.append("  \"target\" : ").append(quote(target)).append(",\n");
        if (targetSha256 != null) {
            json.append("  \"targetSha256\" : ").append(quote(targetSha256.hex())).append(",\n");
        }
        json.append("  \"ready\" : false,\n  \"exiting\" : false,\n  \"listeners\" : [ ],\n");
        json.append("  \"updatedAt\" : ").append(quote(now.toString())).append("\n}\n");
        AtomicFiles.write(record.path(), json.toString().getBytes(StandardCharsets.UTF_8));
    }

    /** A JSON string literal: quotes, backslashes and control characters escaped. */
    private static String quote(String text) {
        StringBuilder out = new StringBuilder("\"");
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '"' || c == '\\') {
                out.append('\\').append(c);
            } else if (c < 0x20) {
                out.append(String.format("\\u%04x", (int) c));
            } else {
                out.append(c);
            }
        }
        return out.append('"').toString();
    }
}
