package dev.updater.core.home;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

import dev.updater.core.json.WireNames;

/**
 * Where a swap transaction stands (DESIGN §5), the {@code state} of {@code journal.json}. The journal
 * moves forward only: {@code prepared → swapped → verifying → committed | rolled-back | failed |
 * abandoned}. A journal found in one of the first three states at start belongs to a sidecar that
 * stopped mid-way; the sidecar's recovery finishes or reverts it, or, when it can do neither, abandons it.
 */
public enum SwapState {
    /** Journaled before any file is touched: old and new version and hash, target and backup path. */
    PREPARED("prepared"),
    /** The new artifact was renamed over the target and the directory fsynced. */
    SWAPPED("swapped"),
    /** A host runs the new artifact and the health gate judges it. */
    VERIFYING("verifying"),
    /** The gate passed; the new version stays. */
    COMMITTED("committed"),
    /** The old artifact is back at the target (or was never replaced). */
    ROLLED_BACK("rolled-back"),
    /**
     * An operator's rollback whose version then failed its health gate too (or that a sidecar gave up
     * after too many attempts): nothing healthy is left to fall back to, and {@code detail} says why.
     * Never {@code committed}, so no reader mistakes it for a rollback that worked.
     */
    FAILED("failed"),
    /**
     * The transaction could neither be finished nor reverted (the backup it needed was missing or
     * damaged, or someone changed the target by hand): the target was left as it was found, the host
     * started on it, and {@code detail} says why. Closed, so no later start tries it again.
     */
    ABANDONED("abandoned");

    private final String label;

    SwapState(String label) {
        this.label = label;
    }

    @JsonValue
    public String label() {
        return label;
    }

    @JsonCreator
    static SwapState of(String label) {
        return WireNames.parse(values(), SwapState::label, label, "swap state");
    }

    /** True once nothing remains to be done: the transaction committed, rolled back, failed or was abandoned. */
    public boolean isFinished() {
        return this == COMMITTED || this == ROLLED_BACK || this == FAILED || this == ABANDONED;
    }
}
