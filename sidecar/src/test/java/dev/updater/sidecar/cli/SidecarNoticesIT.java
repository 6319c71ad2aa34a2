package dev.updater.sidecar.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.updater.core.json.Json;
import dev.updater.core.testing.ChildProcess;
import dev.updater.sidecar.testhost.SidecarOutput;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What {@code run} says about what it cannot fix itself, once in its log and in {@code status}: a host
 * whose agent reports elsewhere or not at all, a release waiting for {@code apply}. Real host JVMs.
 */
class SidecarNoticesIT {
    private static final Duration PATIENCE = Duration.ofSeconds(30);

    @TempDir
    Path dir;

    private SidecarFixture fx;

    @AfterEach
    void killEverything() {
        if (fx != null) {
            fx.close();
        }
    }

    @Test
    void aHostWhoseAgentReportsIntoAnotherHome_isSaidOnceAfterTheGracePeriod_andShownInStatus() throws Exception {
        fx = new SidecarFixture(dir);
        Path elsewhere = Files.createDirectories(dir.resolve("elsewhere"));
        List<String> args = fx.runArgs("immediate");
        int home = args.lastIndexOf(fx.home.toString());
        args.set(home, elsewhere.toString()); // the host's own --home: its "agent" writes there
        ChildProcess sidecar = fx.sidecar(List.of(), args);
        SidecarOutput.await(sidecar, "the host command has no updater agent (-javaagent:…updater.jar=home="
                + fx.home + ",manifest=…,key=…): nothing will check for releases or stage them, and this sidecar has"
                + " nothing to install. Add it to the command after '--' (see docs/agent.md).", PATIENCE);

        String missing = "no agent has reported into " + fx.home.resolve("agent.json") + " within 5s of the host's"
                + " start (pid ";
        SidecarOutput.await(sidecar, line -> line.startsWith(missing), PATIENCE);
        assertTrue(sidecar.out().contains("), so nothing is staged and nothing will be installed: the command after"
                + " '--' has no -javaagent:…updater.jar, its home= names another folder than --home " + fx.home
                + ", or its configuration disabled it (look for 'updater agent disabled' in the host's output)\n"),
                sidecar.out());
        // sidecar.json gets each problem just after its line: the status is awaited, not read once
        fx.awaitOrDump("status to show the no-agent problem", () -> problem(statusJson(), "no-agent") != null);
        JsonNode json = statusJson();
        assertTrue(problem(json, "agent-missing").startsWith("the host command has no updater agent"), json.toString());
        assertTrue(problem(json, "no-agent").startsWith(missing), json.toString());
    }

    private JsonNode statusJson() throws Exception {
        return Json.mapper().readTree(CliRun.run("status", "--home", fx.home.toString(), "--json").out());
    }

    @Test
    void applyManual_saysOncePerReleaseWhatItWaitsFor_withTheExactCommand_andStatusShowsIt() throws Exception {
        fx = new SidecarFixture(dir);
        ChildProcess sidecar = fx.run("manual");
        fx.awaitServing("1.0.0");

        fx.stage(fx.v110, "1.1.0");

        String command = "updater-sidecar apply --home " + fx.home;
        SidecarOutput.await(sidecar, "1.1.0 is staged and waits for approval (apply=manual): install it with '"
                + command + "'", PATIENCE);
        fx.awaitOrDump("status to show what waits", () -> CliRun.run("status", "--home", fx.home.toString()).out()
                .contains("\nApply policy: manual; waiting for: apply: " + command + "\n"));
        CliRun status = CliRun.run("status", "--home", fx.home.toString());
        assertTrue(status.out().contains("\nStaged:       1.1.0 ("), status.out());
        assertTrue(status.out().contains("), waits for '" + command + "' (apply=manual)\n"), status.out());
        JsonNode json = Json.mapper().readTree(CliRun.run("status", "--home", fx.home.toString(), "--json").out());
        assertEquals("manual", json.at("/sidecar/applyPolicy").asText());
        assertEquals("apply: " + command, json.at("/sidecar/waitingFor").asText());
        assertEquals(1, sidecar.output().stream().filter(line -> line.contains("is staged and waits for approval"))
                .count(), "said once, not every poll: " + sidecar);
        assertTrue(fx.journal().isEmpty(), "no swap began");
        fx.assertTargetIs(fx.v100);

        CliRun apply = CliRun.run("apply", "--home", fx.home.toString(), "--yes");
        assertEquals(0, apply.exitCode(), apply.toString());
        fx.awaitServing("1.1.0");
        fx.awaitOrDump("nothing to wait for", () -> Json.mapper().readTree(CliRun.run("status", "--home",
                fx.home.toString(), "--json").out()).at("/sidecar/waitingFor").isNull());
    }

    /** The message of the problem {@code code} that {@code status --json} shows, or null. */
    private static String problem(JsonNode status, String code) {
        for (JsonNode p : status.at("/sidecar/problems")) {
            if (code.equals(p.get("code").asText())) {
                return p.get("message").asText();
            }
        }
        return null;
    }
}
