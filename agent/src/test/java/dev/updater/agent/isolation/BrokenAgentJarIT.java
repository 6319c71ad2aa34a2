package dev.updater.agent.isolation;

import dev.updater.agent.isolation.ChildJvm.Java;
import dev.updater.agent.isolation.ChildJvm.Result;
import dev.updater.agent.isolation.host.HostAwaitingAgentThread;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;

import static dev.updater.agent.isolation.ChildJvm.AGENT_JAR;
import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * STYLE 8: the agent never throws into the host. An agent jar without its runtime class leaves
 * the host running and says so in exactly one {@code updater: } line.
 */
final class BrokenAgentJarIT {
    private static final String RUNTIME_ENTRY = "inst/dev/updater/agent/AgentRuntime.classdata";

    @TempDir
    static Path directory;

    private static Path host;
    private static Path brokenJar;

    @BeforeAll
    static void prepare() throws Exception {
        host = HostClasspath.create(Files.createDirectory(directory.resolve("host")));
        brokenJar = copyWithout(AGENT_JAR, RUNTIME_ENTRY, directory.resolve("updater-without-runtime.jar"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.updater.agent.isolation.ChildJvm#javas")
    void anAgentJarWithoutItsRuntime_leavesTheHostRunning_andPrintsOneLine(Java java) throws Exception {
        assumeTrue(java.installed(), java + " is not installed at " + java.executable() + ": not tested on it");

        Result result = ChildJvm.run(java, brokenJar, "enabled=false", List.of(host), List.of(),
                HostAwaitingAgentThread.class.getName());

        assertAll(
                () -> assertEquals(List.of("host started", "host finished"), result.stdoutLines()),
                () -> assertEquals(List.of("updater: agent disabled: it could not start from " + brokenJar
                        + ": java.lang.ClassNotFoundException: dev.updater.agent.AgentRuntime"), result.stderrLines()),
                () -> assertEquals(0, result.exitCode()));
    }

    private static Path copyWithout(Path jar, String removed, Path copy) throws IOException {
        boolean found = false;
        try (ZipFile original = new ZipFile(jar.toFile());
             OutputStream file = Files.newOutputStream(copy);
             ZipOutputStream out = new ZipOutputStream(file)) {
            for (ZipEntry entry : Collections.list(original.entries())) {
                if (entry.getName().equals(removed)) {
                    found = true;
                    continue;
                }
                out.putNextEntry(new ZipEntry(entry.getName()));
                try (InputStream in = original.getInputStream(entry)) {
                    in.transferTo(out);
                }
                out.closeEntry();
            }
        }
        assertEquals(true, found, jar + " has no entry " + removed + " to remove");
        return copy;
    }
}
