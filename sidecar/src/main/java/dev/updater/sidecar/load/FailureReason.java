package dev.updater.sidecar.load;

/** Why a request of the {@link LoadGenerator} failed: each one is a client that saw an error. */
public enum FailureReason {
    /** Nothing listened: the connect was refused (the window a stop-start update leaves). */
    REFUSED,
    /** The server reset the connection, or closed it before a complete answer, on a connection a client cannot retry. */
    RESET,
    /** No complete answer within the timeout (connect or read). */
    TIMEOUT,
    /** A complete answer, but not 2xx. */
    STATUS,
    /** The answer was not HTTP/1.x as expected. */
    MALFORMED,
    /** Any other I/O error; the sample keeps its message. */
    OTHER
}
