package dev.updater.core.download;

import dev.updater.core.ErrorCode;
import dev.updater.core.UpdaterException;

import java.time.Duration;
import java.util.Optional;

/**
 * A server that said "not now": HTTP {@code 429 Too Many Requests} or {@code 503 Service Unavailable},
 * with the wait it asked for in {@code Retry-After} when it gave a usable one. Its code is
 * {@link ErrorCode#HTTP_STATUS} like any refused status; the agent's back-off reads the wait
 * (DESIGN §11: obeyed, bounded, plus the agent's own jitter).
 */
public final class ServerPushback extends UpdaterException {
    private static final long serialVersionUID = 1L;

    private final int status;
    private final transient Duration retryAfter;

    public ServerPushback(int status, Duration retryAfterOrNull, String message) {
        super(ErrorCode.HTTP_STATUS, message);
        this.status = status;
        this.retryAfter = retryAfterOrNull;
    }

    public int status() {
        return status;
    }

    /** The wait the server asked for, unbounded; empty without a usable {@code Retry-After}. */
    public Optional<Duration> retryAfter() {
        return Optional.ofNullable(retryAfter);
    }

    static boolean isPushback(int status) {
        return status == 429 || status == 503;
    }
}
