package dev.updater.core.home;

import dev.updater.core.ErrorCode;
import dev.updater.core.UpdaterException;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Optional;
import java.util.UUID;

/**
 * {@code host-id}: a random id kept in the home, so that a host keeps its rollout bucket across
 * restarts (an agent's {@code host-id=} setting, when given, is used instead and this file is not
 * touched). Plain US-ASCII text, one line: {@code 0b7c…-…\n}; read without following links.
 *
 * <pre>{@code
 * String id = home.hostIdFile().readOrCreate(); // the same id at every start
 * }</pre>
 */
public final class HostIdFile {
    /** More than any id written here: a larger file is not updater's. */
    private static final long MAX_BYTES = 1024;

    private final Path file;

    HostIdFile(Path file) {
        this.file = file;
    }

    public Path path() {
        return file;
    }

    /**
     * The id kept in the file (stripped of surrounding white space), or empty when there is none.
     *
     * @throws UpdaterException {@code HOME_INSECURE} for a link or a non-regular file at its name,
     *     {@code RECORD_MALFORMED} when it is larger than 1024 bytes, {@code HOME_UNUSABLE} when it cannot be read
     */
    public Optional<String> read() throws UpdaterException {
        try {
            return HomeFiles.read(file, MAX_BYTES).map(bytes -> new String(bytes, StandardCharsets.US_ASCII).strip());
        } catch (IOException e) {
            throw new UpdaterException(ErrorCode.HOME_UNUSABLE, "Could not read " + file + ": " + e + ".", e);
        }
    }

    /** The id kept in the file; when there is none, a new random id, written atomically first. */
    public String readOrCreate() throws UpdaterException {
        Optional<String> kept = read();
        if (kept.isPresent()) {
            return kept.get();
        }
        String id = UUID.randomUUID().toString();
        AtomicFiles.write(file, (id + "\n").getBytes(StandardCharsets.US_ASCII));
        return id;
    }

    @Override
    public String toString() {
        return file.toString();
    }
}
