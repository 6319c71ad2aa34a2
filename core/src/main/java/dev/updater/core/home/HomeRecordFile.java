package dev.updater.core.home;

import dev.updater.core.UpdaterException;

import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * One JSON record of the update home with its type: the only way the modules read and write it.
 * Writes are atomic and durable ({@link JsonRecords}); reads never follow a link at the record.
 *
 * <pre>{@code
 * Optional<SwapJournal> journal = home.swapJournal().read();
 * home.swapJournal().write(journal.get().withState(SwapState.COMMITTED, now));
 * }</pre>
 *
 * @param <T> the record's type
 */
public final class HomeRecordFile<T> {
    private final Path path;
    private final Class<T> type;

    HomeRecordFile(Path path, Class<T> type) {
        this.path = Objects.requireNonNull(path, "path");
        this.type = Objects.requireNonNull(type, "type");
    }

    public Path path() {
        return path;
    }

    /**
     * Strictly: empty when the file does not exist.
     *
     * @throws UpdaterException {@code RECORD_MALFORMED} when the file is not such a record, {@code IO}
     *     when it cannot be read
     */
    public Optional<T> read() throws UpdaterException {
        return JsonRecords.read(path, type);
    }

    /** Quietly: empty when the file does not exist, is malformed or cannot be read (a reader that only shows or skips). */
    public Optional<T> readQuietly() {
        try {
            return read();
        } catch (UpdaterException e) {
            return Optional.empty();
        }
    }

    /** Atomically and durably: the record exists as written once this returns, and a crash leaves the old or the new one. */
    public void write(T record) throws UpdaterException {
        JsonRecords.write(path, Objects.requireNonNull(record, "record"));
    }
}
