package dev.updater.sidecar.serve;

import java.io.Closeable;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Objects;

/**
 * A served file, open for reading, with the attributes of exactly the bytes the channel reads.
 *
 * @param path the real path of the file inside the served directory
 * @param channel open for positional reads; several ranges may be read without moving it
 * @param size in bytes, as seen when opened
 * @param lastModified as seen when opened
 */
record OpenedFile(Path path, FileChannel channel, long size, Instant lastModified) implements Closeable {
    OpenedFile {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(channel, "channel");
        Objects.requireNonNull(lastModified, "lastModified");
        if (size < 0) {
            throw new IllegalArgumentException("size must not be negative: " + size);
        }
    }

    /**
     * A strong entity tag from size and modification time (to the precision the file system
     * keeps), like nginx's: a publish rewrites or renames files, which changes one or the other,
     * and computing it costs no read of a possibly large file.
     */
    String entityTag() {
        return "\"" + Long.toHexString(size) + "-" + Long.toHexString(lastModified.getEpochSecond())
                + "." + Integer.toHexString(lastModified.getNano()) + "\"";
    }

    String fileName() {
        return path.getFileName().toString();
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
