package dev.updater.demo;

/** The app's exit statuses, in one place. A SIGTERM ends it with the JVM's own 143. */
final class ExitCode {
    /** {@code --help} or {@code --version} printed. */
    static final int OK = 0;
    /** It could not start: bad data file, port in use, or a release that refuses to start. */
    static final int FAILURE = 1;
    /** A wrong option or value on the command line. */
    static final int USAGE = 2;

    private ExitCode() {
    }
}
