package dev.updater.sidecar.supervise;

import dev.updater.core.ErrorCode;
import dev.updater.core.UpdaterException;
import dev.updater.core.home.HomeOwnership;
import dev.updater.core.home.UpdateHome;
import dev.updater.core.testing.OtherUser;
import dev.updater.core.testing.PosixModes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HomeGuardTest {
    @TempDir
    Path dir;

    @Test
    void open_createsAMissingHomeForTheOperatorOnly() throws Exception {
        PosixModes.assumeSupported(dir);
        HomeOwnership ownership = HomeGuard.open(dir.resolve("a/b/home"), false);
        assertEquals("rwx------", PosixModes.of(dir.resolve("a/b/home")));
        assertTrue(ownership.ownedByThisProcess());
    }

    @Test
    void aHomeWritableByOthers_isRefused_withTheCommandThatFixesIt() throws Exception {
        PosixModes.assumeSupported(dir);
        Path home = PosixModes.set(Files.createDirectory(dir.resolve("home")), "rwxrwxrwx");

        UpdaterException e = assertThrows(UpdaterException.class, () -> HomeGuard.open(home, false));

        assertEquals(ErrorCode.HOME_INSECURE, e.code());
        assertEquals("The update home " + home + " is writable by others (rwxrwxrwx), so they could make updater"
                + " install anything; run 'chmod 700 " + home + "' and start again.", e.getMessage());
    }

    @Test
    void aHomeWritableByItsGroup_isRefused() throws Exception {
        PosixModes.assumeSupported(dir);
        Path home = PosixModes.set(Files.createDirectory(dir.resolve("home")), "rwxrwx---");

        UpdaterException e = assertThrows(UpdaterException.class, () -> HomeGuard.check(new UpdateHome(home), false));

        assertEquals("The update home " + home + " is writable by its group (rwxrwx---), so they could make"
                + " updater install anything; run 'chmod 700 " + home + "' and start again.", e.getMessage());
    }

    @Test
    void aHomeReadableByOthers_isAccepted() throws Exception {
        PosixModes.assumeSupported(dir);
        Path home = PosixModes.set(Files.createDirectory(dir.resolve("home")), "rwxr-xr-x");
        HomeGuard.check(new UpdateHome(home), false);
    }

    @Test
    void aHomeOfAnotherUser_isRefused_evenToRoot_sayingHowToActOnItAnyway() throws Exception {
        OtherUser.assumeRoot();
        Path home = OtherUser.give(Files.createDirectory(dir.resolve("home")));
        String nobody = OtherUser.name(home);

        UpdaterException e = assertThrows(UpdaterException.class, () -> HomeGuard.check(new UpdateHome(home), false));

        assertEquals(ErrorCode.HOME_OTHER_OWNER, e.code());
        assertEquals("The update home " + home + " belongs to " + nobody + " (uid 65534), not to root (uid 0), who runs"
                + " this command: its records and staged files are that user's word, and acting on them with your"
                + " rights would let that user choose what is read, written and installed. Run the command as "
                + nobody + " (sudo -u " + nobody + " updater-sidecar ...), or pass --allow-other-owner if you mean to"
                + " act on it.", e.getMessage());
    }

    @Test
    void aHomeOfAnotherUser_isAccepted_withAllowOtherOwner_andKnownAsNotOurs() throws Exception {
        OtherUser.assumeRoot();
        Path home = OtherUser.give(Files.createDirectory(dir.resolve("home")));

        HomeOwnership ownership = HomeGuard.check(new UpdateHome(home), true);

        assertFalse(ownership.ownedByThisProcess());
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
