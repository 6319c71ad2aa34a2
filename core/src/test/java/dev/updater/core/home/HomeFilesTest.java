package dev.updater.core.home;

import dev.updater.core.ErrorCode;
import dev.updater.core.UpdaterException;
import dev.updater.core.testing.ChildProcess;
import dev.updater.core.testing.PosixModes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

class HomeFilesTest {
    @TempDir
    Path dir;

    @Test
    void open_aSymbolicLink_isRefused_andItsDestinationIsNeverOpened() throws Exception {
        Path victim = Files.writeString(dir.resolve("victim.txt"), "precious");
        Files.setLastModifiedTime(victim, FileTime.from(Instant.parse("2020-01-01T00:00:00Z")));
        Path link = Files.createSymbolicLink(dir.resolve("sidecar.lock"), victim);

        UpdaterException e = assertThrows(UpdaterException.class, () -> HomeFiles.open(link,
                StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING));

        assertEquals(ErrorCode.HOME_INSECURE, e.code());
        assertEquals(link + " is a symbolic link to " + victim + "; the update home's files are plain files, and a"
                + " link could send updater's writes to any file. Nothing was opened through it. Remove it (rm " + link
                + ") and find out who planted it.", e.getMessage());
        assertEquals("precious", Files.readString(victim));
        assertEquals(FileTime.from(Instant.parse("2020-01-01T00:00:00Z")), Files.getLastModifiedTime(victim));
    }

    @Test
    @DisabledOnOs(value = OS.WINDOWS, disabledReason = "named pipes made by mkfifo(1) are POSIX")
    void read_aFifo_isRefusedAtOnce_insteadOfBlockingForAWriter() throws Exception {
        Path fifo = dir.resolve("agent.json");
        ChildProcess.Finished mkfifo = ChildProcess.run(List.of("mkfifo", fifo.toString()), Duration.ofSeconds(10));
        assertEquals(0, mkfifo.exitCode(), mkfifo.toString());

        UpdaterException e = assertTimeoutPreemptively(Duration.ofSeconds(5),
                () -> assertThrows(UpdaterException.class, () -> HomeFiles.read(fifo, 1024)));

        assertEquals(ErrorCode.HOME_INSECURE, e.code());
        assertEquals(fifo + " is not a regular file (a FIFO, socket or device); the update home's files are plain"
                + " files. Remove it (rm -r " + fifo + ") and start again.", e.getMessage());
    }

    @Test
    void read_aPlainFile_returnsItsBytes_andAMissingOneIsEmpty() throws Exception {
        Path file = Files.writeString(dir.resolve("host-id"), "web-17\n");
        assertArrayEquals("web-17\n".getBytes(StandardCharsets.US_ASCII), HomeFiles.read(file, 1024).orElseThrow());
        assertEquals(Optional.empty(), HomeFiles.read(dir.resolve("missing"), 1024));
    }

    @Test
    void read_aFileLargerThanAllowed_isRefused() throws Exception {
        Path file = Files.write(dir.resolve("agent.json"), new byte[2048]);
        UpdaterException e = assertThrows(UpdaterException.class, () -> HomeFiles.read(file, 1024));
        assertEquals(ErrorCode.RECORD_MALFORMED, e.code());
        assertEquals(file + " is 2048 bytes, more than the 1024 a file of the update home may hold; it is not"
                + " updater's. Move it away.", e.getMessage());
    }

    @Test
    void open_aPlainFile_works() throws Exception {
        Path file = dir.resolve("history.jsonl");
        try (FileChannel channel = HomeFiles.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
            channel.write(java.nio.ByteBuffer.wrap("x".getBytes(StandardCharsets.US_ASCII)));
        }
        assertEquals("x", Files.readString(file));
    }

    @Test
    void refuseLinksOnTheWay_aVersionFolderThatIsALink_isRefused() throws Exception {
        UpdateHome home = new UpdateHome(Files.createDirectory(dir.resolve("home")));
        Path elsewhere = Files.createDirectories(dir.resolve("elsewhere"));
        Files.writeString(elsewhere.resolve("app.jar"), "not a release");
        Files.createDirectories(home.releases());
        Files.createSymbolicLink(home.release("1.1.0"), elsewhere);
        Path file = home.release("1.1.0").resolve("app.jar");

        UpdaterException e = assertThrows(UpdaterException.class, () -> HomeFiles.refuseLinksOnTheWay(home, file));

        assertEquals(ErrorCode.HOME_INSECURE, e.code());
        assertEquals(file + " is reached through a symbolic link (its folder is really " + elsewhere.toRealPath()
                + "); the update home's folders are plain directories. Remove the link and start again.", e.getMessage());
        HomeFiles.refuseLinksOnTheWay(home, Files.createDirectories(home.release("1.2.0")).resolve("app.jar"));
    }

    @Test
    void createPrivateDirectories_makesEachMissingFolderOwnerOnly_whateverTheUmask() throws Exception {
        PosixModes.assumeSupported(dir);
        Path created = HomeFiles.createPrivateDirectories(dir.resolve("home/releases/1.1.0"));
        for (Path p : new Path[] {dir.resolve("home"), dir.resolve("home/releases"), created}) {
            assertEquals("rwx------", PosixModes.of(p), p.toString());
        }
    }
}
