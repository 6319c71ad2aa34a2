package dev.updater.agent.host;

import dev.updater.core.home.AgentRecord;
import dev.updater.core.home.JsonRecords;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

class EarlyRecordTest {
    @TempDir
    Path dir;

    @Test
    void theHandWrittenRecord_isAValidAgentRecord_evenForAwkwardPaths() throws Exception {
        Path file = dir.resolve("agent.json");
        Path target = dir.resolve("my \"odd\" dir\\app\t.jar");
        HostProcess host = new HostProcess(4242, Instant.parse("2026-02-07T12:00:00.5Z"), List.of("java"), "app.jar");

        EarlyRecord.write(file, host, target, "ab".repeat(32));

        AgentRecord record = JsonRecords.read(file, AgentRecord.class).orElseThrow();
        assertEquals(4242, record.pid());
        assertEquals(Instant.parse("2026-02-07T12:00:00.5Z"), record.startedAt());
        assertEquals(target.toString(), record.target());
        assertEquals("ab".repeat(32), record.targetSha256());
        assertNull(record.runningVersion(), "not known yet");
        assertFalse(record.ready());
    }
}
