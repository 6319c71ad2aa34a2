package dev.updater.sidecar.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.updater.core.home.SwapState;
import dev.updater.core.json.Json;
import dev.updater.core.testing.ChildProcess;
import org.junit.jupiter.api.AfterEach;
import dev.updater.sidecar.testhost.SidecarOutput;
import dev.updater.sidecar.testhost.TakenPorts;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * {@code run --metrics-port} from the built jar during real updates and rollbacks (host JVMs swapped
 * by the sidecar), scraped over loopback, and by the real Prometheus server where it is installed.
 */
class MetricsIT {
    private static final Duration EXIT = Duration.ofSeconds(20);
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    @TempDir
    Path dir;

    private SidecarFixture fx;

    @AfterEach
    void killEverything() {
        if (fx != null) {
            fx.close();
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private static String get(String url) {
        try {
            HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5))
                    .build(), HttpResponse.BodyHandlers.ofString());
            return r.statusCode() == 200 ? r.body() : null;
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    /** The value of one series in an exposition, such as {@code updater_updates_total{result="committed"}}. */
    private static Optional<Double> sample(String exposition, String series) {
        if (exposition == null) {
            return Optional.empty();
        }
        return exposition.lines().filter(l -> l.startsWith(series + " "))
                .map(l -> Double.parseDouble(l.substring(series.length() + 1))).findFirst();
    }

    private void awaitSample(String metricsUrl, String series, double value) {
        fx.awaitOrDump(series + " = " + value + " at " + metricsUrl,
                () -> sample(get(metricsUrl), series).map(v -> v == value).orElse(false));
    }

    @Test
    void anUpdateThenARollback_moveTheCountersAndTheVersions() throws Exception {
        fx = new SidecarFixture(dir);
        int port = freePort();
        String metrics = "http://127.0.0.1:" + port + "/metrics";
        ChildProcess sidecar = fx.run("immediate", "--metrics-port", Integer.toString(port));
        SidecarOutput.await(sidecar, "metrics: serving http://127.0.0.1:" + port + "/metrics, /status and"
                + " /healthz", EXIT);
        fx.awaitServing("1.0.0");
        awaitSample(metrics, "updater_running_info{version=\"1.0.0\"}", 1);
        String before = get(metrics);
        assertEquals(Optional.of(1.0), sample(before, "updater_host_up"), before);
        assertEquals(Optional.of(0.0), sample(before, "updater_updates_total{result=\"committed\"}"), before);
        assertEquals(Optional.of(0.0), sample(before, "updater_host_restarts_total"), before);

        fx.stage(fx.v110, "1.1.0");
        assertEquals(SwapState.COMMITTED, fx.awaitFinishedJournal().state());
        fx.awaitServing("1.1.0");

        awaitSample(metrics, "updater_running_info{version=\"1.1.0\"}", 1);
        // counted by the loop once the transaction returned, after the journal and the records it settles
        awaitSample(metrics, "updater_updates_total{result=\"committed\"}", 1);
        String updated = get(metrics);
        assertEquals(Optional.of(1.0), sample(updated, "updater_updates_total{result=\"committed\"}"), updated);
        assertEquals(Optional.of(0.0), sample(updated, "updater_updates_total{result=\"rolled_back\"}"), updated);
        assertEquals(Optional.of(1.0), sample(updated, "updater_installed_info{version=\"1.1.0\"}"), updated);
        assertEquals(Optional.of(1.0), sample(updated, "updater_host_restarts_total"), updated);
        assertEquals(Optional.of(0.0), sample(updated, "updater_quarantined_versions"), updated);
        assertTrue(sample(updated, "updater_last_gate_duration_seconds").orElseThrow() >= 0.3,
                "at least --min-uptime 300ms: " + updated);
        assertTrue(sample(updated, "updater_last_swap_duration_seconds").isPresent(), updated);
        assertTrue(sample(updated, "updater_last_update_timestamp_seconds").isPresent(), updated);

        fx.stage(fx.v120exits, "1.2.0");
        SidecarOutput.await(sidecar, "Rolled back to 1.1.0; 1.2.0 is quarantined and will not be installed"
                + " again automatically.", EXIT);
        fx.awaitServing("1.1.0");

        awaitSample(metrics, "updater_updates_total{result=\"rolled_back\"}", 1);
        String rolledBack = get(metrics);
        assertEquals(Optional.of(1.0), sample(rolledBack, "updater_updates_total{result=\"committed\"}"), rolledBack);
        assertEquals(Optional.of(0.0), sample(rolledBack, "updater_updates_total{result=\"failed\"}"), rolledBack);
        assertEquals(Optional.of(1.0), sample(rolledBack, "updater_quarantined_versions"), rolledBack);
        assertEquals(Optional.of(1.0), sample(rolledBack, "updater_installed_info{version=\"1.1.0\"}"), rolledBack);
        // 1.2.0 started and exited, then 1.1.0 started again
        assertEquals(Optional.of(2.0), sample(rolledBack, "updater_host_restarts_total"), rolledBack);
        awaitSample(metrics, "updater_running_info{version=\"1.1.0\"}", 1);
    }

    @Test
    void thePortInUse_isSaidOnce_shownByStatus_andTheSidecarStillInstalls() throws Exception {
        fx = new SidecarFixture(dir);
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            int port = taken.getLocalPort();
            ChildProcess sidecar = fx.run("immediate", "--metrics-port", Integer.toString(port));
            String sentence = "cannot listen on http://127.0.0.1:" + port + " (--metrics-port " + port + "): " + TakenPorts.refusal(port)
                    + "; /metrics, /status and /healthz are off, and the sidecar"
                    + " goes on supervising. Free the port or give another --metrics-port, then restart the sidecar.";
            SidecarOutput.await(sidecar, "metrics: " + sentence, EXIT);
            fx.awaitServing("1.0.0");

            fx.stage(fx.v110, "1.1.0");

            fx.awaitServing("1.1.0");
            assertEquals(SwapState.COMMITTED, fx.awaitFinishedJournal().state());
            fx.assertTargetIs(fx.v110);
            CliRun status = CliRun.run("status", "--home", fx.home.toString(), "--json");
            JsonNode json = Json.mapper().readTree(status.out());
            assertEquals(sentence, json.at("/sidecar/metrics/problem").asText(), status.toString());
            assertTrue(json.at("/sidecar/metrics/url").isNull(), status.toString());
            assertEquals(1, sidecar.output().stream().filter(l -> l.contains("cannot listen")).count(),
                    sidecar.toString());
        }
    }

