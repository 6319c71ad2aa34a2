package dev.updater.sidecar.overlap;

import dev.updater.core.home.AgentRecord;

import java.util.List;
import java.util.Optional;

/**
 * What the old host's agent saw its bind hook do ({@code listeners} in {@code agent.json}), read before
 * overlap touches A at all. The hook records {@code SO_REUSEPORT} as it was when the bind returned,
 * which is what decides whether the kernel put the socket in a reuse-port group; the option read later
 * through a duplicate ({@link Steering}) shows only its value now, which a host may have changed since.
 * A record of another process (a stale {@code agent.json}) says nothing about A.
 */
public final class RecordedListeners {
    private RecordedListeners() {
    }

    /**
     * Why overlap cannot join A's listeners, from A's own record, or empty when the record has no
     * objection (no record of A, no listener seen, all bound with {@code SO_REUSEPORT}).
     *
     * @param record the home's {@code agent.json}, if readable
     * @param pid the running host A
     */
    public static Optional<String> refusal(Optional<AgentRecord> record, long pid) {
        if (record.isEmpty() || record.get().pid() != pid) {
            return Optional.empty();
        }
        List<AgentRecord.Listener> exclusive = record.get().listeners().stream().filter(l -> !l.reusePort()).toList();
        if (exclusive.isEmpty()) {
            return Optional.empty();
        }
        List<String> labels = exclusive.stream().map(l -> label(l) + " (bound at " + l.boundAt() + ")").toList();
        return Optional.of("the running host's agent saw it bind " + String.join(", ", labels) + " without SO_REUSEPORT,"
                + " so a second host cannot join " + (exclusive.size() == 1 ? "that port" : "those ports") + " (hosts"
                + " started under --restart overlap get UPDATER_REUSE_PORT=true; the next update can overlap)");
    }

    /** {@code 127.0.0.1:8080}, {@code [::]:8080}: as {@link ListeningSocket#label()} writes it. */
    static String label(AgentRecord.Listener listener) {
        String host = listener.address();
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + listener.port();
    }
}
