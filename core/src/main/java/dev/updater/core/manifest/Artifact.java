package dev.updater.core.manifest;

import dev.updater.core.Sha256;

import java.net.URI;
import java.util.Objects;

/**
 * One downloadable artifact of a release: where it is, its SHA-256 and its exact size in bytes.
 * The url may be relative to the manifest's own URL, as written by {@code publish}. A zip-format
 * artifact may name its entry index ({@code "index"}, DESIGN §12), which lets a client download
 * only the entries it lacks; agents that predate it ignore the field.
 *
 * @param index the entry index for delta downloads, or null
 */
public record Artifact(String url, Sha256 sha256, long size, IndexRef index) {
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

    public Artifact(String url, Sha256 sha256, long size) {
        this(url, sha256, size, null);
    }

    /** The absolute location of this artifact, resolving a relative url against the manifest's. */
    public URI resolve(URI manifestUri) {
        return resolve(url, manifestUri);
    }

    static URI resolve(String url, URI manifestUri) {
        URI uri = URI.create(url);
        return uri.isAbsolute() || manifestUri == null ? uri : manifestUri.resolve(uri);
    }

    /**
     * Where an artifact's entry index is, with its SHA-256 and size: the manifest's signature covers
     * them, so the index is as trusted as the artifact's own hash. Object {@code <sha256>} is at
     * {@code objects + <sha256>}; both urls may be relative to the manifest's.
     */
    public record IndexRef(String url, Sha256 sha256, long size, String objects) {
        public IndexRef {
            Objects.requireNonNull(url, "url");
            Objects.requireNonNull(objects, "objects");
            if (objects.isBlank() || !objects.endsWith("/")) {
                throw new IllegalArgumentException("An objects url must end with '/', got \"" + objects + "\"");
            }
            Objects.requireNonNull(sha256, "sha256");
            if (url.isBlank()) {
                throw new IllegalArgumentException("An index url must not be blank");
            }
            if (size <= 0) {
                throw new IllegalArgumentException("An index size must be positive, got " + size);
            }
        }

        /** The absolute location of the index, resolving a relative url against the manifest's. */
        public URI resolve(URI manifestUri) {
            return Artifact.resolve(url, manifestUri);
        }

        /** The absolute location of object {@code sha256}. */
        public URI object(URI manifestUri, Sha256 sha256) {
            return Artifact.resolve(objects + sha256.hex(), manifestUri);
        }
    }
}
