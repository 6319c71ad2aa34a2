package dev.updater.core.home;

import dev.updater.core.version.ReleaseVersion;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AgentRecordTest {
    private static final Instant T = Instant.parse("2026-11-30T06:00:00Z");

    @TempDir
    Path dir;

    @Test
    void listeners_areWrittenWithTheNamesTheSidecarReads_andReadBack() throws Exception {
        UpdateHome home = new UpdateHome(dir);
        AgentRecord.Listener listener = new AgentRecord.Listener("0.0.0.0", 8080, T, true);
        home.agentRecord().write(new AgentRecord(42, T, ReleaseVersion.parse("1.0.0"), "manifest", "/opt/app.jar",
                null, List.of("java"), "1.0", "h", true, T, null, null, null, null, false, null, T,
                List.of(listener)));

        String json = Files.readString(home.agentRecord().path());
        assertTrue(json.replaceAll("\\s", "").contains(
                "\"listeners\":[{\"address\":\"0.0.0.0\",\"port\":8080,\"boundAt\":\"2026-11-30T06:00:00Z\","
                        + "\"reusePort\":true}]"), json);
        assertEquals(List.of(listener), home.agentRecord().read().orElseThrow().listeners());
    }

    @Test
    void aRecordWrittenBeforeTheField_readsWithNoListeners() throws Exception {
        UpdateHome home = new UpdateHome(dir);
        Files.writeString(home.agentRecord().path(), "{\"pid\":42,\"startedAt\":\"2026-11-30T06:00:00Z\","
                + "\"ready\":false,\"exiting\":false,\"updatedAt\":\"2026-11-30T06:00:00Z\"}", StandardCharsets.UTF_8);

        assertEquals(List.of(), home.agentRecord().read().orElseThrow().listeners());
    }

    @Test
    void theEarlyRecord_hasAnEmptyListOfListeners() throws Exception {
        UpdateHome home = new UpdateHome(dir);
        AgentRecord.writeEarly(home.agentRecord(), 42, T, "/opt/app.jar", null, T);

        assertTrue(Files.readString(home.agentRecord().path()).contains("\"listeners\" : [ ]"));
        assertEquals(List.of(), home.agentRecord().read().orElseThrow().listeners());
    }

    @Test
    void aListenerWithoutAPort_cannotExist() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new AgentRecord.Listener("0.0.0.0", 0, T, false));
        assertEquals("a listener's port is 1 to 65535, got 0", e.getMessage());
    }
}
