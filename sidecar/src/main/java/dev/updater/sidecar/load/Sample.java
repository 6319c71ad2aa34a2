package dev.updater.sidecar.load;

/**
 * One request of a run. Times are {@link System#nanoTime()} values: {@code scheduledAt} is when the
 * open-loop schedule wanted it sent, so the latency includes any wait for the generator itself
 * (no coordinated omission); {@code startLag} is how late it actually started.
 *
 * @param failure null for a 2xx answer
 * @param detail  the status code or the error's message, for a failure
 * @param retried a keep-alive request retried once on a new connection after the server closed the
 *                reused one before any response byte
 */
public record Sample(long scheduledAt, long latency, long startLag, boolean keepAlive, boolean retried,
                     FailureReason failure, String detail) {
    public boolean failed() {
        return failure != null;
    }
}
