package dev.updater.demo;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.IOException;
import java.io.Reader;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.Optional;
import java.util.Properties;

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
 */
final class DataFile {
    static final String VISITS = "visits";
    static final String LAST_VERSION = "last-version";
    static final String UPDATED_FROM = "updated-from";
    static final String UPDATED_AT = "updated-at";

    private static final String HEADER =
            " demo-app data: written atomically by demo-app; edit it only while demo-app is stopped";

    private final Path path;
    private final Properties values;
    private long visits;

    private DataFile(Path path, Properties values, long visits) {
        this.path = path;
        this.values = values;
        this.visits = visits;
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
        String last = values.getProperty(LAST_VERSION);
        if (last != null && !last.equals(version)) {
            values.setProperty(UPDATED_FROM, last);
            values.setProperty(UPDATED_AT, now.truncatedTo(ChronoUnit.SECONDS).toString());
        }
        values.setProperty(LAST_VERSION, version);
        write();
        return lastChange();
    }

    /** Counts one visit and writes the file; the visit stays counted in memory if the write fails. */
    synchronized long countVisit() throws IOException {
        visits++;
        write();
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
        write();
    }

    private void write() throws IOException {
        values.setProperty(VISITS, Long.toString(visits));
        StringWriter text = new StringWriter();
        values.store(text, HEADER);
        writeAtomically(path, text.toString().getBytes(UTF_8));
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
