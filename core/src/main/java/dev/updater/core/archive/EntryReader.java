package dev.updater.core.archive;

import dev.updater.core.UpdaterException;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;

/** Reads an archive's entries in order; the data of the current file entry from {@link #content()}. */
interface EntryReader extends Closeable {
    /** The next entry, or null at the end of the archive. */
    ArchiveEntry next() throws IOException, UpdaterException;

    /**
     * The current file entry's data, exactly its declared size: a stream that ends early or would go on
     * throws {@code ARCHIVE_MALFORMED} rather than return other bytes.
     */
    InputStream content() throws IOException, UpdaterException;
}
