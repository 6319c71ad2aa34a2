package dev.updater.sidecar.cli;

/**
 * A command could not do its job for a reason the operator can act on. The message is printed
 * alone, as one sentence (what failed, the value, what to do), and the command exits with
 * {@link dev.updater.sidecar.ExitCode#FAILED}.
 */
final class CommandFailedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    CommandFailedException(String message) {
        super(message);
    }

    CommandFailedException(String message, Throwable cause) {
        super(message, cause);
    }
}
