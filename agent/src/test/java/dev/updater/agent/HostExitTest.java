package dev.updater.agent;

import dev.updater.core.version.ReleaseVersion;
import dev.updater.core.UpdaterException;
import dev.updater.core.home.AgentRecord;
import dev.updater.core.home.UpdateHome;
import dev.updater.core.text.Printable;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HostExitTest {
    private static final Instant STARTED = Instant.parse("2026-02-07T12:00:00.120Z");
    private static final long PID = 4242;

    @TempDir
    Path dir;

    private UpdateHome home;
    private AgentState state;
    private final AtomicInteger exits = new AtomicInteger();
    private HostExit hostExit;

    @BeforeEach
    void home() throws Exception {
        home = new UpdateHome(dir.resolve(".updater"));
        Files.createDirectories(home.requests());
        state = new AgentState(home, Clock.fixed(Instant.parse("2026-02-07T12:05:00Z"), ZoneOffset.UTC), PID, STARTED,
                ReleaseVersion.parse("1.0.0"), "version=", "/opt/app/app.jar", null, List.of("java", "-jar", "app.jar"), "test", "host-1");
        hostExit = new HostExit(home, state, exits::incrementAndGet);
    }

    @Test
    void aRequestNamingThisHost_isObeyed_afterAgentJsonSaysWhy() throws Exception {
        Path request = Files.writeString(home.exitRequest().path(), "{\"reason\":\"1.1.0 is installed\\u001b[2J\","
                + "\"pid\":" + PID + ",\"startedAt\":\"" + STARTED + "\"}");

        hostExit.obeyRequest();

        assertEquals(1, exits.get());
        assertFalse(Files.exists(request));
        AgentRecord record = home.agentRecord().read().orElseThrow();
        assertTrue(record.exiting());
        assertEquals("the updater sidecar asked the host to exit (" + Printable.of("1.1.0 is installed\u001b[2J") + ")",
                record.exitReason());
        assertFalse(record.exitReason().contains("\u001b"), record.exitReason());
    }

    @Test
    void aRequestForTheHostBefore_isRemoved_notObeyed_andAgentJsonIsNotTouched() throws Exception {
        Path request = Files.writeString(home.exitRequest().path(),
                "{\"pid\":" + PID + ",\"startedAt\":\"2026-02-07T11:00:00Z\"}");

        hostExit.obeyRequest();

        assertEquals(0, exits.get());
        assertFalse(Files.exists(request));
        assertFalse(Files.exists(home.agentRecord().path()));
        assertFalse(state.snapshot().exiting());
    }

    @Test
    void noRequest_changesNothing() {
        hostExit.obeyRequest();

        assertEquals(0, exits.get());
        assertFalse(Files.exists(home.agentRecord().path()));
    }

    @Test
    void theShutdownHook_recordsTheHostShutdown_butKeepsTheSidecarsReason() throws Exception {
        hostExit.onShutdown();
        AgentRecord record = home.agentRecord().read().orElseThrow();
        assertTrue(record.exiting());
        assertEquals("host shutdown", record.exitReason());

        Files.writeString(home.exitRequest().path(), "{\"pid\":" + PID + ",\"startedAt\":\"" + STARTED + "\"}");
        HostExit asked = new HostExit(home, newState(), exits::incrementAndGet);
        asked.obeyRequest();
        asked.onShutdown();
        assertEquals("the updater sidecar asked the host to exit",
                home.agentRecord().read().orElseThrow().exitReason());
    }

    private AgentState newState() throws UpdaterException {
        return new AgentState(home, Clock.fixed(Instant.parse("2026-02-07T12:06:00Z"), ZoneOffset.UTC), PID, STARTED,
                ReleaseVersion.parse("1.0.0"), "version=", "/opt/app/app.jar", null, List.of(), "test", "host-1");
    }
}
