package dev.updater.sidecar.supervise;

import dev.updater.core.ErrorCode;
import dev.updater.core.UpdaterException;
import dev.updater.core.home.UpdateHome;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
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
}
