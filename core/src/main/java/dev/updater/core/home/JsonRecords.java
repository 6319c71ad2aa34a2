package dev.updater.core.home;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import dev.updater.core.ErrorCode;
import dev.updater.core.UpdaterException;
import dev.updater.core.json.Json;
import dev.updater.core.text.Printable;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Reads and writes the JSON records of the update home ({@code agent.json}, {@code staged.json},
 * {@code journal.json}, …); {@link HomeRecordFile} binds each to its file and type. Writes are atomic and
 * durable ({@link AtomicFiles}), so a reader — the agent, the sidecar, an operator's {@code status} —
 * never sees half a record, and a crash leaves the old record or the new one.
 *
 * <pre>{@code
 * JsonRecords.write(home.journal(), journal);
 * Optional<SwapJournal> journal = JsonRecords.read(home.journal(), SwapJournal.class);
 * }</pre>
 */
public final class JsonRecords {
    /** Records are small; anything larger is not ours and is not read into memory. */
    static final long MAX_RECORD_BYTES = 4L << 20;

    private JsonRecords() {
    }

    public static void write(Path file, Object record) throws UpdaterException {
        byte[] bytes;
        try {
            bytes = Json.mapper().writeValueAsBytes(record);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("Cannot write " + record.getClass().getName() + " as JSON", e);
        }
        byte[] withNewline = new byte[bytes.length + 1];
        System.arraycopy(bytes, 0, withNewline, 0, bytes.length);
        withNewline[bytes.length] = '\n';
        AtomicFiles.write(file, withNewline);
    }

    /**
     * Reads a record, or empty when the file does not exist.
     *
     * @throws UpdaterException {@code RECORD_MALFORMED} when the file is not such a record, {@code IO}
     *     when it cannot be read
     */
    public static <T> Optional<T> read(Path file, Class<T> type) throws UpdaterException {
        return read(file, type, MAX_RECORD_BYTES);
    }

    /** As {@link #read(Path, Class)}, for a record allowed to be larger than the usual {@value #MAX_RECORD_BYTES} bytes. */
    static <T> Optional<T> read(Path file, Class<T> type, long maxBytes) throws UpdaterException {
        byte[] bytes;
        try {
            Optional<byte[]> read = HomeFiles.read(file, maxBytes);
            if (read.isEmpty()) {
                return Optional.empty();
            }
            bytes = read.get();
        } catch (UpdaterException e) {
            // a link or a FIFO where a record belongs is not a record: callers that drop malformed records drop it
            throw new UpdaterException(ErrorCode.RECORD_MALFORMED, "Record " + e.getMessage(), e);
        } catch (IOException e) {
            throw new UpdaterException(ErrorCode.IO, "Could not read " + file + ": "
                    + AtomicFiles.describe(e) + "; check the update home's permissions.", e);
        }
        return Optional.of(parse(file, bytes, type));
    }

    /** Parses {@code bytes} read from {@code file}, with the same errors as {@link #read}. */
    static <T> T parse(Path file, byte[] bytes, Class<T> type) throws UpdaterException {
        T value;
        try {
            value = Json.mapper().readValue(bytes, type);
        } catch (IOException e) {
            String detail = e instanceof JsonProcessingException jpe ? jpe.getOriginalMessage() : e.getMessage();
            throw new UpdaterException(ErrorCode.RECORD_MALFORMED, "Record " + file + " is not a valid "
                    + type.getSimpleName() + " (" + Printable.of(detail) + "); it was changed by hand or by another version."
                    + " Move it away and let updater write it again.", e);
        }
        if (value == null) {
            // a literal null is no record; reading it as absent would silently drop what it protects
            throw new UpdaterException(ErrorCode.RECORD_MALFORMED, "Record " + file + " is not a valid "
                    + type.getSimpleName() + " (it holds null); it was changed by hand or by another version."
                    + " Move it away and let updater write it again.");
        }
        return value;
    }

    /**
     * Why a record could not be read, without the advice of the full message, for a sentence of the
     * caller's own: {@code it is not a valid record: its version "x" is not a semantic version}.
     */
    public static String reason(UpdaterException e) {
        Throwable cause = e.getCause();
        if (cause instanceof JsonMappingException mapping
                && mapping.getCause() instanceof IllegalArgumentException invalid) {
            return "it is not a valid record: " + invalid.getMessage();
        }
        if (cause instanceof JsonProcessingException json) {
            return "it is not a valid record: " + json.getOriginalMessage();
        }
        if (cause instanceof IOException io) {
            return "it cannot be read: " + io;
        }
        return e.getMessage();
    }
}
