package dev.updater.core;

import dev.updater.core.text.Printable;

import java.util.Objects;

/**
 * The one exception family of updater. Every failure carries a stable {@link ErrorCode} that code
 * decides by, and a message that says what happened, the concrete value, and what to do.
 *
 * <p>Messages quote values from outside (URLs, headers, manifest fields, home records) and end up
 * on terminals and in logs, so every message is made {@link Printable} here, whatever its callers
 * did: control characters and bidi controls are shown escaped, and a flood is cut at
 * {@link Printable#MAX_LINE_LENGTH}. Callers still pass unbounded values through {@link Printable#of} so
 * that one long value does not push the advice at the end of the sentence out.
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
        super(message == null ? null : Printable.of(message, Printable.MAX_LINE_LENGTH), cause);
        this.code = Objects.requireNonNull(code, "code");
    }

    public ErrorCode code() {
        return code;
    }
}
