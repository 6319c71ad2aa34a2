package dev.updater.sidecar.supervise;

import dev.updater.core.home.SidecarRecord;
import dev.updater.core.home.UpdateHome;
import dev.updater.sidecar.testhost.Staging;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;

class AgentPresenceTest {
    private static final Instant NOW = Instant.parse("2026-03-02T09:30:00Z");

    @TempDir
    Path dir;

    private UpdateHome home;
    private Path target;
    private final List<String> log = new ArrayList<>();

    @BeforeEach
    void aHome() throws Exception {
        home = new UpdateHome(Staging.newHome(dir.resolve("updates")));
        target = dir.resolve("app/app.jar");
    }

    @Test
    void anAgentWritingToAnotherHome_isNamedWithBothFolders() throws Exception {
        String agent = "-javaagent:/opt/updater.jar=manifest=https://x/m.json,home=" + dir.resolve("other") + ",key=k";

        AgentPresence presence = presence(List.of("java", agent, "-jar", target.toString()), Map.of());
        presence.checkCommand();

        String message = "the host command's agent writes to the update home " + dir.resolve("other") + " (home= in "
                + agent + "), but this sidecar watches --home " + home.dir() + ": nothing the agent stages would be"
                + " installed. Give both the same folder.";
        assertEquals(List.of(message), log);
        assertEquals(List.of(new SidecarRecord.Problem("agent-home-differs", message, NOW)),
                home.sidecarRecord().read().orElseThrow().problems());
    }

    @Test
    void anAgentWithoutHome_writesBesideTheTarget_whichIsNotThisHome() {
        String agent = "-javaagent:updater.jar=manifest=https://x/m.json,key=k";

        Optional<String> problem = presence(List.of("java", agent, "-jar", target.toString()), Map.of()).commandProblem();

        assertEquals(Optional.of("the host command's agent writes to the update home " + target.getParent()
                .resolve(".updater") + " (its default beside the target, for " + agent + "), but this sidecar watches"
                + " --home " + home.dir() + ": nothing the agent stages would be installed. Give both the same folder."),
                problem);
    }

    @Test
    void anAgentWithThisHome_orOneFromJavaToolOptions_isNoProblem() {
        String agent = "-javaagent:/opt/updater.jar=home=" + home.dir() + ",manifest=https://x/m.json";

        assertEquals(Optional.empty(), presence(List.of("java", agent, "-jar", "app.jar"), Map.of()).commandProblem());
        assertEquals(Optional.empty(), presence(List.of("java", "-jar", "app.jar"),
                Map.of("JAVA_TOOL_OPTIONS", "-javaagent:/opt/updater.jar")).commandProblem());
        assertEquals(Optional.empty(), presence(List.of("java", "-javaagent:/opt/updater.jar=config=/etc/u.properties",
                "-jar", "app.jar"), Map.of()).commandProblem(), "a config= file may name the home: no guess");
    }

    @Test
    void aCommandWithoutTheAgent_isSaid() {
        assertEquals(Optional.of("the host command has no updater agent (-javaagent:…updater.jar=home=" + home.dir()
                + ",manifest=…,key=…): nothing will check for releases or stage them, and this sidecar has nothing to"
                + " install. Add it to the command after '--' (see docs/agent.md)."),
                presence(List.of("java", "-javaagent:/opt/otel.jar", "-jar", "app.jar"), Map.of()).commandProblem());
    }

    private AgentPresence presence(List<String> command, Map<String, String> environment) {
        SidecarReport report = new SidecarReport(home, SidecarRecord.Mode.RUN, ApplyPolicy.IMMEDIATE, Clock.fixed(NOW, ZoneOffset.UTC),
                log::add);
        return new AgentPresence(home, command, target, java.time.Duration.ofSeconds(60), environment, report,
                Clock.fixed(NOW, ZoneOffset.UTC), log::add);
    }
}
