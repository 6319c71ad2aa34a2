package dev.updater.agent.host;

import dev.updater.core.ErrorCode;
import dev.updater.core.UpdaterException;
import dev.updater.core.home.HomeFiles;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.function.Supplier;

/**
 * The lock on {@code host.lock} that the agent holds for the host's whole life. The operating
 * system drops it the instant the process dies, however it dies, so a sidecar that can take it
 * knows the host is gone, without polling a pid. It also keeps two hosts off one home.
 */
public final class HostLock {
    private final FileChannel channel;
    private final FileLock lock;

    private HostLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    /** How long to keep trying: the sidecar takes the lock for an instant to probe whether a host lives. */
    static final Duration PATIENCE = Duration.ofSeconds(2);

    /**
     * @param holder describes the holder, asked only when the lock stays taken
     * @throws UpdaterException {@code HOME_UNUSABLE} when another live process keeps holding it
     */
    public static HostLock acquire(Path file, Supplier<String> holder) throws UpdaterException {
        FileChannel channel = null;
        try {
            // NOFOLLOW: a link planted as host.lock must not make the host create or lock the file it names
            channel = HomeFiles.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            long deadline = System.nanoTime() + PATIENCE.toNanos();
            FileLock lock;
            while ((lock = channel.tryLock()) == null && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            if (lock == null) {
                channel.close();
                throw new UpdaterException(ErrorCode.HOME_UNUSABLE, "Another running JVM with the updater agent holds "
                        + file + " (" + holder.get() + "); this agent stays idle. Give each host its own home=.");
            }
            return new HostLock(channel, lock);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            closeQuietly(channel);
            throw new UpdaterException(ErrorCode.HOME_UNUSABLE, "Interrupted while locking " + file + ".", e);
        } catch (OverlappingFileLockException e) {
            closeQuietly(channel);
            throw new UpdaterException(ErrorCode.HOME_UNUSABLE, "This JVM already runs an updater agent on " + file
                    + "; the second agent stays idle.", e);
        } catch (IOException e) {
            closeQuietly(channel);
            throw new UpdaterException(ErrorCode.HOME_UNUSABLE, "Could not lock " + file + ": " + e
                    + "; check the update home is writable.", e);
        }
    }

    /**
     * Overlap mode ({@code UPDATER_REUSE_PORT=true}): the new host starts while the old one still runs and
     * holds the lock. This agent waits, on its own thread, until the old host exits (the sidecar stops it
     * after the cut-over, or this host is stopped first when its gate fails), then holds the lock as usual.
     */
    public static HostLock awaitFree(Path file, Runnable whenWaiting) throws UpdaterException {
        FileChannel channel = null;
        try {
            channel = HomeFiles.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            FileLock lock = channel.tryLock();
            if (lock == null) {
                whenWaiting.run();
                lock = channel.lock();
            }
            return new HostLock(channel, lock);
        } catch (OverlappingFileLockException e) {
            closeQuietly(channel);
            throw new UpdaterException(ErrorCode.HOME_UNUSABLE, "This JVM already runs an updater agent on " + file
                    + "; the second agent stays idle.", e);
        } catch (IOException e) {
            closeQuietly(channel);
            throw new UpdaterException(ErrorCode.HOME_UNUSABLE, "Could not lock " + file + ": " + e
                    + "; check the update home is writable.", e);
        }
    }

    public boolean isValid() {
        return lock.isValid() && channel.isOpen();
    }

    private static void closeQuietly(FileChannel channel) {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException ignored) {
                // nothing more to release
            }
        }
    }
}
