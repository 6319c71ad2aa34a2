package dev.updater.agent.host;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ExitRequestTest {
    private static final Instant STARTED = Instant.parse("2026-02-07T12:00:00.120Z");

    @TempDir
    Path dir;

    private static ExitRequest parse(String json) {
        return ExitRequest.parse(json.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void aRequestNamingThisPidAndStart_isForThisHost() {
        ExitRequest request = parse("{\"reason\" : \"1.1.0 is installed\", \"requestedAt\" : \"2026-02-07T12:05:00Z\","
                + " \"pid\" : 1, \"startedAt\" : \"2026-02-07T12:00:00.120Z\"}");

        assertEquals(new ExitRequest(1, STARTED, "1.1.0 is installed"), request);
        assertTrue(request.isFor(1, STARTED));
    }

    @Test
    void theSamePidWithAnotherStart_isForTheHostBefore_notThisOne() {
        ExitRequest stale = parse("{\"pid\" : 1, \"startedAt\" : \"2026-02-07T11:00:00Z\"}");

        assertFalse(stale.isFor(1, STARTED));
        assertEquals("pid 1 started at 2026-02-07T11:00:00Z", stale.describeHost());
    }

    @Test
    void aRequestNamingNoHostFully_isForNone() {
        assertFalse(parse("{\"reason\" : \"exit\"}").isFor(1, STARTED));
        assertFalse(parse("{\"pid\" : 1}").isFor(1, STARTED));
        assertFalse(parse("{\"pid\" : 1, \"startedAt\" : \"yesterday\"}").isFor(1, STARTED));
        assertFalse(parse("{\"pid\" : \"one\", \"startedAt\" : \"2026-02-07T12:00:00.120Z\"}").isFor(1, STARTED));
        assertFalse(parse("not json").isFor(1, STARTED));
        assertFalse(parse("[1]").isFor(1, STARTED));
        assertEquals("pid -1, no start time", parse("{}").describeHost());
    }

    @Test
    void take_readsAndRemovesTheRequest_andIsEmptyWithoutOne() throws Exception {
        Path file = Files.writeString(dir.resolve("exit.json"), "{\"pid\" : 7, \"startedAt\" : \"2026-02-07T12:00:00.120Z\"}");

        assertEquals(Optional.of(new ExitRequest(7, STARTED, null)), ExitRequest.take(file));
        assertFalse(Files.exists(file));
        assertEquals(Optional.empty(), ExitRequest.take(file));
    }
}
