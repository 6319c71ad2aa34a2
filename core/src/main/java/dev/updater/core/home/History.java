package dev.updater.core.home;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectWriter;
import dev.updater.core.ErrorCode;
import dev.updater.core.UpdaterException;
import dev.updater.core.json.Json;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code history.jsonl}: appends one JSON object per line and fsyncs it. A torn last line (a crash
 * mid-append) is skipped when reading, never fatal: history informs, and only ever raises the
 * anti-rollback floor (the highest version staged or installed here), never decides anything else.
 * A line this version cannot read (an event a newer version added, a version that is no version)
 * is skipped the same way. Get it from {@link UpdateHome#history()}; it prints as its file.
 *
 * <pre>{@code
 * home.history().append(new HistoryEvent(clock.instant(), HistoryEvent.Kind.STAGED, version, null, "staged"));
 * List<HistoryEvent> events = home.history().read();
 * }</pre>
 */
public final class History {
    private static final ObjectWriter ONE_LINE = Json.mapper().writer()
            .without(com.fasterxml.jackson.databind.SerializationFeature.INDENT_OUTPUT);

    private final Path file;

    History(Path file) {
        this.file = file;
    }

    public Path path() {
        return file;
    }

    public void append(HistoryEvent event) throws UpdaterException {
        byte[] line;
        try {
            line = (ONE_LINE.writeValueAsString(event) + "\n").getBytes(StandardCharsets.UTF_8);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("Cannot write a history event as JSON", e);
        }
        // NOFOLLOW: a link planted as history.jsonl must not make updater append to the file it names
        try (FileChannel channel = HomeFiles.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.APPEND)) {
            if (endsTorn()) {
                line = ("\n" + new String(line, StandardCharsets.UTF_8)).getBytes(StandardCharsets.UTF_8);
            }
            ByteBuffer buffer = ByteBuffer.wrap(line);
            while (buffer.hasRemaining()) {
                channel.write(buffer);
            }
            channel.force(true);
        } catch (IOException e) {
            throw new UpdaterException(ErrorCode.IO, "Could not append to " + file + ": " + e
                    + "; check the update home is writable and has space.", e);
        }
    }

    /** True when a crash left the last line without its newline; the next event then starts a fresh line. */
    private boolean endsTorn() throws IOException, UpdaterException {
        try (FileChannel reader = HomeFiles.open(file, StandardOpenOption.READ)) {
            long size = reader.size();
            if (size == 0) {
                return false;
            }
            ByteBuffer last = ByteBuffer.allocate(1);
            reader.read(last, size - 1);
            return last.get(0) != '\n';
        }
    }

    /** All readable events, oldest first. */
    public List<HistoryEvent> read() throws UpdaterException {
        List<String> lines = new ArrayList<>();
        try (BufferedReader reader = new BufferedReader(Channels.newReader(HomeFiles.open(file, StandardOpenOption.READ),
                StandardCharsets.UTF_8))) {
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                lines.add(line);
            }
        } catch (NoSuchFileException e) {
            return List.of();
        } catch (IOException e) {
            throw new UpdaterException(ErrorCode.IO, "Could not read " + file + ": " + e + ".", e);
        }
        List<HistoryEvent> events = new ArrayList<>();
        for (String line : lines) {
            if (line.isBlank()) {
                continue;
            }
            try {
                events.add(Json.mapper().readValue(line, HistoryEvent.class));
            } catch (IOException e) {
                // a line torn by a crash mid-append; the lines around it still count
            }
        }
        return events;
    }

    @Override
    public String toString() {
        return file.toString();
    }
}
