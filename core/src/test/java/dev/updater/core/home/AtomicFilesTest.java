package dev.updater.core.home;

import dev.updater.core.testing.PosixModes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link AtomicFiles#createDirectories}: what it creates and refuses. That it fsyncs each new
 * directory's parent is not visible from Java; the code says it where it does it.
 */
class AtomicFilesTest {
    @TempDir
    Path dir;

    @Test
    void createDirectories_createsEachMissingLevel_withTheGivenMode() throws Exception {
        PosixModes.assumeSupported(dir);
        Path leaf = dir.resolve("backup/1.0.0");

        assertEquals(leaf, AtomicFiles.createDirectories(leaf,
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------"))));

        assertEquals("rwx------", PosixModes.of(leaf));
        assertEquals("rwx------", PosixModes.of(leaf.getParent()));
    }

    @Test
    void createDirectories_leavesAnExistingDirectoryAsItIs() throws Exception {
        PosixModes.assumeSupported(dir);
        Path existing = PosixModes.set(Files.createDirectories(dir.resolve("releases")), "rwxr-x---");
        Files.writeString(existing.resolve("keep"), "kept");

        AtomicFiles.createDirectories(existing.resolve("1.1.0"));

        assertEquals("rwxr-x---", PosixModes.of(existing));
        assertEquals("kept", Files.readString(existing.resolve("keep")));
        assertTrue(Files.isDirectory(existing.resolve("1.1.0")));
    }

    @Test
    void createDirectories_refusesAFileInTheWay() throws Exception {
        Path file = Files.writeString(dir.resolve("releases"), "not a directory");

        assertThrows(FileAlreadyExistsException.class, () -> AtomicFiles.createDirectories(file));
        assertEquals("not a directory", Files.readString(file));
    }
}
