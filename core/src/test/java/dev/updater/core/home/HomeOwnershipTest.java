package dev.updater.core.home;

import dev.updater.core.ErrorCode;
import dev.updater.core.UpdaterException;
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

class HomeOwnershipTest {
    @TempDir
    Path dir;

    private UpdateHome home() throws Exception {
        return new UpdateHome(PosixModes.setWhereSupported(Files.createDirectory(dir.resolve("home")), "rwx------"));
    }

    @Test
    void aHomeOfThisProcessUser_isItsOwn() throws Exception {
        HomeOwnership ownership = HomeOwnership.check(home());
        assertTrue(ownership.ownedByThisProcess());
        assertEquals(ownership.user(), ownership.owner());
    }

    @Test
    void aHomeOfAnotherUser_isNotItsOwn() throws Exception {
        OtherUser.assumeRoot();
        UpdateHome home = home();
        OtherUser.give(home.dir());

        HomeOwnership ownership = HomeOwnership.check(home);

        assertFalse(ownership.ownedByThisProcess());
        assertEquals(new HomeOwnership.User(OtherUser.UID, OtherUser.name(home.dir())), ownership.owner());
        assertEquals(new HomeOwnership.User(0, "root"), ownership.user());
    }

    @Test
    void aFolderGoneAfterItWasListed_isSkipped_notReadAsAMissingHome() throws Exception {
        UpdateHome home = home();
        HomeOwnership.User owner = HomeOwnership.check(home).owner();
        Path gone = home.dir().resolve("releases/1.1.0"); // listed, then deleted by the sidecar's clean-up

        UpdaterException e = assertThrows(UpdaterException.class, () -> HomeOwnership.checkFolder(gone, home.dir(), owner));

        assertTrue(e.getCause() instanceof java.nio.file.NoSuchFileException, e.toString());
    }

    @Test
    void releaseFoldersComingAndGoing_neverFailTheCheck() throws Exception {
        UpdateHome home = home();
        Path releases = Files.createDirectory(home.dir().resolve("releases"));
        java.util.concurrent.atomic.AtomicBoolean done = new java.util.concurrent.atomic.AtomicBoolean();
        Thread cleanUp = new Thread(() -> { // a sidecar staging and deleting release folders meanwhile
            try {
                for (int i = 0; !done.get(); i++) {
                    Path folder = Files.createDirectory(releases.resolve("1.0." + i));
                    Files.delete(folder);
                }
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        cleanUp.start();
        try {
            for (int i = 0; i < 3000; i++) {
                assertTrue(HomeOwnership.check(home).ownedByThisProcess());
            }
        } finally {
            done.set(true);
            cleanUp.join();
        }
    }

    @Test
    void aSymlinkedHome_isRefused() throws Exception {
        UpdateHome real = home();
        Path link = Files.createSymbolicLink(dir.resolve("link"), real.dir());

        UpdaterException e = assertThrows(UpdaterException.class, () -> HomeOwnership.check(new UpdateHome(link)));

        assertEquals(ErrorCode.HOME_INSECURE, e.code());
        assertEquals("The update home " + link + " is a symbolic link (to " + real.dir() + "); whoever can change the"
                + " link decides where updater works. Give the real directory as the home.", e.getMessage());
    }

    @Test
    void aFolderThatIsASymbolicLink_isRefused() throws Exception {
        UpdateHome home = home();
        Path elsewhere = Files.createDirectory(dir.resolve("elsewhere"));
        Files.createSymbolicLink(home.requests(), elsewhere);

        UpdaterException e = assertThrows(UpdaterException.class, () -> HomeOwnership.check(home));

        assertEquals(ErrorCode.HOME_INSECURE, e.code());
        assertEquals("The folder " + home.requests() + " of the update home is a symbolic link (to " + elsewhere
                + "); the home's folders are plain directories, and a link could send updater's writes anywhere."
                + " Remove it (rm " + home.requests() + ") and start again.", e.getMessage());
    }

    @Test
    void aGroupWritableVersionFolder_isRefused() throws Exception {
        PosixModes.assumeSupported(dir);
        UpdateHome home = home();
        Path version = PosixModes.set(Files.createDirectories(home.release("1.1.0")), "rwxrwxr-x");

        UpdaterException e = assertThrows(UpdaterException.class, () -> HomeOwnership.check(home));

        assertEquals(ErrorCode.HOME_INSECURE, e.code());
        assertEquals("The folder " + version + " of the update home is writable by its group (rwxrwxr-x), so they"
                + " could make updater install anything; run 'chmod 700 " + version + "' and start again.", e.getMessage());
    }

    @Test
    void aFolderOfAnotherUser_isRefused() throws Exception {
        OtherUser.assumeRoot();
        UpdateHome home = home();
        Path backups = OtherUser.give(Files.createDirectory(home.backups()));

        UpdaterException e = assertThrows(UpdaterException.class, () -> HomeOwnership.check(home));

        assertEquals(ErrorCode.HOME_INSECURE, e.code());
        assertEquals("The folder " + backups + " of the update home belongs to " + OtherUser.name(backups)
                + " (uid 65534), not to the home's owner root (uid 0), who alone may write the home; run 'chown -R root "
                + home.dir() + "' and start again.", e.getMessage());
    }

    @Test
    void aHomeThatIsAFile_isUnusable() throws Exception {
        Path file = Files.writeString(dir.resolve("home"), "x");
        UpdaterException e = assertThrows(UpdaterException.class, () -> HomeOwnership.check(new UpdateHome(file)));
        assertEquals(ErrorCode.HOME_UNUSABLE, e.code());
        assertEquals("The update home " + file + " is not a directory; give the home a directory.", e.getMessage());
    }
}
