package dev.updater.sidecar.cli;

/** The exit codes of every {@code updater-sidecar} command, in one place; shown in {@code --help}. */
final class ExitCode {
    /** The command did what it was asked. */
    static final int OK = 0;
    /** The operation failed; one sentence on stderr says what failed and what to do. */
    static final int FAILED = 1;
    /** The command line was wrong: an unknown or missing option, or a value of the wrong form. */
    static final int USAGE = 2;

    /** The lines of the "Exit codes" section of {@code --help}. */
    static final String[] HELP = {
            "  0  success",
            "  1  the operation failed (the message says what and what to do)",
            "  2  usage error (a wrong or missing option)"
    };

    private ExitCode() {
    }
}
