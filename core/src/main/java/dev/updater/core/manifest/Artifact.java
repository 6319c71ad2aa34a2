package dev.updater.core.manifest;

import dev.updater.core.Sha256;

import java.net.URI;
import java.util.Objects;

/**
 * One downloadable artifact of a release: where it is, its SHA-256 and its exact size in bytes.
 * The url may be relative to the manifest's own URL, as written by {@code publish}.
 */
public record Artifact(String url, Sha256 sha256, long size) {
    public Artifact {
        Objects.requireNonNull(url, "url");
        Objects.requireNonNull(sha256, "sha256");
        if (url.isBlank()) {
            throw new IllegalArgumentException("An artifact url must not be blank");
        }
        if (size <= 0) {
            throw new IllegalArgumentException("An artifact size must be positive, got " + size);
        }
    }

    /** The absolute location of this artifact, resolving a relative url against the manifest's. */
    public URI resolve(URI manifestUri) {
        URI uri = URI.create(url);
        return uri.isAbsolute() || manifestUri == null ? uri : manifestUri.resolve(uri);
    }
}
