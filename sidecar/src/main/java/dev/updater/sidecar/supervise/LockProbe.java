package dev.updater.sidecar.supervise;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Tells whether some process holds a lock file ({@code host.lock}, {@code sidecar.lock}) by trying
 * to take it and letting go at once. The OS drops a lock the instant its process dies, however it
 * dies, so this sees a host's exit at once, even a non-child's or a zombie's (which pid polling
 * cannot). The probe holds the lock for microseconds; the agent and the sidecar retry past it.
 */
public final class LockProbe {
    private LockProbe() {
    }

    public static boolean isHeld(Path lockFile) {
        try (FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.WRITE)) {
            FileLock lock = channel.tryLock();
            if (lock == null) {
                return true;
            }
            lock.release();
            return false;
        } catch (OverlappingFileLockException e) {
            return true; // this very JVM holds it
        } catch (NoSuchFileException e) {
            return false;
        } catch (IOException e) {
            return false; // unreadable: no one we could be waiting for holds it through this path
        }
    }
}
