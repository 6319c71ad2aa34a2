package dev.updater.sidecar.channel;

import dev.updater.core.home.AtomicFiles;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;

/**
 * Writes a release's new content-addressed objects ({@code objects/<sha256>}) into the channel, each
 * durably before the index that names them: temp file, fsync, rename; then one fsync of the folder for
 * them all. A fat jar has thousands of entries, and an fsync of each file and of the folder after each
 * rename, one after the other, made publishing wait on the disk for tens of seconds (2,138 objects:
 * 28 s wall for 10 s of CPU). Here a few threads write at once, so the file system commits their
 * fsyncs together, and the folder is fsynced once. Bytes in flight are bounded.
 */
final class ObjectBatch implements AutoCloseable {
    private static final int THREADS = 4;
    private static final int MAX_BYTES_IN_FLIGHT = 64 << 20;

    private final Path objects;
    private final ExecutorService pool = Executors.newFixedThreadPool(THREADS, task -> {
        Thread thread = new Thread(task, "updater-publish-objects");
        thread.setDaemon(true);
        return thread;
    });
    private final Semaphore inFlight = new Semaphore(MAX_BYTES_IN_FLIGHT);
    private final Set<Path> added = new HashSet<>();
    private final List<Future<?>> writes = new ArrayList<>();

    ObjectBatch(Path objects) {
        this.objects = objects;
    }

    /** Whether {@code name} must still be written: not in the channel, and not added to this batch. */
    boolean lacks(String name) {
        Path file = objects.resolve(name);
        return !added.contains(file) && !Files.exists(file, LinkOption.NOFOLLOW_LINKS);
    }

    /** Writes {@code bytes} as object {@code name} on one of the batch's threads. */
    void add(String name, byte[] bytes) throws IOException {
        Path file = objects.resolve(name);
        if (!added.add(file)) {
            return;
        }
        int permits = Math.min(Math.max(bytes.length, 1), MAX_BYTES_IN_FLIGHT);
        try {
            inFlight.acquire(permits);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while writing objects into " + objects, e);
        }
        writes.add(pool.submit(() -> {
            try {
                writeDurably(file, bytes);
            } finally {
                inFlight.release(permits);
            }
            return null;
        }));
    }

    /** Waits for every write; the first failure is thrown. Then fsyncs the folder once. */
    @Override
    public void close() throws IOException {
        pool.shutdown();
        IOException failure = null;
        for (Future<?> write : writes) {
            try {
                write.get();
            } catch (ExecutionException e) {
                if (failure == null) {
                    failure = e.getCause() instanceof IOException io ? io : new IOException(e.getCause());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                failure = failure != null ? failure : new IOException("interrupted while writing objects", e);
            }
        }
        if (failure != null) {
            throw failure;
        }
        if (!writes.isEmpty()) {
            AtomicFiles.fsyncDirectory(objects);
        }
    }

    private static void writeDurably(Path target, byte[] bytes) throws IOException {
        Path temp = Files.createTempFile(target.getParent(), "." + target.getFileName() + ".", ".tmp");
        try {
            ChannelFiles.makeReadable(temp);
            try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE)) {
                ByteBuffer buffer = ByteBuffer.wrap(bytes);
                while (buffer.hasRemaining()) {
                    channel.write(buffer);
                }
                channel.force(true);
            }
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(temp);
        }
    }
}
