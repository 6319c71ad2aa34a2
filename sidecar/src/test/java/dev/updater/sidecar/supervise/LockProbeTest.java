package dev.updater.sidecar.supervise;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** In process; a lock of another process and one this user may not open are in {@code HostLockUnreadableIT}. */
class LockProbeTest {
    @TempDir
    Path dir;

    @Test
    void aMissingLockFile_isFree() {
        Path lock = dir.resolve("host.lock");

        assertEquals(new LockProbe.Probe(lock, LockProbe.State.FREE, null), LockProbe.probe(lock));
    }

    @Test
    void aLockNobodyHolds_isFree_andTheProbeLetsGoOfIt() throws Exception {
        Path lock = Files.createFile(dir.resolve("host.lock"));

        assertEquals(LockProbe.State.FREE, LockProbe.probe(lock).state());

        try (FileChannel channel = FileChannel.open(lock, StandardOpenOption.WRITE); FileLock taken = channel.tryLock()) {
            assertTrue(taken != null && taken.isValid(), "the probe released the lock");
        }
    }

    @Test
    void aLockHeld_isHeld() throws Exception {
        Path lock = Files.createFile(dir.resolve("host.lock"));
        try (FileChannel channel = FileChannel.open(lock, StandardOpenOption.WRITE); FileLock held = channel.lock()) {
            assertTrue(held.isValid());

            assertEquals(new LockProbe.Probe(lock, LockProbe.State.HELD, null), LockProbe.probe(lock));
        }
    }

    @Test
    void aLockFileThatCannotBeOpened_isUnknown_notFree() throws Exception {
        Path lock = Files.createDirectory(dir.resolve("host.lock"));

        LockProbe.Probe probe = LockProbe.probe(lock);

        assertEquals(new LockProbe.Probe(lock, LockProbe.State.UNKNOWN, "Is a directory"), probe);
        assertEquals("Cannot tell whether the host is running: " + lock + " cannot be locked (Is a directory)",
                probe.sentence("the host"));
    }

    @Test
    void aLockFileBeneathAFile_isUnknown_notFree() throws Exception {
        Path lock = Files.createFile(dir.resolve("home")).resolve("host.lock");

        assertEquals(new LockProbe.Probe(lock, LockProbe.State.UNKNOWN, "Not a directory"), LockProbe.probe(lock));
    }
}
