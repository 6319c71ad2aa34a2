package dev.updater.demo;

import java.util.Objects;

/**
 * An answer to a {@code GET}, with a UTF-8 body.
 *
 * @param status      the HTTP status code
 * @param contentType the media type, e.g. {@code application/json}; {@code ; charset=utf-8} is added
 * @param body        the body text
 */
public record Response(int status, String contentType, String body) {

    public Response {
        if (status < 100 || status > 599) {
            throw new IllegalArgumentException("not an HTTP status: " + status);
        }
        Objects.requireNonNull(contentType, "contentType");
        Objects.requireNonNull(body, "body");
    }
}
