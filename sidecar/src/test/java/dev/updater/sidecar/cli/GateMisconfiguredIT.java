package dev.updater.sidecar.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.updater.core.Sha256;
import dev.updater.core.home.SwapJournal;
import dev.updater.core.home.SwapState;
import dev.updater.core.json.Json;
import dev.updater.core.testing.ChildProcess;
import dev.updater.sidecar.testhost.SidecarOutput;
import dev.updater.sidecar.testhost.HostJars;
import dev.updater.sidecar.testhost.Hosts;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A health gate the serving version cannot pass is misconfigured, not a bad release: {@code run}
 * refuses to install while it fails, never stops the host that runs the last committed version for
 * it, and quarantines nothing. Real host JVMs, a real health URL on loopback.
 */
class GateMisconfiguredIT {
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
    void aTypoedHealthPort_refusesTheUpdate_keepsTheHostServing_andQuarantinesNothing() throws Exception {
        fx = new SidecarFixture(dir);
        String typo = "http://127.0.0.1:" + unusedPort() + "/health";
        ChildProcess sidecar = fx.sidecar(List.of(), withHealthUrl(fx.runArgs("immediate"), typo));
        fx.awaitServing("1.0.0");
        long hostPid = fx.awaitRecordedPid();
        String failure = "the health gate fails for the serving host (pid " + hostPid + ", 1.0.0): the host did not"
                + " pass within 5s: " + typo + " never answered 2xx (last: connection refused); nothing is installed"
                + " while it fails. A gate that the version serving now cannot pass is misconfigured, not a bad"
                + " release: check --health-url (now " + typo + ")";
        SidecarOutput.await(sidecar, "" + failure, PATIENCE);
        String targetBefore = Sha256.ofFile(fx.target).hex();

        fx.stage(fx.v110, "1.1.0");

        SidecarOutput.await(sidecar, "not installing 1.1.0: " + failure, PATIENCE);
        CliRun apply = CliRun.run("apply", "--home", fx.home.toString(), "--yes", "--wait", "20s");
        assertEquals(1, apply.exitCode(), apply.toString());
        assertTrue(apply.err().contains("The sidecar refused: Refused to install 1.1.0: " + failure + "\n"),
                apply.toString());
        assertEquals("1.0.0", Hosts.version(fx.port), "the host keeps serving");
        assertEquals(hostPid, Hosts.recordedPid(fx.home).orElseThrow(), "the host was never restarted");
        assertTrue(sidecar.isAlive(), sidecar.toString());
        assertEquals(targetBefore, Sha256.ofFile(fx.target).hex(), "the target was never touched");
        assertTrue(fx.journal().isEmpty(), "no swap began");
        assertEquals(List.of(), fx.quarantined());

        CliRun status = CliRun.run("status", "--home", fx.home.toString());
        assertTrue(status.out().contains("\nProblem:      " + failure + " (since "), status.out());
        JsonNode json = Json.mapper().readTree(CliRun.run("status", "--home", fx.home.toString(), "--json").out());
        assertEquals(failure, problem(json, "gate-misconfigured"), json.toString());
    }

    @Test
    void whenTheRollbacksGateFailsToo_theHostOfTheLastCommittedVersionKeepsRunning_andNothingIsQuarantined()
            throws Exception {
        Path broken = dir.resolve("health-broken");
        fx = new SidecarFixture(dir, "unhealthyIfExists=" + broken);
        Path v110 = HostJars.build(dir.resolve("jars/app-1.1.0-checked.jar"), "1.1.0", "unhealthyIfExists=" + broken);
        ChildProcess sidecar = fx.run("immediate");
        fx.awaitServing("1.0.0");
        SidecarOutput.await(sidecar, "the health gate passes for the serving host (pid "
                + Hosts.recordedPid(fx.home).orElseThrow() + "): " + fx.healthUrl() + " answered 2xx", PATIENCE);
        Files.createFile(broken); // from now on every version's /health answers 503: the gate cannot be passed

        fx.stage(v110, "1.1.0");

        SwapJournal journal = fx.awaitFinishedJournal();
        assertEquals(SwapState.ROLLED_BACK, journal.state(), fx.dump());
        fx.awaitServing("1.0.0");
        long hostPid = fx.awaitRecordedPid();
        String gate = "the host did not pass within 5s: " + fx.healthUrl() + " never answered 2xx (last: HTTP 503)";
        SidecarOutput.await(sidecar, "Rolled back to 1.0.0, which runs (pid " + hostPid + ") but fails the"
                + " health gate too: " + gate + ". A gate that fails for the version that was serving is"
                + " misconfigured, not a bad release: 1.1.0 is not quarantined, the host is kept running, and"
                + " nothing is installed until the gate passes; check --health-url.", PATIENCE);
        fx.assertTargetIs(fx.v100);
        assertEquals(List.of(), fx.quarantined());
        assertTrue(sidecar.isAlive(), "the sidecar supervises on: " + sidecar);
        assertFalse(SidecarOutput.has(sidecar, "stopping the host (pid " + hostPid
                + ") because no healthy version is left"), sidecar.toString());
        assertEquals(List.of("installed 1.1.0", "failed 1.1.0", "rolled-back 1.0.0"), fx.events());
        // the loop records the problem in sidecar.json after the transaction's last line: awaited, not read once
        fx.awaitOrDump("status to show the gate-misconfigured problem",
                () -> problem(statusJson(), "gate-misconfigured") != null);
        JsonNode json = statusJson();
        assertEquals("the health gate fails for the serving host (pid " + hostPid + ", 1.0.0): " + gate
                + "; nothing is installed while it fails. A gate that the version serving now cannot pass is"
                + " misconfigured, not a bad release: check --health-url (now " + fx.healthUrl() + ")",
                problem(json, "gate-misconfigured"), json.toString());

        Files.delete(broken); // the operator fixed what the gate checks: the next release is installed
        fx.stage(v110, "1.1.0");
        SidecarOutput.await(sidecar, "the health gate passes for the serving host now (pid " + hostPid + "): "
                + fx.healthUrl() + " answered 2xx; updates resume", PATIENCE);
        fx.awaitServing("1.1.0");
    }

    private JsonNode statusJson() throws Exception {
        return Json.mapper().readTree(CliRun.run("status", "--home", fx.home.toString(), "--json").out());
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

    private static List<String> withHealthUrl(List<String> args, String url) {
        List<String> changed = new ArrayList<>(args);
        changed.set(changed.indexOf("--health-url") + 1, url);
        return changed;
    }

    private static int unusedPort() throws Exception {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
