package dev.updater.agent.host;

import com.fasterxml.jackson.databind.JsonNode;
import dev.updater.core.json.Json;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Optional;

/**
 * {@code requests/exit.json} as the agent reads it: the sidecar's {@code watch} asks a host to exit
 * so that the container runtime restarts it on a swapped artifact. A request is for this host only
 * when it names this host's pid <em>and</em> start time. Threat: in a container the restarted JVM
 * usually gets the pid of the one before, so a request left behind by a sidecar killed while it
 * stopped a host would stop every restart at its first look, fail the gate and quarantine a good
 * release.
 *
 * <pre>{@code
 * {"reason":"updater-sidecar: 1.1.0 is installed; …","requestedAt":"…","pid":1,"startedAt":"2026-02-07T12:00:00.120Z"}
 * }</pre>
 *
 * @param pid the pid it names, or -1 when it names none
 * @param hostStartedAt the start time it names, or null when it names none or an unreadable one
 * @param reason the sidecar's sentence, or null
 */
public record ExitRequest(long pid, Instant hostStartedAt, String reason) {

    /** Reads and removes the request at {@code file}; empty when there is none (or it went meanwhile). */
    public static Optional<ExitRequest> take(Path file) {
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        try {
            byte[] json = Files.readAllBytes(file);
            Files.deleteIfExists(file);
            return Optional.of(parse(json));
        } catch (IOException e) {
            return Optional.empty(); // replaced or removed meanwhile: the next look sees what is there then
        }
    }

    /** Reads a request; one that is not JSON names no host (and so is for none). */
    public static ExitRequest parse(byte[] json) {
        JsonNode root;
        try {
            root = Json.mapper().readTree(json);
        } catch (IOException e) {
            return new ExitRequest(-1, null, null);
        }
        if (root == null || !root.isObject()) {
            return new ExitRequest(-1, null, null);
        }
        JsonNode pid = root.path("pid");
        JsonNode reason = root.path("reason");
        return new ExitRequest(pid.canConvertToLong() ? pid.asLong() : -1, instant(root.path("startedAt")),
                reason.isTextual() ? reason.asText() : null);
    }

    private static Instant instant(JsonNode node) {
        if (!node.isTextual()) {
            return null;
        }
        try {
            return Instant.parse(node.asText());
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    /** True when it names this very process: its pid and the start time its agent recorded. */
    public boolean isFor(long hostPid, Instant startedAt) {
        return pid == hostPid && hostStartedAt != null && hostStartedAt.equals(startedAt);
    }

    /** {@code pid 1 started at 2026-02-07T12:00:00.120Z}, for the log line of a request that was not for this host. */
    public String describeHost() {
        return "pid " + pid + (hostStartedAt == null ? ", no start time" : " started at " + hostStartedAt);
    }
}
