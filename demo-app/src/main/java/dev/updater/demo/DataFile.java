package dev.updater.demo;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.IOException;
import java.io.Reader;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.Optional;
import java.util.Properties;
import java.util.function.Consumer;

/**
 * The app's only state, kept across restarts and updates in a properties file:
 *
 * <pre>
 * visits=12
 * last-version=1.1.0
 * updated-from=1.0.0
 * updated-at=2026-02-07T12\:00\:00Z
 * </pre>
 *
 * <p>Every change is written at once and atomically (temporary file, fsync, rename, fsync of the
 * folder), so a kill at any instant leaves either the old or the new file, never a torn one.
 * Keys it does not know are kept as they are. Thread-safe.
 *
 * <p>Two instances may run at once for a moment (an update in overlap mode starts the new one
 * before the old one stops), so every change is a read-modify-write of the file under an exclusive
 * lock on {@code <data file>.lock} beside it: a visit counted by either instance is never lost or
 * counted twice. The lock is on a file of its own because the data file is replaced by a rename,
 * and a lock on the replaced file would guard nothing. It is held only for one read and one write.
 */
final class DataFile {
    static final String VISITS = "visits";
    static final String LAST_VERSION = "last-version";
    static final String UPDATED_FROM = "updated-from";
    static final String UPDATED_AT = "updated-at";

    private static final String HEADER =
            " demo-app data: written atomically by demo-app; edit it only while demo-app is stopped";

    private final Path path;
    private final Path lockFile;
    private Properties values;
    private long visits;
    /** Visits counted here whose write failed: added to the file's count at the next write that succeeds. */
    private long unsaved;

    private DataFile(Path path, Properties values, long visits) {
        this.path = path;
        this.lockFile = lockFile(path);
        this.values = values;
        this.visits = visits;
    }

    /** Where the lock that orders the writes of two instances lives: {@code demo-data.properties.lock}. */
    static Path lockFile(Path data) {
        return data.resolveSibling(data.getFileName() + ".lock");
    }

    /** Reads the file, or starts empty when there is none yet; writes nothing. */
    static DataFile open(Path path) throws StartupFailure {
        Properties values = new Properties();
        if (Files.isDirectory(path)) {
            throw new StartupFailure("the data file " + path.toAbsolutePath()
                    + " is a folder; give a file path with --data");
        }
        if (Files.exists(path)) {
            try (Reader in = Files.newBufferedReader(path, UTF_8)) {
                values.load(in);
            } catch (IOException | IllegalArgumentException e) {
                throw new StartupFailure("cannot read the data file " + path.toAbsolutePath() + ": " + e
                        + "; check its permissions, or delete it to start afresh", e);
            }
        }
        long visits = parseVisits(path, values.getProperty(VISITS));
        String updatedAt = values.getProperty(UPDATED_AT);
        if (updatedAt != null) {
            try {
                Instant.parse(updatedAt);
            } catch (DateTimeParseException e) {
                throw new StartupFailure("the data file " + path.toAbsolutePath() + " says " + UPDATED_AT + "="
                        + updatedAt + ", which is not an instant such as 2026-02-07T12:00:00Z; fix or remove that line");
            }
        }
        return new DataFile(path, values, visits);
    }

    private static long parseVisits(Path path, String text) throws StartupFailure {
        if (text == null) {
            return 0;
        }
        if (text.matches("\\d{1,18}")) {
            return Long.parseLong(text);
        }
        throw new StartupFailure("the data file " + path.toAbsolutePath() + " says " + VISITS + "=" + text
                + ", which is not a whole number of at least 0; fix that line, or delete the file to count from 0");
    }

    Path path() {
        return path;
    }

    /**
     * Records that {@code version} starts now, and writes the file. A version other than the one
     * that last ran becomes the latest change ("updated from …"); the same version keeps the
     * change recorded before, so a plain restart still shows where this version came from.
     *
     * @return the latest change of version, this one or an earlier one
     */
    synchronized Optional<VersionChange> recordStart(String version, Instant now) throws IOException {
        update(current -> {
            String last = current.getProperty(LAST_VERSION);
            if (last != null && !last.equals(version)) {
                current.setProperty(UPDATED_FROM, last);
                current.setProperty(UPDATED_AT, now.truncatedTo(ChronoUnit.SECONDS).toString());
            }
            current.setProperty(LAST_VERSION, version);
        });
        return lastChange();
    }

