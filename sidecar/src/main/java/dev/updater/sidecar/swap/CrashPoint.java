package dev.updater.sidecar.swap;

/**
 * Named instants of the swap transaction where a test can kill the sidecar. <strong>Test only:</strong>
 * with the system property {@code updater.test.crashAt=<name>} the JVM halts with status
 * {@value #HALT_STATUS} when it reaches that point, without shutdown hooks, as {@code kill -9} would.
 * Unset (always, in production) every point is a no-op. The crash tests walk {@link #values()}.
 */
public enum CrashPoint {
    AFTER_PREPARED("after-prepared"),
    AFTER_BACKUP("after-backup"),
    DURING_COPY("during-copy"),
    AFTER_COPY("after-copy"),
    AFTER_RENAME("after-rename"),
    AFTER_SWAPPED("after-swapped"),
    AFTER_HOST_START("after-host-start"),
    AFTER_VERIFYING("after-verifying"),
    AFTER_GATE_PASSED("after-gate-passed"),
    AFTER_COMMITTED("after-committed"),
    AFTER_GATE_FAILED("after-gate-failed"),
    ROLLBACK_DURING_COPY("rollback-during-copy"),
    ROLLBACK_AFTER_RENAME("rollback-after-rename"),
    AFTER_QUARANTINE("after-quarantine"),
    AFTER_ROLLED_BACK("after-rolled-back");

    /** The system property that names the point to halt at; test only. */
    public static final String PROPERTY = "updater.test.crashAt";
    /** The exit status of a halt at a crash point. */
    public static final int HALT_STATUS = 99;

    private final String pointName;

    CrashPoint(String pointName) {
        this.pointName = pointName;
    }

    public String pointName() {
        return pointName;
    }

    /** True for the points only a failed health gate reaches. */
    public boolean onRollbackPath() {
        return ordinal() >= AFTER_GATE_FAILED.ordinal();
    }

    /** Halts the JVM here when the test property names this point; otherwise does nothing. */
    public void reach() {
        if (pointName.equals(System.getProperty(PROPERTY))) {
            System.err.println("updater-sidecar: halting at crash point " + pointName + " (" + PROPERTY + ", test only)");
            System.err.flush();
            Runtime.getRuntime().halt(HALT_STATUS);
        }
    }
}
