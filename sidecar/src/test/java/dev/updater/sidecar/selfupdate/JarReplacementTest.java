package dev.updater.sidecar.selfupdate;

import dev.updater.core.ErrorCode;
import dev.updater.core.UpdaterException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

class JarReplacementTest {
    @TempDir
    Path dir;

    @Test
    void replaceAll_replacesEachJar_keepingTheOldOneAsPrevious() throws Exception {
        Path agent = Files.writeString(dir.resolve("updater.jar"), "old agent");
        Path sidecar = Files.writeString(dir.resolve("updater-sidecar.jar"), "old sidecar");
        Path work = Files.createDirectory(dir.resolve(".work"));

        JarReplacement.replaceAll(List.of(
                new JarReplacement.Swap(agent, Files.writeString(work.resolve("a"), "new agent")),
                new JarReplacement.Swap(sidecar, Files.writeString(work.resolve("s"), "new sidecar"))));

        assertEquals("new agent", Files.readString(agent));
        assertEquals("new sidecar", Files.readString(sidecar));
        assertEquals("old agent", Files.readString(dir.resolve("updater.jar.previous")));
        assertEquals("old sidecar", Files.readString(dir.resolve("updater-sidecar.jar.previous")));
    }

    @Test
    void aFailedSecondReplacement_putsTheFirstBack_andReportsTheOriginalError() throws Exception {
        Path agent = Files.writeString(dir.resolve("updater.jar"), "old agent");
        Path sidecar = Files.writeString(dir.resolve("updater-sidecar.jar"), "old sidecar");
        Path work = Files.createDirectory(dir.resolve(".work"));
        Path missing = work.resolve("gone"); // the new sidecar jar vanished: its rename cannot happen

        UpdaterException e = assertThrows(UpdaterException.class, () -> JarReplacement.replaceAll(List.of(
                new JarReplacement.Swap(agent, Files.writeString(work.resolve("a"), "new agent")),
                new JarReplacement.Swap(sidecar, missing))));

        assertEquals(ErrorCode.IO, e.code());
        assertEquals("Could not replace " + sidecar + ": " + e.getCause() + "; the jars replaced before it were put"
                + " back from their .previous backups, so the old updater is installed as it was. Check that the folder"
                + " is writable by this user and has free space.", e.getMessage());
        assertEquals("old agent", Files.readString(agent));
        assertEquals("old sidecar", Files.readString(sidecar));
        assertFalse(Files.exists(dir.resolve(".updater.jar.restore.tmp")), "no temporary file left");
    }
}
