package dev.updater.sidecar.swap;

import dev.updater.core.ErrorCode;
import dev.updater.core.home.SwapJournal;
import dev.updater.sidecar.health.RunningHost;

import dev.updater.sidecar.log.LogEvent;

import java.util.Locale;
import java.util.Objects;

/**
 * How a swap transaction (or a recovery) ended: one type per ending, so a caller decides by type.
 * Each carries one sentence for the operator; those that began a transaction carry the journal as
 * last written, and those that left a host running carry it.
 *
 * <pre>{@code
 * switch (outcome) {
 *     case Outcome.Installed i -> ...;
 *     case Outcome.PreviousFailed f -> stop(f.message());
 *     default -> ...;
 * }
 * }</pre>
 */
public sealed interface Outcome {
    /** One sentence for the operator. */
    String message();

    /** True when the sidecar must stop restarting hosts and exit with a failure: nothing healthy is left. */
    default boolean mustStop() {
        return this instanceof PreviousFailed;
    }

    /**
     * The ending as a log event for {@code --log-format json}: the event is the ending's name
     * ({@code Installed} → {@code installed}, {@code RolledBack} → {@code rolled-back}); a rollback or a
     * refusal is a warning, an ending that leaves nothing healthy or nothing decided an error.
     */
    default LogEvent logEvent() {
        String event = getClass().getSimpleName().replaceAll("([a-z])([A-Z])", "$1-$2").toLowerCase(Locale.ROOT);
        LogEvent.Level level = this instanceof PreviousFailed || this instanceof Abandoned || this instanceof Failed
                ? LogEvent.Level.ERROR
                : this instanceof RolledBack || this instanceof Rejected || this instanceof Interrupted
                ? LogEvent.Level.WARN : LogEvent.Level.INFO;
        return new LogEvent(level, event, message(), java.util.Map.of());
    }

    /** The new version passed its gate and stays; the journal is {@code committed}. */
    record Installed(SwapJournal journal, RunningHost host, String message) implements Outcome {
        public Installed {
            Objects.requireNonNull(journal, "journal");
        }
    }

    /**
     * The new version failed its gate (or the loop breaker gave it up); the previous one is back at the
     * target, quarantined the new one, and runs in {@code host} (null when this caller starts no host).
     */
    record RolledBack(SwapJournal journal, RunningHost host, String message) implements Outcome {
        public RolledBack {
            Objects.requireNonNull(journal, "journal");
        }
    }

    /**
     * Nothing healthy is left: after a rollback the previous version failed its gate too, or an
     * operator's rollback failed. The sidecar stops restarting it ({@link #mustStop}).
     */
    record PreviousFailed(SwapJournal journal, RunningHost host, String message) implements Outcome {
        public PreviousFailed {
            Objects.requireNonNull(journal, "journal");
        }
    }

    /**
     * After a failed gate the previous version is back and its host runs, but it fails the gate too:
     * the gate is misconfigured ({@code gateReason} says what it saw). The host is kept running and
     * the new version is not quarantined; nothing is installed until the gate passes for the serving host.
     */
    record GateUnsatisfied(SwapJournal journal, RunningHost host, String gateReason, String message) implements Outcome {
        public GateUnsatisfied {
            Objects.requireNonNull(journal, "journal");
        }
    }

    /**
     * The transaction began but could not swap (no space, a source that changed, a permission): the
     * target was never touched and the journal is closed; {@code code} says which failure it was.
     */
    record Failed(ErrorCode code, SwapJournal journal, String message) implements Outcome {
        public Failed {
            Objects.requireNonNull(code, "code");
            Objects.requireNonNull(journal, "journal");
        }
    }

    /** The staged release did not verify: it was dropped, no transaction began, nothing was changed. */
    record Rejected(String message) implements Outcome {
    }

    /** The target already holds the staged bytes; only the records were brought up to date. */
    record AlreadyInstalled(String message) implements Outcome {
    }

    /** Swapped without a sidecar ({@code apply}/{@code rollback}); the next sidecar starts and gates it. */
    record PendingStart(SwapJournal journal, String message) implements Outcome {
    }

    /** The sidecar is stopping mid-transaction; the journal tells the next start where to resume. */
    record Interrupted(SwapJournal journal, RunningHost host, String message) implements Outcome {
    }

    /**
     * The transaction could be neither finished nor reverted; the target holds what it held, and the
     * caller starts a host on it (a service that never starts again is the worse failure).
     */
    record Abandoned(SwapJournal journal, String message) implements Outcome {
    }
}
