package dev.updater.sidecar.overlap;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;

/**
 * What overlap mode needs from the machine the sidecar runs on, each answered with the sentence a
 * fallback to stop-start prints. Native access is tried once and remembered.
 */
public final class OverlapSupport {
    private static final Path TCP_MIGRATE_REQ = Path.of("/proc/sys/net/ipv4/tcp_migrate_req");
    private static volatile Object calls; // LinuxCalls, or the String saying why not

    private OverlapSupport() {
    }

    /** Why overlap mode cannot run here at all (not Linux, no native access), or empty. */
    public static Optional<String> unavailable() {
        if (!System.getProperty("os.name", "").toLowerCase(Locale.ROOT).startsWith("linux")) {
            return Optional.of("overlap mode needs Linux (pidfd_getfd and reuse-port steering), this is "
                    + System.getProperty("os.name"));
        }
        Object loaded = load();
        return loaded instanceof String why ? Optional.of(why) : Optional.empty();
    }

    /** The native calls; only after {@link #unavailable} said nothing. */
    static LinuxCalls calls() {
        Object loaded = load();
        if (loaded instanceof LinuxCalls linux) {
            return linux;
        }
        throw new IllegalStateException(String.valueOf(loaded));
    }

    private static synchronized Object load() {
        if (calls == null) {
            try {
                calls = LinuxCalls.load();
            } catch (LinkageError | RuntimeException e) {
                // JNA's native part did not load: no build for this CPU, or its temp dir is noexec
                calls = "the sidecar has no native access (JNA: " + e.getMessage() + "); set -Djna.tmpdir to"
                        + " an exec-mounted directory";
            }
        }
        return calls;
    }

    /** True when {@code net.ipv4.tcp_migrate_req} is 1 in this network namespace (Linux 5.14+): queued connections move to B. */
    public static boolean tcpMigrateReq() {
        try {
            // readAllLines, not readString: procfs files report size 0, and readString then reads one byte
            return "1".equals(Files.readAllLines(TCP_MIGRATE_REQ).get(0).trim());
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }
}
