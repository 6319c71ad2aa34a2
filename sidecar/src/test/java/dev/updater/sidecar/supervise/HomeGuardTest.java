package dev.updater.sidecar.supervise;

import dev.updater.core.ErrorCode;
import dev.updater.core.UpdaterException;
import dev.updater.core.home.UpdateHome;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class HomeGuardTest {
    @TempDir
    Path dir;

    @Test
    void open_createsAMissingHomeForTheOperatorOnly() throws Exception {
        UpdateHome home = HomeGuard.open(dir.resolve("a/b/home"));
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(home.dir())));
    }

    @Test
    void aHomeWritableByOthers_isRefused_withTheCommandThatFixesIt() throws Exception {
        Path home = Files.createDirectory(dir.resolve("home"));
        Files.setPosixFilePermissions(home, PosixFilePermissions.fromString("rwxrwxrwx"));

        UpdaterException e = assertThrows(UpdaterException.class, () -> HomeGuard.open(home));

        assertEquals(ErrorCode.HOME_INSECURE, e.code());
        assertEquals("The update home " + home + " is writable by others (rwxrwxrwx), so they could make this sidecar"
                + " install anything; run 'chmod 700 " + home + "' and start again.", e.getMessage());
    }

    @Test
    void aHomeWritableByItsGroup_isRefused() throws Exception {
        Path home = Files.createDirectory(dir.resolve("home"));
        Files.setPosixFilePermissions(home, PosixFilePermissions.fromString("rwxrwx---"));

        UpdaterException e = assertThrows(UpdaterException.class, () -> HomeGuard.check(new UpdateHome(home)));

        assertEquals("The update home " + home + " is writable by its group (rwxrwx---), so they could make this"
                + " sidecar install anything; run 'chmod 700 " + home + "' and start again.", e.getMessage());
    }

    @Test
    void aHomeReadableByOthers_isAccepted() throws Exception {
        Path home = Files.createDirectory(dir.resolve("home"));
        Files.setPosixFilePermissions(home, PosixFilePermissions.fromString("rwxr-xr-x"));
        HomeGuard.check(new UpdateHome(home));
    }

    @Test
    void aTargetOnTheHomesFilesystem_passesTheCheck() throws Exception {
        Path home = Files.createDirectory(dir.resolve("home"));
        Path target = Files.writeString(dir.resolve("app.jar"), "x");
        HomeGuard.checkSameFileSystem(new UpdateHome(home), target);
    }

    @Test
    void aTargetOnAnotherFilesystem_isRefused() throws Exception {
        Path home = Files.createDirectory(dir.resolve("home"));
        Path shm = Path.of("/dev/shm");
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isWritable(shm)
                && !Files.getFileStore(shm).equals(Files.getFileStore(home)), "needs /dev/shm on another filesystem");
        Path target = Files.createTempFile(shm, "app", ".jar");
        try {
            UpdaterException e = assertThrows(UpdaterException.class,
                    () -> HomeGuard.checkSameFileSystem(new UpdateHome(home), target));
            assertEquals(ErrorCode.FILESYSTEM_MISMATCH, e.code());
            assertEquals("The update home " + home + " (" + Files.getFileStore(home) + ") and the target " + target
                    + " (" + Files.getFileStore(shm) + ") are on different filesystems; put the home on the target's"
                    + " filesystem (for Kubernetes, on the same volume) so backups and swaps stay atomic.", e.getMessage());
        } finally {
            Files.deleteIfExists(target);
        }
    }
}
