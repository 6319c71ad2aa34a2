package dev.updater.sidecar.swap;

import dev.updater.sidecar.health.RunningHost;

/**
 * How a swap transaction (or a recovery) ended.
 *
 * @param result what happened
 * @param journal the journal as last written, or null when no transaction began
 * @param message one sentence for the operator
 * @param host the host left running, or null when none was started
 */
public record Outcome(Result result, SwapJournal journal, String message, RunningHost host) {
    public enum Result {
        /** The new version passed its gate and stays. */
        COMMITTED,
        /** The new version failed its gate; the previous one is back and runs. */
        ROLLED_BACK,
        /** After a rollback the previous version failed its gate too: the sidecar stops restarting it. */
        PREVIOUS_FAILED,
        /** The staged release or the backup did not verify; nothing was changed. */
        REJECTED,
        /** The target already holds the staged bytes; only the records were brought up to date. */
        ALREADY_INSTALLED,
        /** Swapped without a sidecar ({@code apply}/{@code rollback}); the next sidecar starts and gates it. */
        PENDING_START,
        /** The sidecar is stopping mid-transaction; the journal tells the next start where to resume. */
        INTERRUPTED,
        /**
         * The transaction could be neither finished nor reverted; the target holds what it held, and
         * the caller starts a host on it (a service that never starts again is the worse failure).
         */
        ABANDONED
    }

    /** True when the sidecar must stop restarting hosts and exit with a failure. */
    public boolean mustStop() {
        return result == Result.PREVIOUS_FAILED;
    }
}
