package dev.updater.sidecar.supervise;

import dev.updater.core.ErrorCode;
import dev.updater.core.UpdaterException;
import dev.updater.core.home.UpdateHome;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.OptionalLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class SidecarLockTest {
    @TempDir
    Path dir;

    @Test
    void theHolderWritesItsPid_andASecondAcquireFailsNamingIt() throws Exception {
        UpdateHome home = new UpdateHome(dir);
        long self = ProcessHandle.current().pid();
        SidecarLock lock = SidecarLock.acquire(home);
        try {
            assertEquals(self + "\n", Files.readString(home.sidecarLock()));
            assertEquals(OptionalLong.of(self), SidecarLock.holder(home));

            UpdaterException e = assertThrows(UpdaterException.class, () -> SidecarLock.acquire(home));

            assertEquals(ErrorCode.SIDECAR_RUNNING, e.code());
            assertEquals("Another sidecar (pid " + self + ") already runs on the update home " + dir
                    + "; stop it first, or give this one another --home.", e.getMessage());
        } finally {
            lock.close();
        }
        assertEquals(OptionalLong.empty(), SidecarLock.holder(home));
    }

    @Test
    void aSymbolicLinkPlantedAsTheLock_isRefused_andItsDestinationKeepsItsBytesAndTime() throws Exception {
        Path victim = Files.writeString(dir.resolve("passwd"), "root:x:0:0::/root:/bin/sh\n");
        FileTime before = FileTime.from(Instant.parse("2020-01-01T00:00:00Z"));
        Files.setLastModifiedTime(victim, before);
        UpdateHome home = new UpdateHome(Files.createDirectory(dir.resolve("home")));
        Files.createSymbolicLink(home.sidecarLock(), victim);

        UpdaterException e = assertThrows(UpdaterException.class, () -> SidecarLock.acquire(home));

        assertEquals(ErrorCode.HOME_INSECURE, e.code());
        assertEquals(home.sidecarLock() + " is a symbolic link to " + victim + "; the update home's files are plain"
                + " files, and a link could send updater's writes to any file. Nothing was opened through it. Remove it"
                + " (rm " + home.sidecarLock() + ") and find out who planted it.", e.getMessage());
        assertEquals(OptionalLong.empty(), SidecarLock.holder(home), "a link is no sidecar's pid file");
        assertEquals("root:x:0:0::/root:/bin/sh\n", Files.readString(victim));
        assertEquals(before, Files.getLastModifiedTime(victim));
    }
}
