package dev.updater.sidecar.log;

import org.junit.jupiter.api.Test;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class SidecarLogTest {
    /** 05:12:03.987 UTC is 06:12:03 in Paris: local time, cut (not rounded) to the second. */
    private static final Clock PARIS = Clock.fixed(Instant.parse("2026-11-30T05:12:03.987Z"), ZoneId.of("Europe/Paris"));

    private final StringWriter out = new StringWriter();

    @Test
    void text_isTheLocalTimeToTheSecond_thenThePrefix_thenTheSentence() {
        SidecarLog log = new SidecarLog(new PrintWriter(out), LogFormat.TEXT, PARIS);

        log.accept("started the host (pid 22725)");
        log.event(LogEvent.warn("host-killed", "the host (pid 22725) did not exit within 2s of SIGTERM; killed it",
                "pid", 22725L));

        assertEquals("2026-11-30 06:12:03 updater-sidecar: started the host (pid 22725)\n"
                + "2026-11-30 06:12:03 updater-sidecar: the host (pid 22725) did not exit within 2s of SIGTERM; killed it\n",
                out.toString());
    }

    @Test
    void json_isOneObjectPerLine_withTimeLevelEventMessageAndFields() {
        SidecarLog log = new SidecarLog(new PrintWriter(out), LogFormat.JSON, PARIS);

        log.event(LogEvent.info("installing", "installing 1.1.0 over 1.0.0 at /opt/app/app.jar", "version", "1.1.0",
                "from", "1.0.0", "target", java.nio.file.Path.of("/opt/app/app.jar"), "pid", 7));
        log.accept("a sentence with no event");

        assertEquals("{\"time\":\"2026-11-30T06:12:03+01:00\",\"level\":\"INFO\",\"event\":\"installing\","
                + "\"message\":\"installing 1.1.0 over 1.0.0 at /opt/app/app.jar\",\"fields\":{\"version\":\"1.1.0\","
                + "\"from\":\"1.0.0\",\"target\":\"/opt/app/app.jar\",\"pid\":7}}\n"
                + "{\"time\":\"2026-11-30T06:12:03+01:00\",\"level\":\"INFO\",\"event\":\"note\","
                + "\"message\":\"a sentence with no event\",\"fields\":{}}\n", out.toString());
    }

    @Test
    void anEscapeSequenceFromARecord_isShownEscaped_inBothFormats() {
        new SidecarLog(new PrintWriter(out), LogFormat.TEXT, PARIS).accept("version 1.1.0\u001b[2J");
        new SidecarLog(new PrintWriter(out), LogFormat.JSON, PARIS).event(LogEvent.info("e", "v\u001b[2J", "v",
                "1.1.0\u001b[2J"));

        assertEquals("2026-11-30 06:12:03 updater-sidecar: version 1.1.0\\e[2J\n"
                + "{\"time\":\"2026-11-30T06:12:03+01:00\",\"level\":\"INFO\",\"event\":\"e\",\"message\":\"v\\\\e[2J\","
                + "\"fields\":{\"v\":\"1.1.0\\\\e[2J\"}}\n", out.toString());
    }

    @Test
    void emit_toAPlainConsumer_givesItTheSentence() {
        List<String> lines = new ArrayList<>();

        SidecarLog.emit(lines::add, LogEvent.info("host-started", "started the host (pid 1)", "pid", 1));

        assertEquals(List.of("started the host (pid 1)"), lines);
    }

    @Test
    void logFormat_parsesTextAndJson_andNamesBothWhenWrong() {
        assertEquals(LogFormat.JSON, LogFormat.parse("json"));
        assertEquals(LogFormat.TEXT, LogFormat.parse("text"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> LogFormat.parse("xml"));
        assertEquals("'xml' is not a log format; use text or json", e.getMessage());
    }
}
