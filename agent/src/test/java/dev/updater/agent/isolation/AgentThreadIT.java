package dev.updater.agent.isolation;

import dev.updater.agent.isolation.ChildJvm.Java;
import dev.updater.agent.isolation.ChildJvm.Result;
import dev.updater.agent.isolation.host.HostWithBusyAgent;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.file.Path;
import java.util.List;

import static dev.updater.agent.isolation.ChildJvm.AGENT_JAR;
import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
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
}
