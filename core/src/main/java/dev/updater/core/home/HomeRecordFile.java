package dev.updater.core.home;

import dev.updater.core.ErrorCode;
import dev.updater.core.UpdaterException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * One JSON record of the update home: its file and its type, read and written the same way by the
 * agent, the sidecar and the CLI. Files are opened without following links ({@link HomeFiles}) and
 * written atomically and durably ({@link AtomicFiles}); a value that does not parse (a version that
 * is no version, a hash that is no hash) makes the whole record {@code RECORD_MALFORMED}. Get one from
 * {@link UpdateHome}; it prints as its file, so messages can name it.
 *
 * <pre>{@code
 * Optional<StagedRelease> staged = home.stagedRecord().read();       // strict: a bad record throws
 * AgentRecord agent = home.agentRecord().readQuietly().orElse(null);  // for a label or a log line
 * home.installedRecord().write(new InstalledRelease(...));
 * Optional<ApplyRequest> apply = home.applyRequest().take();          // read and remove a request
 * }</pre>
 *
 * @param <T> the record type
 */
public final class HomeRecordFile<T> {
    private final Path path;
    private final Class<T> type;
    private final boolean inPrivateFolder;
    private final long maxBytes;

    HomeRecordFile(Path path, Class<T> type) {
        this(path, type, false);
    }

    /** A record in a folder of the home that its first write creates (0700): {@code requests/}. */
    HomeRecordFile(Path path, Class<T> type, boolean inPrivateFolder) {
        this(path, type, inPrivateFolder, JsonRecords.MAX_RECORD_BYTES);
    }

    /** As above, read only up to {@code maxBytes} ({@code handoff/<v>.json} may be larger than a record). */
    HomeRecordFile(Path path, Class<T> type, boolean inPrivateFolder, long maxBytes) {
        this.path = Objects.requireNonNull(path, "path");
        this.type = Objects.requireNonNull(type, "type");
        this.inPrivateFolder = inPrivateFolder;
        this.maxBytes = maxBytes;
    }

    public Path path() {
        return path;
    }

    /**
     * Reads the record, or empty when there is none.
     *
     * @throws UpdaterException {@code RECORD_MALFORMED} naming the file and the bad field when it is not
     *     such a record (also a link, a FIFO or a directory at its name); {@code IO} when it cannot be read
     */
    public Optional<T> read() throws UpdaterException {
        return JsonRecords.read(path, type, maxBytes);
    }

    /** The record, or empty when there is none or it cannot be read: for a label, a log line, a guess. */
    public Optional<T> readQuietly() {
        try {
            return read();
        } catch (UpdaterException e) {
            return Optional.empty();
        }
    }

    /**
     * The file's bytes now, parsed only when asked ({@link Unparsed#parse}). The agent keeps the
     * previous {@code agent.json} this way before it writes its first one, while parsing would still
     * cost the host the time to load Jackson. Empty when there is none or it cannot be read.
     */
    public Optional<Unparsed<T>> readUnparsed() {
        try {
            return HomeFiles.read(path, maxBytes).map(bytes -> new Unparsed<>(this, bytes));
        } catch (IOException | UpdaterException e) {
            return Optional.empty();
        }
    }

    /** Replaces the record atomically and durably; a request's folder is created (0700) when missing. */
    public void write(T record) throws UpdaterException {
        if (inPrivateFolder) {
            createFolder();
        }
        JsonRecords.write(path, Objects.requireNonNull(record, "record"));
    }

    /** True when something is at the record's name (a link there counts: it is no record, and {@link #take} removes it). */
    public boolean exists() {
        return Files.exists(path, LinkOption.NOFOLLOW_LINKS);
    }

    /** Removes the record, durably; nothing when there is none. */
    public void delete() throws UpdaterException {
        try {
            if (Files.deleteIfExists(path)) {
                AtomicFiles.fsyncDirectory(path.getParent());
            }
        } catch (IOException e) {
            throw new UpdaterException(ErrorCode.IO, "Could not delete " + path + ": " + e + "; delete it by hand.", e);
        }
    }

    /**
     * Reads and removes a request: whoever acts on it deletes it. A malformed one is removed too and
     * reads as empty, so that it cannot block every later request.
     *
     * @throws UpdaterException {@code IO} when it cannot be read or removed
     */
    public Optional<T> take() throws UpdaterException {
        if (!exists()) {
            return Optional.empty();
        }
        Optional<T> request;
        try {
            request = read();
        } catch (UpdaterException e) {
            if (e.code() != ErrorCode.RECORD_MALFORMED) {
                throw e;
            }
            request = Optional.empty();
        }
        delete();
        return request;
    }

    @Override
    public String toString() {
        return path.toString();
    }

    /**
     * Threat: a link in place of {@code requests/} would make whoever writes a request write it
     * wherever the link points.
     */
    private void createFolder() throws UpdaterException {
        Path folder = path.getParent();
        if (Files.isSymbolicLink(folder)) {
            throw new UpdaterException(ErrorCode.HOME_INSECURE, folder + " is a symbolic link; the update home's"
                    + " folders are plain directories. Remove it (rm " + folder + ") and start again.");
        }
        try {
            HomeFiles.createPrivateDirectories(folder);
        } catch (IOException e) {
            throw new UpdaterException(ErrorCode.IO, "Could not create " + folder + ": " + e
                    + "; check the update home's permissions.", e);
        }
    }

    /**
     * A record's bytes as they were read, not parsed yet.
     *
     * @param <T> the record type
     */
    public static final class Unparsed<T> {
        private final HomeRecordFile<T> record;
        private final byte[] bytes;

        private Unparsed(HomeRecordFile<T> record, byte[] bytes) {
            this.record = record;
            this.bytes = bytes;
        }

        /** Parses them as {@link HomeRecordFile#read} would have. */
        public T parse() throws UpdaterException {
            return JsonRecords.parse(record.path, bytes, record.type);
        }
    }
}
