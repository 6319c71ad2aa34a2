package dev.updater.demo;

/** A wrong option or value on the command line; the message says which and what is expected. */
final class UsageError extends Exception {

    UsageError(String message) {
        super(message);
    }
}
