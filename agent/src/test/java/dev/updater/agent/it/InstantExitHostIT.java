package dev.updater.agent.it;

import dev.updater.core.testing.TestChannel;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A host that exits as soon as it starts (a CLI tool run with the agent) still shows a bad agent
 * argument: the syntax is checked in {@code premain}, before the host's main, not on the agent's
 * thread, which such a host never waits for.
 */
class InstantExitHostIT {
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final String KNOWN = "(known: allow-breaking, allow-prerelease, channel, config, enabled, home, host-id,"
            + " initial-delay, insecure-allow-http, insecure-allow-unsigned, interval, key, keyfile, manifest, target,"
            + " version)";

    @TempDir
    Path dir;

    private TestChannel channel;
    private Path appDir;
    private Path hostJar;
    private final List<HostJvm> hosts = new ArrayList<>();

    @BeforeEach
    void channelAndApp() throws Exception {
        channel = TestChannel.start(dir.resolve("channel"));
        appDir = dir.resolve("app");
        hostJar = HostJvm.hostJar(appDir, "1.0.0");
    }

    @AfterEach
    void stopAll() throws Exception {
        for (HostJvm host : hosts) {
            host.close();
        }
        channel.close();
    }

    @Test
    void aMisspelledKey_isReported_byAHostThatExitsAtOnce() throws Exception {
        HostJvm host = start(goodArgs() + ",intervall=5m", "exit-now");

        assertEquals(0, host.waitFor());
        await().atMost(WAIT).untilAsserted(() -> assertEquals(List.of("updater agent disabled, bad configuration:"
                + " unknown key intervall " + KNOWN + ". The host runs on without updates; see docs/agent.md."),
                host.err().lines().toList()));
        await().atMost(WAIT).untilAsserted(() -> assertEquals(List.of("host started 1.0.0", "host shutdown hook ran"),
                host.out().lines().toList()));
        assertFalse(Files.exists(appDir.resolve(".updater")), "a disabled agent writes nothing");
    }

    @Test
    void aDurationThatIsNoDuration_isReported_byAHostThatExitsAtOnce() throws Exception {
        HostJvm host = start(goodArgs() + ",interval=abc", "exit-now");

        assertEquals(0, host.waitFor());
        await().atMost(WAIT).untilAsserted(() -> assertEquals(List.of("updater agent disabled, bad configuration:"
                + " interval \"abc\" is not a duration; write a number and a unit: 500ms, 5s, 10m, 1h or 30d. The host"
                + " runs on without updates; see docs/agent.md."), host.err().lines().toList()));
    }

    @Test
    void aGoodConfiguration_stillStartsTheAgent() throws Exception {
        HostJvm instant = start(goodArgs(), "exit-now");
        assertEquals(0, instant.waitFor());
        await().atMost(WAIT).until(() -> instant.out().contains("host shutdown hook ran"));
        assertFalse(instant.err().contains("bad configuration"), instant.err());

        HostJvm host = start(goodArgs());
        await().atMost(WAIT).until(() -> host.err().contains("updater agent watching " + channel.manifestUri()
                + " for app.jar 1.0.0"));
        assertTrue(host.isAlive());
        assertFalse(host.err().contains("bad configuration"), host.err());
    }

    private String goodArgs() {
        return "manifest=" + channel.manifestUri() + ",key=" + channel.keyText() + ",interval=1h,initial-delay=PT1H";
    }

    private HostJvm start(String agentArgs, String... args) throws Exception {
        HostJvm host = HostJvm.start(HostJvm.JAVA_17, List.of(), agentArgs, hostJar, args);
        hosts.add(host);
        return host;
    }
}
