package dev.updater.agent.isolation;

import dev.updater.agent.isolation.ChildJvm.Java;
import dev.updater.agent.isolation.ChildJvm.Result;
import dev.updater.agent.isolation.host.HostWithOwnJackson;
import dev.updater.agent.isolation.host.HostWithoutJackson;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static dev.updater.agent.isolation.ChildJvm.AGENT_JAR;
import static dev.updater.agent.isolation.ChildJvm.requiredProperty;
import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertLinesMatch;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * DESIGN §7 "Isolated": a host must not see the agent's dependencies, classes or resources, and a
 * host that ships its own Jackson of any version is unaffected. Each test runs a real host JVM
 * with {@code -javaagent:updater.jar}, on every JDK the agent supports, and checks only after the
 * agent has loaded its own code (the hosts' logging backend, {@code AgentProbe}, reports that).
 */
final class HostIsolationIT {
    private static final String AGENT_VERSION = requiredProperty("updater.it.agent.version");
    private static final String AGENT_JACKSON = requiredProperty("updater.it.agent-jackson.version");
    private static final String HOST_JACKSON = requiredProperty("updater.it.host-jackson.version");

    @TempDir
    static Path hostDirectory;

    private static Path host;

    @BeforeAll
    static void copyHostClasses() throws Exception {
        host = HostClasspath.create(hostDirectory);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.updater.agent.isolation.ChildJvm#javas")
    void aHostWithoutJackson_seesNoClassAndNoResourceOfTheAgent_butTheBoot(Java java) throws Exception {
        assumeTrue(java.installed(), java + " is not installed at " + java.executable() + ": not tested on it");

        Result result = ChildJvm.run(java, AGENT_JAR, "enabled=false", List.of(host), List.of(),
                HostWithoutJackson.class.getName(), AGENT_JAR.toString());

        List<String> expected = new ArrayList<>(agentReport());
        expected.addAll(List.of(
                "class com.fasterxml.jackson.databind.ObjectMapper: ClassNotFoundException",
                "class dev.updater.core.manifest.Manifest: ClassNotFoundException",
                "class dev.updater.agent.AgentRuntime: ClassNotFoundException",
                "class org.semver4j.Semver: ClassNotFoundException",
                "class dev.updater.agent.boot.AgentBoot: visible",
                "resource META-INF/maven/com.fasterxml.jackson.core/jackson-databind/pom.properties: 0",
                "resource META-INF/services/com.fasterxml.jackson.core.JsonFactory: 0",
                "resource META-INF/services/com.fasterxml.jackson.core.ObjectCodec: 0",
                "resource com/fasterxml/jackson/databind/ObjectMapper.class: 0",
                "agent classes the host sees: 0 of \\d{3,} \\[\\]",
                "agent resources the host sees: 0 of \\d{3,} \\[\\]"));
        assertAll(
                () -> assertLinesMatch(expected, result.stdoutLines()),
                () -> assertEquals("", result.stderr()),
                () -> assertEquals(0, result.exitCode()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.updater.agent.isolation.ChildJvm#javas")
    void aHostWithItsOwnJackson_keepsItsVersion_whileTheAgentUsesItsOwn(Java java) throws Exception {
        assumeTrue(java.installed(), java + " is not installed at " + java.executable() + ": not tested on it");
        List<Path> classpath = new ArrayList<>(List.of(host));
        classpath.addAll(HostClasspath.hostJackson());

        Result result = ChildJvm.run(java, AGENT_JAR, "enabled=false", classpath, List.of(),
                HostWithOwnJackson.class.getName());

        List<String> expected = new ArrayList<>();
        expected.add("host round trip before: {\"app\":\"host\"} -> host");
        expected.addAll(agentReport());
        expected.addAll(List.of(
                "host round trip after: {\"app\":\"host\"} -> host",
                "host jackson-databind: " + HOST_JACKSON + ", loader app",
                "agent ObjectMapper is the host's: false",
                "host sees jackson-databind pom.properties: 1, version " + HOST_JACKSON,
                "host sees JsonFactory service files: 1"));
        assertAll(
                () -> assertEquals(expected, result.stdoutLines()),
                () -> assertEquals("", result.stderr()),
                () -> assertEquals(0, result.exitCode()));
    }

    /** What AgentProbe reports from the agent thread: the agent runs isolated, on its own Jackson. */
    static List<String> agentReport() {
        return List.of(
                "agent thread: updater-agent, daemon: true, context loader: updater",
                "agent runtime: loader updater, package version " + AGENT_VERSION,
                "agent jackson-databind: " + AGENT_JACKSON + ", loader updater, package version " + AGENT_JACKSON,
                "agent updater-core: loader updater");
    }
}
