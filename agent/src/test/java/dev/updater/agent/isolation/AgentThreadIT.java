package dev.updater.agent.isolation;

import dev.updater.agent.isolation.ChildJvm.Java;
import dev.updater.agent.isolation.ChildJvm.Result;
import dev.updater.agent.isolation.host.HostAwaitingAgentThread;
import dev.updater.agent.isolation.host.HostWithBusyAgent;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static dev.updater.agent.isolation.ChildJvm.AGENT_JAR;
import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * DESIGN §7: the agent works on one daemon thread, never on the host's main thread, and never
 * delays the host's exit. The host's logging backend keeps the agent thread busy forever; the
 * host's main must run and return, and its JVM exit, regardless.
 */
final class AgentThreadIT {
    @TempDir
    static Path hostDirectory;

    private static Path host;

    @BeforeAll
    static void copyHostClasses() throws Exception {
        host = HostClasspath.create(hostDirectory);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.updater.agent.isolation.ChildJvm#javas")
    void aBusyAgentThread_isOneDaemon_andTheHostExitsWhenItsMainReturns(Java java) throws Exception {
        assumeTrue(java.installed(), java + " is not installed at " + java.executable() + ": not tested on it");

        // ChildJvm fails the test if the JVM has not exited within its timeout.
        Result result = ChildJvm.run(java, AGENT_JAR, "enabled=false", List.of(host),
                List.of("-Dprobe.block-agent=true"), HostWithBusyAgent.class.getName());

        assertAll(
                () -> assertEquals(List.of(
                        "main started",
                        "agent thread: updater-agent, daemon: true, context loader: updater",
                        "threads named updater-agent: 1, daemon: true, alive: true",
                        "main returns"), result.stdoutLines()),
                () -> assertEquals("", result.stderr()),
                () -> assertEquals(0, result.exitCode()));
    }

    /**
     * Every class loaded on the host's main thread delays its {@code main}: {@code premain} loads
     * only the two boot classes it runs; the class loader, the biggest, loads on the agent thread.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.updater.agent.isolation.ChildJvm#javas")
    void theHostsMainThread_loadsOnlyAgentBootAndRuntimeLauncher(Java java) throws Exception {
        assumeTrue(java.installed(), java + " is not installed at " + java.executable() + ": not tested on it");
        Path log = hostDirectory.resolve("class-load-" + java.label().replaceAll("\\W", "") + ".log");

        Result result = ChildJvm.run(java, AGENT_JAR, "enabled=false", List.of(host),
                List.of("-Xlog:class+load:file=" + log + ":tid"), HostAwaitingAgentThread.class.getName());

        assertEquals(0, result.exitCode(), result.stderr());
        Map<String, String> threadOf = new TreeMap<>();
        Matcher line = Pattern.compile("^\\[(\\d+)\\] dev\\.updater\\.agent\\.boot\\.(\\w+) source: ", Pattern.MULTILINE)
                .matcher(Files.readString(log));
        while (line.find()) {
            threadOf.put(line.group(2), line.group(1));
        }
        String main = threadOf.get("AgentBoot");
        assertEquals(List.of("AgentBoot", "AgentClassLoader", "RuntimeLauncher"), List.copyOf(threadOf.keySet()));
        assertAll(
                () -> assertEquals(main, threadOf.get("RuntimeLauncher"), threadOf.toString()),
                () -> assertNotEquals(main, threadOf.get("AgentClassLoader"), threadOf.toString()));
    }
}
