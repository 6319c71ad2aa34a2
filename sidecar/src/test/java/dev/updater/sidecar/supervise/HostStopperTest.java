package dev.updater.sidecar.supervise;

import dev.updater.core.home.UpdateHome;
import dev.updater.sidecar.testhost.Staging;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/** With real hosts, WatchCommandIT and KillLoopIT; here what needs no process. */
class HostStopperTest {
    @TempDir
    Path dir;

    @Test
    void aHostWithoutAReadableRecord_getsNoExitRequest_thatWouldStopTheNextHostToo() throws Exception {
        UpdateHome home = new UpdateHome(Staging.newHome(dir.resolve("home")));
        List<String> log = new ArrayList<>();
        try (FileChannel channel = FileChannel.open(home.hostLock(), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
             FileLock held = channel.lock()) {

            boolean stopped = new HostStopper(home, Duration.ofMillis(200), Clock.fixed(Instant.parse("2026-03-02T09:30:00Z"), ZoneOffset.UTC), log::add)
                    .stop(null, "a new sidecar takes over this home", () -> false);

            assertFalse(stopped, "the lock is still held");
        }
        assertFalse(Files.exists(home.requests().resolve("exit.json")));
        assertEquals(List.of("the host holding " + home.hostLock() + " left no readable agent record: it can be"
                + " neither asked to exit nor signalled; waiting 200ms for it to exit"), log);
    }
}
