package dev.updater.core.download;

import dev.updater.core.Sha256;

import java.nio.file.Path;
import java.util.Objects;

/** A downloaded file whose size and SHA-256 matched what was expected, at its final name. */
public record VerifiedFile(Path path, long size, Sha256 sha256) {
    public VerifiedFile {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(sha256, "sha256");
        if (size < 0) {
            throw new IllegalArgumentException("A file size cannot be negative, got " + size);
        }
    }
}
