package dev.updater.core.delta;

import dev.updater.core.Sha256;

import java.util.Objects;

/** A content-addressed object of a channel: {@code objects/<sha256>}, exactly {@code size} bytes. */
public record ObjectRef(Sha256 sha256, long size) {
    public ObjectRef {
        Objects.requireNonNull(sha256, "sha256");
        if (size < 0) {
            throw new IllegalArgumentException("An object size cannot be negative, got " + size);
        }
    }

    /** The object's path under the channel (and under a local object folder). */
    public String path() {
        return "objects/" + sha256.hex();
    }
}
