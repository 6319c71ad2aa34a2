package dev.updater.core.download;

import dev.updater.core.Sha256;

import java.net.URI;
import java.nio.file.Path;
import java.util.Objects;

/**
 * What to download and where: the artifact at {@code uri} must be exactly {@code expectedSize} bytes
 * with SHA-256 {@code expectedSha256}; it ends up as {@code directory/fileName}, and while it
 * downloads it lives beside it as {@code fileName.part}.
 */
public record DownloadRequest(URI uri, long expectedSize, Sha256 expectedSha256, Path directory, String fileName) {
    public DownloadRequest {
        Objects.requireNonNull(uri, "uri");
        Objects.requireNonNull(expectedSha256, "expectedSha256");
        Objects.requireNonNull(directory, "directory");
        Objects.requireNonNull(fileName, "fileName");
        if (!uri.isAbsolute()) {
            throw new IllegalArgumentException("A download URL must be absolute, got " + uri);
        }
        if (expectedSize < 0) {
            throw new IllegalArgumentException("An expected size cannot be negative, got " + expectedSize);
        }
        // Threat: a name from a manifest that climbs out of the download directory ("../../app.jar").
        if (!isPlainFileName(fileName)) {
            throw new IllegalArgumentException("A download file name must be a plain name without separators, got \"" + fileName + "\"");
        }
    }

    /** The final file: it exists only once its size and hash have been verified. */
    public Path target() {
        return directory.resolve(fileName);
    }

    static boolean isPlainFileName(String name) {
        if (name.isEmpty() || name.equals(".") || name.equals("..") || name.length() > 200) {
            return false;
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c == '/' || c == '\\' || c == ':' || c < 0x20 || c == 0x7f) {
                return false;
            }
        }
        return true;
    }
}
