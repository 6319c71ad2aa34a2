package dev.updater.core;

import java.util.Objects;

/**
 * The one exception family of updater. Every failure carries a stable {@link ErrorCode} that code
 * decides by, and a message that says what happened, the concrete value, and what to do.
 *
 * <pre>{@code
 * try {
 *     manifest = ManifestParser.parse(bytes, uri);
 * } catch (UpdaterException e) {
 *     if (e.code() == ErrorCode.MANIFEST_EXPIRED) { ... }
 * }
 * }</pre>
 */
public class UpdaterException extends Exception {
    private static final long serialVersionUID = 1L;

    private final ErrorCode code;

    public UpdaterException(ErrorCode code, String message) {
        this(code, message, null);
    }

    public UpdaterException(ErrorCode code, String message, Throwable cause) {
        super(message, cause);
        this.code = Objects.requireNonNull(code, "code");
    }

    public ErrorCode code() {
        return code;
    }
}