    @Test
    void theRealPrometheus_scrapesTheSidecar_andSeesTheUpdate_andLoadsTheAlertRules() throws Exception {
        Optional<Path> prometheus = onPath("prometheus");
        assumeTrue(prometheus.isPresent(), "the Prometheus server is not installed (Debian package 'prometheus';"
                + " .ci/run installs it): the whole path from a scrape to a query is not tested here");
        fx = new SidecarFixture(dir);
        int port = freePort();
        fx.run("immediate", "--metrics-port", Integer.toString(port));
        fx.awaitServing("1.0.0");
        int prometheusPort = freePort();
        Path rules = Path.of(System.getProperty("user.dir")).resolveSibling("deploy").resolve("prometheus")
                .resolve("updater-alerts.yml");
        Path config = Files.writeString(dir.resolve("prometheus.yml"), "global:\n"
                + "  scrape_interval: 1s\n"
                + "  evaluation_interval: 1s\n"
                + "rule_files:\n"
                + "  - " + rules + "\n"
                + "scrape_configs:\n"
                + "  - job_name: updater\n"
                + "    static_configs:\n"
                + "      - targets: ['127.0.0.1:" + port + "']\n");
        List<String> command = new ArrayList<>(List.of(prometheus.get().toString(), "--config.file=" + config,
                "--storage.tsdb.path=" + dir.resolve("tsdb"), "--web.listen-address=127.0.0.1:" + prometheusPort));
        fx.track(ChildProcess.start(command));
        String api = "http://127.0.0.1:" + prometheusPort + "/api/v1/";
        fx.awaitOrDump("Prometheus to scrape updater_updates_total", () -> committed(api).isPresent());
        assertEquals(Optional.of("0"), committed(api));

        fx.stage(fx.v110, "1.1.0");
        fx.awaitServing("1.1.0");

        fx.awaitOrDump("Prometheus to see the committed update",
                () -> committed(api).map("1"::equals).orElse(false));
        JsonNode up = Json.mapper().readTree(get(api + "query?query=" + URLEncoder.encode("up{job=\"updater\"}",
                StandardCharsets.UTF_8)));
        assertEquals("1", up.at("/data/result/0/value/1").asText(), up.toString());
        JsonNode ruleGroups = Json.mapper().readTree(get(api + "rules"));
        List<String> alerts = new ArrayList<>();
        ruleGroups.at("/data/groups/0/rules").forEach(r -> alerts.add(r.get("name").asText()));
        assertEquals(List.of("UpdaterRolledBack", "UpdaterUpdateFailed", "UpdaterNoSuccessfulCheck",
                "UpdaterChecksFailing", "UpdaterWaitingForApproval", "UpdaterHostDown"), alerts);
        ruleGroups.at("/data/groups/0/rules").forEach(r -> assertEquals("ok", r.get("health").asText(), r.toString()));
    }

    /** {@code updater_updates_total{result="committed"}} as Prometheus answers a query for it, if it has it. */
    private static Optional<String> committed(String api) throws IOException {
        String body = get(api + "query?query=" + URLEncoder.encode("updater_updates_total{result=\"committed\"}",
                StandardCharsets.UTF_8));
        if (body == null) {
            return Optional.empty();
        }
        JsonNode result = Json.mapper().readTree(body).at("/data/result");
        return result.size() == 0 ? Optional.empty() : Optional.of(result.get(0).at("/value/1").asText());
    }

    private static Optional<Path> onPath(String name) {
        for (String d : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
            Path candidate = Path.of(d, name);
            if (Files.isExecutable(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }
}
