package dev.updater.agent.boot;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Set;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

final class AgentBootTest {

    @Test
    void premain_startsOneDaemonThreadNamedUpdaterAgent_whichReportsAFailureInOneLine() throws Exception {
        // Here AgentBoot comes from target/classes, a directory and no agent jar: the agent thread must
        // fail, print one line and end, while premain has long returned.
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        PrintStream original = System.err;
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            AgentBoot.premain("enabled=false", null);
            List<Thread> started = Thread.getAllStackTraces().keySet().stream()
                    .filter(thread -> thread.getName().equals(AgentBoot.THREAD_NAME)).toList();
            started.forEach(thread -> assertTrue(thread.isDaemon(), thread + " is not a daemon"));

            await().atMost(Duration.ofSeconds(10))
                    .until(() -> captured.toString(StandardCharsets.UTF_8).lines().count() == 1);
        } finally {
            System.setErr(original);
        }
        String line = captured.toString(StandardCharsets.UTF_8).strip();
        assertTrue(line.startsWith("updater: agent disabled: it could not start from "), line);
        assertEquals(1, captured.toString(StandardCharsets.UTF_8).lines().count(), line);
    }

    @Test
    void premain_withBadArgumentSyntax_printsTheLineBeforeReturning_andStartsNoThread() {
        Set<Thread> before = Thread.getAllStackTraces().keySet();
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        PrintStream original = System.err;
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            AgentBoot.premain("manifest=https://h/m.json,intervall=5m", null);
        } finally {
            System.setErr(original);
        }
        assertEquals("updater agent disabled, bad configuration: unknown key intervall (known: allow-breaking,"
                + " allow-prerelease, config, enabled, home, host-id, initial-delay, insecure-allow-http,"
                + " insecure-allow-unsigned, interval, key, keyfile, manifest, target, version). The host runs on"
                + " without updates; see docs/agent.md." + System.lineSeparator(),
                captured.toString(StandardCharsets.UTF_8));
        List<Thread> started = Thread.getAllStackTraces().keySet().stream()
                .filter(thread -> thread.getName().equals(AgentBoot.THREAD_NAME) && !before.contains(thread)).toList();
        assertEquals(List.of(), started);
    }
}
