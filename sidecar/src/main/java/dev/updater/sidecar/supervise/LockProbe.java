package dev.updater.sidecar.supervise;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Tells whether some process holds a lock file ({@code host.lock}, {@code sidecar.lock}) by trying
 * to take it and letting go at once. The OS drops a lock the instant its process dies, however it
 * dies, so this sees a host's exit at once, even a non-child's or a zombie's (which pid polling
 * cannot). The probe holds the lock for microseconds; the agent and the sidecar retry past it.
 *
 * <p>Only a missing file or a lock actually taken means "free". Any other error (a lock file of
 * another user, mode 0600, on a volume shared by containers; a read-only mount) says nothing about
 * the holder: it is {@link State#UNKNOWN}, and callers act on nothing then. Threat: read as "free",
 * it made {@code watch} quarantine a good release and {@code apply} swap under a live host. Where the
 * file cannot be opened for writing but can be read (a read-only mount), a shared lock probes it: it
 * cannot be taken while the agent holds its exclusive one.
 *
 * <pre>{@code
 * LockProbe.Probe probe = LockProbe.probe(home.hostLock());
 * if (probe.state() == LockProbe.State.UNKNOWN) { log(probe.sentence("the host")); }
 * }</pre>
 */
public final class LockProbe {
    private LockProbe() {
    }

    /** What a probe found. */
    public enum State {
        /** Another process holds the lock (or this very JVM does). */
        HELD,
        /** The lock was taken and released at once, or the file does not exist. */
        FREE,
        /** The file could not be probed; who holds it cannot be told. */
        UNKNOWN
    }

    /**
     * @param file the lock file probed
     * @param state what the probe found
     * @param problem the error that made it {@link State#UNKNOWN}, else null
     */
    public record Probe(Path file, State state, String problem) {
        public boolean held() {
            return state == State.HELD;
        }

        public boolean free() {
            return state == State.FREE;
        }

        public boolean unknown() {
            return state == State.UNKNOWN;
        }

        /**
         * The first sentence for an {@link State#UNKNOWN} probe: {@code Cannot tell whether the host is
         * running: /h/host.lock cannot be locked (permission denied)}.
         */
        public String sentence(String holder) {
            return "Cannot tell whether " + holder + " is running: " + file + " cannot be locked (" + problem + ")";
        }
    }

    /** Probes {@code lockFile}. */
    public static Probe probe(Path lockFile) {
        try (FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS)) {
            return take(lockFile, channel, false);
        } catch (NoSuchFileException e) {
            return new Probe(lockFile, State.FREE, null); // no host ever locked it here
        } catch (OverlappingFileLockException e) {
            return new Probe(lockFile, State.HELD, null); // this very JVM holds it
        } catch (AccessDeniedException e) {
            return probeReadOnly(lockFile, e);
        } catch (FileSystemException e) {
            return "Read-only file system".equals(e.getReason()) ? probeReadOnly(lockFile, e) : unknown(lockFile, e);
        } catch (IOException e) {
            return unknown(lockFile, e);
        }
    }

    /** Not writable here: a shared lock on a read-only channel conflicts with the holder's exclusive one all the same. */
    private static Probe probeReadOnly(Path lockFile, IOException writeError) {
        try (FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)) {
            return take(lockFile, channel, true);
        } catch (NoSuchFileException e) {
            return new Probe(lockFile, State.FREE, null);
        } catch (OverlappingFileLockException e) {
            return new Probe(lockFile, State.HELD, null);
        } catch (IOException e) {
            return unknown(lockFile, writeError);
        }
    }

    private static Probe take(Path lockFile, FileChannel channel, boolean shared) throws IOException {
        FileLock lock = channel.tryLock(0, Long.MAX_VALUE, shared);
        if (lock == null) {
            return new Probe(lockFile, State.HELD, null);
        }
        lock.release();
        return new Probe(lockFile, State.FREE, null);
    }

    private static Probe unknown(Path lockFile, IOException e) {
        String problem = e instanceof AccessDeniedException ? "permission denied"
                : e instanceof FileSystemException fs && fs.getReason() != null ? fs.getReason()
                : e.toString();
        return new Probe(lockFile, State.UNKNOWN, problem);
    }
}
