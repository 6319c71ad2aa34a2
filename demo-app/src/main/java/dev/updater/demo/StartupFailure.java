package dev.updater.demo;

/** The app cannot start; the message is one sentence saying what failed and what to do. */
public final class StartupFailure extends Exception {

    public StartupFailure(String message) {
        super(message);
    }

    public StartupFailure(String message, Throwable cause) {
        super(message, cause);
    }
}
