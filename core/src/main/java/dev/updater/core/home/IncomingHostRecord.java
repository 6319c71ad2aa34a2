package dev.updater.core.home;

import dev.updater.core.version.ReleaseVersion;

import java.time.Instant;
import java.util.Objects;

/**
 * {@code incoming-host.json}: the new host B of an overlap update while it runs beside the old host
 * (DESIGN §5 "Overlap mode"), written by {@code run} as it starts B and removed once B is the host
 * or has been stopped. A sidecar killed in between leaves it behind, and the next one stops that B
 * before anything else, so that two versions never serve one home with nobody supervising them.
 *
 * <pre>{@code
 * {"pid":4242,"startedAt":"2026-11-30T06:00:00.120Z","version":"1.1.0"}
 * }</pre>
 *
 * @param pid B's process id
 * @param startedAt B's start time as the operating system reports it: a pid alone may since have been
 *        reused by an unrelated process, which must not be signalled
 * @param version the release B runs, for the log line
 */
public record IncomingHostRecord(long pid, Instant startedAt, ReleaseVersion version) {
    public IncomingHostRecord {
        if (pid <= 0) {
            throw new IllegalArgumentException("pid " + pid + " is not a process id");
        }
        Objects.requireNonNull(startedAt, "startedAt");
        Objects.requireNonNull(version, "version");
    }
}
