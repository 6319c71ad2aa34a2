package dev.updater.sidecar.supervise;

import dev.updater.core.ErrorCode;
import dev.updater.core.UpdaterException;
import dev.updater.core.home.HomeFiles;
import dev.updater.core.home.UpdateHome;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * {@code sidecar.lock}: one sidecar per home. The running sidecar holds an exclusive lock on it
 * for its whole life (the OS drops it however the process dies) and writes its pid into it for
 * {@code status} and for the message a second sidecar prints.
 */
public final class SidecarLock implements AutoCloseable {
    /** A probe by {@code status} holds the lock for microseconds; a starting sidecar retries past it. */
    private static final int ATTEMPTS = 10;
    private static final long RETRY_MILLIS = 50;

    private final FileChannel channel;
    private final FileLock lock;

    private SidecarLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    /** Takes the lock, or fails naming the sidecar that holds it. */
    public static SidecarLock acquire(UpdateHome home) throws UpdaterException, InterruptedException {
        Path file = home.sidecarLock();
        try {
            // NOFOLLOW: a link planted as sidecar.lock would make the sidecar truncate the file it names
            FileChannel channel = HomeFiles.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
                    StandardOpenOption.WRITE);
            for (int i = 0; i < ATTEMPTS; i++) {
                FileLock lock;
                try {
                    lock = channel.tryLock();
                } catch (OverlappingFileLockException e) {
                    lock = null;
                }
                if (lock != null) {
                    channel.truncate(0);
                    channel.write(ByteBuffer.wrap((ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.US_ASCII)), 0);
                    channel.force(true);
                    return new SidecarLock(channel, lock);
                }
                Thread.sleep(RETRY_MILLIS);
            }
            channel.close();
        } catch (IOException e) {
            throw new UpdaterException(ErrorCode.IO, "Could not lock " + file + ": " + e + "; check that the update"
                    + " home is writable.", e);
        }
        OptionalLong pid = holder(home);
        throw new UpdaterException(ErrorCode.SIDECAR_RUNNING, "Another sidecar" + (pid.isPresent() ? " (pid "
                + pid.getAsLong() + ")" : "") + " already runs on the update home " + home.dir() + "; stop it first,"
                + " or give this one another --home.");
    }

    /** The pid of the sidecar running on {@code home}, or empty when none runs. */
    public static OptionalLong holder(UpdateHome home) {
        if (!LockProbe.probe(home.sidecarLock()).held()) { // unknown: acquire() says why it cannot lock it
            return OptionalLong.empty();
        }
        try {
            Optional<byte[]> bytes = HomeFiles.read(home.sidecarLock(), 64);
            if (bytes.isEmpty()) {
                return OptionalLong.empty();
            }
            String text = new String(bytes.get(), StandardCharsets.US_ASCII).strip();
            return text.isEmpty() ? OptionalLong.of(-1) : OptionalLong.of(Long.parseLong(text));
        } catch (IOException | UpdaterException | NumberFormatException e) {
            return OptionalLong.of(-1);
        }
    }

    /** Lets go of the lock; the OS would at exit anyway. */
    @Override
    public void close() {
        try {
            lock.release();
            channel.close();
        } catch (IOException e) {
            // the process is ending; the OS drops the lock with it
        }
    }
}
