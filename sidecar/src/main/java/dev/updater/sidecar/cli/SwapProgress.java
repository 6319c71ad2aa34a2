package dev.updater.sidecar.cli;

import dev.updater.core.home.SwapJournal;
import dev.updater.core.text.Printable;

import java.util.List;

/** The install steps of a running sidecar as {@code apply}'s checklist shows them, read from its journal. */
final class SwapProgress {
    /** The steps a running sidecar takes, ticked from its journal as it reaches them. */
    static final List<String> STEPS = List.of("Backup created", "Artifact replaced", "Restarted",
            "Healthy: passed its health gate");

    private SwapProgress() {
    }

    /**
     * How many of {@link #STEPS} a transaction in {@code journal}'s state has done: the journal
     * says {@code swapped} once the backup is made and the artifact replaced, {@code verifying} once
     * the new host runs. States can be passed between two looks; a later one implies the earlier.
     */
    static int stepsDone(SwapJournal journal) {
        return switch (journal.state()) {
            case SWAPPED -> 2;
            case VERIFYING -> 3;
            case COMMITTED -> 4;
            default -> 0;
        };
    }

    static String doing(SwapJournal journal) {
        return switch (journal.state()) {
            case PREPARED -> "Backing up " + Printable.of(journal.from().label()) + " and replacing it...";
            case SWAPPED -> "Restarting the host...";
            case VERIFYING -> "Health gate: waiting for " + Printable.of(journal.to().label()) + " to pass...";
            default -> null;
        };
    }
}