    /**
     * Counts one visit and writes the file; the visit stays counted in memory if the write fails.
     *
     * @return the count with this visit, including those the other instance counted meanwhile
     */
    synchronized long countVisit() throws IOException {
        unsaved++;
        visits++;
        update(current -> { });
        return visits;
    }

    synchronized long visits() {
        return visits;
    }

    synchronized Optional<VersionChange> lastChange() {
        String from = values.getProperty(UPDATED_FROM);
        String to = values.getProperty(LAST_VERSION);
        String at = values.getProperty(UPDATED_AT);
        if (from == null || to == null || at == null || from.equals(to)) {
            return Optional.empty();
        }
        return Optional.of(new VersionChange(from, to, Instant.parse(at)));
    }

    synchronized void save() throws IOException {
        update(current -> { });
    }

    /**
     * Under the lock: reads the file as the other instance may have left it, applies {@code change},
     * adds the visits not yet saved, writes. Between the read and the rename nobody else writes, so
     * no visit is lost; {@code unsaved} is cleared only once the rename is done, so none counts twice.
     */
    private void update(Consumer<Properties> change) throws IOException {
        Files.createDirectories(path.toAbsolutePath().getParent());
        try (FileChannel lockChannel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
             FileLock lock = lockChannel.lock()) {
            Properties current = readCurrent();
            long onDisk;
            try {
                onDisk = parseVisits(path, current.getProperty(VISITS));
            } catch (StartupFailure e) {
                throw new IOException(e.getMessage(), e);
            }
            change.accept(current);
            current.setProperty(VISITS, Long.toString(onDisk + unsaved));
            StringWriter text = new StringWriter();
            current.store(text, HEADER);
            writeAtomically(path, text.toString().getBytes(UTF_8));
            values = current;
            visits = onDisk + unsaved;
            unsaved = 0;
        }
    }

    /** The file as it is now; what this instance knew when it is gone (deleted while running). */
    private Properties readCurrent() throws IOException {
        Properties current = new Properties();
        try (Reader in = Files.newBufferedReader(path, UTF_8)) {
            current.load(in);
        } catch (NoSuchFileException e) {
            current.putAll(values);
            current.setProperty(VISITS, "0");
        } catch (IllegalArgumentException e) {
            throw new IOException("cannot read the data file " + path.toAbsolutePath() + ": " + e, e);
        }
        return current;
    }

    /** Temporary file in the same folder (so the rename cannot cross filesystems), fsync, rename, fsync folder. */
    static void writeAtomically(Path target, byte[] content) throws IOException {
        Path folder = target.toAbsolutePath().getParent();
        Files.createDirectories(folder);
        Path temp = Files.createTempFile(folder, "." + target.getFileName() + ".", ".tmp");
        try {
            keepPermissions(target, temp);
            try (FileChannel out = FileChannel.open(temp, StandardOpenOption.WRITE)) {
                ByteBuffer buffer = ByteBuffer.wrap(content);
                while (buffer.hasRemaining()) {
                    out.write(buffer);
                }
                out.force(true);
            }
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(temp);
            throw e;
        }
        syncFolder(folder);
    }

    /** A temporary file is private (0600); the file it replaces keeps the mode its owner gave it. */
    private static void keepPermissions(Path target, Path temp) throws IOException {
        if (Files.exists(target) && Files.getFileStore(temp).supportsFileAttributeView(PosixFileAttributeView.class)) {
            Files.setPosixFilePermissions(temp, Files.getPosixFilePermissions(target));
        }
    }

    /** Makes the rename itself durable: without it a power cut can bring the old file back. */
    private static void syncFolder(Path folder) {
        try (FileChannel dir = FileChannel.open(folder, StandardOpenOption.READ)) {
            dir.force(true);
        } catch (IOException e) {
            // Windows cannot open a folder this way; NTFS journals the rename itself.
        }
    }
}
