package dev.updater.core.home;

import dev.updater.core.ErrorCode;
import dev.updater.core.UpdaterException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HostIdFileTest {
    @TempDir
    Path dir;

    @Test
    void readOrCreate_writesOneRandomIdOnce_asALineOfText_andKeepsIt() throws Exception {
        HostIdFile file = new UpdateHome(dir).hostIdFile();
        assertEquals(dir.resolve("host-id"), file.path());
        assertEquals(Optional.empty(), file.read());

        String id = file.readOrCreate();

        assertTrue(id.matches("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"), id);
        assertArrayEquals((id + "\n").getBytes(StandardCharsets.US_ASCII), Files.readAllBytes(file.path()));
        assertEquals(id, file.readOrCreate());
        assertEquals(Optional.of(id), new UpdateHome(dir).hostIdFile().read());
    }

    @Test
    void anIdKeptByAnEarlierAgent_isReadAsItIs_andTheFileLeftUnchanged() throws Exception {
        Path kept = Files.writeString(dir.resolve("host-id"), "web-17\n");
        byte[] before = Files.readAllBytes(kept);

        assertEquals("web-17", new UpdateHome(dir).hostIdFile().readOrCreate());
        assertArrayEquals(before, Files.readAllBytes(kept));
    }

    @Test
    void aLinkAtItsName_isRefused_andNothingIsWritten() throws Exception {
        Path victim = Files.writeString(dir.resolve("victim"), "not an id\n");
        Files.createSymbolicLink(dir.resolve("host-id"), victim);

        UpdaterException e = assertThrows(UpdaterException.class, () -> new UpdateHome(dir).hostIdFile().readOrCreate());

        assertEquals(ErrorCode.HOME_INSECURE, e.code());
        assertTrue(e.getMessage().startsWith(dir.resolve("host-id") + " is a symbolic link"), e.getMessage());
        assertEquals("not an id\n", Files.readString(victim));
        assertTrue(Files.isSymbolicLink(dir.resolve("host-id")));
    }
}
