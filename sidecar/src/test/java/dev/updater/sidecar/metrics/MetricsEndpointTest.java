package dev.updater.sidecar.metrics;

import dev.updater.core.home.UpdateHome;
import dev.updater.sidecar.supervise.ApplyPolicy;
import dev.updater.sidecar.supervise.SupervisionCounters;
import dev.updater.sidecar.testhost.Staging;
import dev.updater.sidecar.testhost.TakenPorts;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link MetricsEndpoint} on loopback: what each path and method gets, and a port that is taken. */
class MetricsEndpointTest {
    @TempDir
    Path dir;

    private final List<String> log = new ArrayList<>();
    private MetricsEndpoint endpoint;
    private String base;

    @AfterEach
    void close() {
        if (endpoint != null) {
            endpoint.close();
        }
    }

    private MetricsEndpoint open(int port) throws Exception {
        UpdateHome home = new UpdateHome(Staging.newHome(dir.resolve("home")));
        base = "http://127.0.0.1:" + port;
        return MetricsEndpoint.open(new MetricsAddress(InetAddress.getLoopbackAddress(), port), home,
                ApplyPolicy.ON_EXIT, SupervisionCounters.none()::snapshot, "9.9.9", () -> "{\"status\":true}\n",
                Clock.systemUTC(), log::add);
    }

    private static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    @Test
    void getOnEachPath_answersWhatItServes() throws Exception {
        int port = freePort();
        endpoint = open(port);

        assertEquals(List.of("metrics: serving http://127.0.0.1:" + port + "/metrics, /status and /healthz"), log);
        assertEquals("http://127.0.0.1:" + port + "/metrics", endpoint.metricsUrl().orElseThrow());
        HttpResponse<String> metrics = Scrape.request("GET", base + "/metrics");
        assertEquals(200, metrics.statusCode());
        assertEquals("text/plain; version=0.0.4; charset=utf-8", metrics.headers().firstValue("Content-Type").orElseThrow());
        assertTrue(metrics.body().contains("updater_sidecar_info{version=\"9.9.9\"} 1\n"), metrics.body());
        HttpResponse<String> status = Scrape.request("GET", base + "/status");
        assertEquals(200, status.statusCode());
        assertEquals("application/json; charset=utf-8", status.headers().firstValue("Content-Type").orElseThrow());
        assertEquals("{\"status\":true}\n", status.body());
        HttpResponse<String> healthz = Scrape.request("GET", base + "/healthz");
        assertEquals(200, healthz.statusCode());
        assertEquals("ok\n", healthz.body());
    }

    @Test
    void head_answersHeadersWithoutABody() throws Exception {
        endpoint = open(freePort());

        for (String path : List.of("/metrics", "/status", "/healthz")) {
            HttpResponse<String> head = Scrape.request("HEAD", base + path);
            assertEquals(200, head.statusCode(), path);
            assertEquals("", head.body(), path);
        }
    }

    @Test
    void everyOtherMethod_gets405WithAllow_andChangesNothing() throws Exception {
        endpoint = open(freePort());

        for (String method : List.of("POST", "PUT", "DELETE", "PATCH", "OPTIONS", "TRACE")) {
            for (String path : List.of("/metrics", "/status", "/healthz")) {
                HttpResponse<String> response = Scrape.request(method, base + path);
                assertEquals(405, response.statusCode(), method + " " + path);
                assertEquals("GET, HEAD", response.headers().firstValue("Allow").orElseThrow(), method + " " + path);
                assertEquals("Method " + method + " is not allowed on " + path + "; it only reads: use GET or HEAD.\n",
                        response.body());
            }
        }
    }

    @Test
    void anyOtherPath_gets404() throws Exception {
        endpoint = open(freePort());

        for (String path : List.of("/", "/metricsx", "/metrics/x", "/status/../healthz2", "/admin")) {
            HttpResponse<String> response = Scrape.request("GET", base + path);
            assertEquals(404, response.statusCode(), path);
            assertEquals("Not found; this endpoint serves /metrics, /status and /healthz.\n", response.body(), path);
        }
    }

    @Test
    void aPortInUse_isSaidInOneLine_andTheEndpointStaysOff() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            int port = taken.getLocalPort();

            endpoint = open(port);

            String sentence = "cannot listen on http://127.0.0.1:" + port + " (--metrics-port " + port + "): " + TakenPorts.refusal(port)
                    + "; /metrics, /status and /healthz are off, and the sidecar goes on"
                    + " supervising. Free the port or give another --metrics-port, then restart the sidecar.";
            assertEquals(List.of("metrics: " + sentence), log);
            assertEquals(sentence, endpoint.problem().orElseThrow());
            assertTrue(endpoint.metricsUrl().isEmpty());
        }
    }

}
