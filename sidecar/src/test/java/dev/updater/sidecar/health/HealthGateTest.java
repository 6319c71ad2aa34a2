package dev.updater.sidecar.health;

import com.sun.net.httpserver.HttpServer;
import dev.updater.core.home.UpdateHome;
import dev.updater.core.version.ReleaseVersion;
import dev.updater.core.home.AgentRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HealthGateTest {
    @TempDir
    Path home;

    private HttpServer server;
    private final AtomicInteger status = new AtomicInteger(200);
    private URI url;

    @BeforeEach
    void healthEndpoint() throws Exception {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 10);
        server.createContext("/health", exchange -> {
            exchange.sendResponseHeaders(status.get(), -1);
            exchange.close();
        });
        server.start();
        url = URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/health");
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private HealthGate gate(URI healthUrl, int minUptimeMillis, int timeoutMillis) {
        return new HealthGate(new GateSettings(healthUrl, Duration.ofMillis(minUptimeMillis),
                Duration.ofMillis(timeoutMillis)), new UpdateHome(home).agentRecord());
    }

    @Test
    void aHostAliveForTheMinimumUptimeWhoseUrlAnswers2xx_passes() throws Exception {
        Host host = new Host(4242);

        GateResult r = gate(url, 150, 2_000).await(host, () -> false);

        assertEquals(GateResult.Verdict.PASSED, r.verdict());
        assertEquals("alive for 150ms, " + url + " answered 2xx", r.reason());
        assertTrue(r.took().toMillis() >= 150, r.took().toString());
    }

    @Test
    void aHostThatExits_failsAtOnce_withItsExitCode() throws Exception {
        Host host = new Host(4242);
        host.alive = false;

        GateResult r = gate(url, 150, 5_000).await(host, () -> false);

        assertEquals(GateResult.Verdict.FAILED, r.verdict());
        assertEquals("the host exited with code 3 before it passed", r.reason());
        assertTrue(r.took().toMillis() < 1_000, r.took().toString());
    }

    @Test
    void aUrlThatNeverAnswers2xx_failsAtTheTimeout_sayingWhatItAnswered() throws Exception {
        status.set(503);

        GateResult r = gate(url, 0, 300).await(new Host(4242), () -> false);

        assertEquals(GateResult.Verdict.FAILED, r.verdict());
        assertEquals("the host did not pass within 300ms: " + url + " never answered 2xx (last: HTTP 503)", r.reason());
    }

    @Test
    void aUrlNobodyListensOn_isReportedAsRefused() throws Exception {
        server.stop(0);

        GateResult r = gate(url, 0, 300).await(new Host(4242), () -> false);

        assertEquals("the host did not pass within 300ms: " + url + " never answered 2xx (last: connection refused)",
                r.reason());
    }

    @Test
    void theAgentsReadiness_isReportedWithTheVerdict_butNotRequired() throws Exception {
        writeAgent(4242, false);

        GateResult notReady = gate(null, 50, 1_000).await(new Host(4242), () -> false);

        assertEquals(GateResult.Verdict.PASSED, notReady.verdict(), "an agent that cannot see a listening socket"
                + " (macOS, a host that never listens) must not fail every release");
        assertEquals("alive for 50ms", notReady.reason());

        writeAgent(4242, true);
        GateResult ready = gate(null, 50, 1_000).await(new Host(4242), () -> false);

        assertEquals("alive for 50ms, its agent reported ready", ready.reason());
    }

    @Test
    void theRecordOfAnotherHost_isNotThisHostsReadiness() throws Exception {
        writeAgent(1111, true);

        GateResult r = gate(null, 50, 1_000).await(new Host(4242), () -> false);

        assertEquals(GateResult.Verdict.PASSED, r.verdict());
        assertEquals("alive for 50ms", r.reason());
    }

    @Test
    void aStoppingSidecar_cancelsTheGate() throws Exception {
        status.set(503);

        GateResult r = gate(url, 0, 5_000).await(new Host(4242), () -> true);

        assertEquals(GateResult.Verdict.CANCELLED, r.verdict());
    }

    @Test
    void settings_refuseAMinimumUptimeLongerThanTheTimeout() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new GateSettings(null, Duration.ofSeconds(90), Duration.ofSeconds(60)));
        assertEquals("--min-uptime 90s is longer than --health-timeout 1m, so no host could ever pass; lower the first"
                + " or raise the second.", e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> new GateSettings(URI.create("ftp://host/health"), Duration.ZERO, Duration.ofSeconds(60)));
        assertEquals("--health-url ftp://host/health is not an http or https URL; write it as"
                + " http://127.0.0.1:8080/health.", e.getMessage());
    }

    private void writeAgent(long pid, boolean ready) throws Exception {
        Instant earlier = Instant.parse("2026-03-02T09:30:00Z"); // the gate reads readiness, not these times
        new UpdateHome(home).agentRecord().write(new AgentRecord(pid, earlier, ReleaseVersion.parse("1.1.0"), "manifest",
                "/opt/app.jar", null, null, "test", null, ready, ready ? earlier : null, null, null, null, null,
                false, null, earlier));
    }

    private static final class Host implements RunningHost {
        private final long pid;
        // The gate measures uptime on the system clock (it takes no Clock): real time is its input.
        private final Instant started = Instant.now();
        volatile boolean alive = true;

        Host(long pid) {
            this.pid = pid;
        }

        @Override
        public long pid() {
            return pid;
        }

        @Override
        public Instant startedAt() {
            return started;
        }

        @Override
        public boolean isAlive() {
            return alive;
        }

        @Override
        public String describeExit() {
            return "exited with code 3";
        }
    }
}
