package dev.updater.core.download;

/**
 * A token that stops a download or a manifest fetch from another thread. Cancelling ends the
 * operation within a fraction of a second with {@link dev.updater.core.ErrorCode#DOWNLOAD_CANCELLED};
 * a partial download is kept so that the next call resumes it. Thread-safe; cancelling twice is
 * harmless; a cancelled token stays cancelled.
 */
public final class Cancellation {
    private volatile boolean cancelled;

    /** A fresh token, not cancelled; for callers that never cancel. */
    public static Cancellation none() {
        return new Cancellation();
    }

    public void cancel() {
        cancelled = true;
    }

    public boolean isCancelled() {
        return cancelled;
    }
}
