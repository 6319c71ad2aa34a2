package dev.updater.agent.host;

import dev.updater.core.ErrorCode;
import dev.updater.core.UpdaterException;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

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

    /**
     * @throws UpdaterException {@code HOME_UNUSABLE} when another live process holds it
     */
    public static HostLock acquire(Path file, String holder) throws UpdaterException {
        FileChannel channel = null;
        try {
            channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            FileLock lock = channel.tryLock();
            if (lock == null) {
                channel.close();
                throw new UpdaterException(ErrorCode.HOME_UNUSABLE, "Another running JVM with the updater agent holds "
                        + file + " (" + holder + "); this agent stays idle. Give each host its own home=.");
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
