package dev.updater.core.download;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Tells how many bytes can still be written in a directory; a seam so tests can simulate a full disk. */
@FunctionalInterface
public interface FreeSpaceProbe {
    /** The file store's usable space, as {@link java.nio.file.FileStore#getUsableSpace()} reports it. */
    FreeSpaceProbe FILE_STORE = dir -> Files.getFileStore(dir).getUsableSpace();

    long usableBytes(Path directory) throws IOException;
}
