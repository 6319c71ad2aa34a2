package dev.updater.sidecar.swap;


/**
 * Where {@link SwapTransaction#resume} continues an unfinished transaction. {@link Recovery} picks
 * one from the journal and the target's bytes; the runner takes it from there to the end.
 */
enum ResumePoint {
    /** The target still holds the old bytes and nothing failed: redo steps 3–5 (the source must still verify). */
    SWAP,
    /** The rename happened but {@code swapped} was never journaled: journal it, then steps 6–7. */
    JOURNAL_SWAPPED,
    /** The target holds the new bytes, journaled: start the host and gate it (steps 6–7). */
    START,
    /** The new version failed and the target still holds it: put the backup back, then restart the old one. */
    RESTORE_BACKUP,
    /** The new version failed and the old bytes are back: quarantine, start the old one, gate it. */
    RESTART_PREVIOUS;

    /** True for the points of a rollback, which the loop breaker lets finish: it would roll back too. */
    boolean rollsBack() {
        return this == RESTORE_BACKUP || this == RESTART_PREVIOUS;
    }
}
