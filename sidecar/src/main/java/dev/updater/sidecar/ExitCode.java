package dev.updater.sidecar;

/**
 * Every status the {@code updater-sidecar} process exits with, in one place. Each command's
 * {@code --help} lists the ones it returns (generated from this enum), and the table in
 * docs/sidecar.md is checked against it. Besides these, {@code run} passes on the exit code of a
 * host that exits on its own.
 *
 * <p>The two signal statuses are the JVM's own ({@code 128 + the signal's number}): once a signal
 * starts the shutdown, the JVM exits with that status whatever the command returns.
 */
public enum ExitCode {
    /** The command did what it was asked. */
    OK(0, "success"),
    /** One sentence on stderr says what failed, the value, and what to do. */
    FAILED(1, "the operation failed (the message says what and what to do)"),
    /** The command line was wrong; the message, the synopsis and where to find help are printed. */
    USAGE(2, "usage error (a wrong or missing option)"),
    /** Ctrl+C: SIGINT, signal 2. */
    INTERRUPTED(130, "stopped by Ctrl+C (SIGINT)"),
    /** SIGTERM, signal 15: a service manager's or container runtime's stop. */
    TERMINATED(143, "stopped by SIGTERM");

    private final int code;
    private final String meaning;

    ExitCode(int code, String meaning) {
        this.code = code;
        this.meaning = meaning;
    }

    /** The process's exit status. */
    public int code() {
        return code;
    }

    /** What the status means whatever the command, as the help and docs/sidecar.md say it. */
    public String meaning() {
        return meaning;
    }
}
