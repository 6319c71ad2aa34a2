package dev.updater.sidecar.demo;

import com.sun.net.httpserver.HttpServer;

import dev.updater.sidecar.load.FailureReason;
import dev.updater.sidecar.load.LoadReport;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class UpdateUnderLoadTest {
    @Test
    void aStopStartOfTheServer_duringTheUpdate_isCountedAndSummarized() throws Exception {
        HttpServer first = serve(0);
        int port = first.getAddress().getPort();
        URI url = URI.create("http://127.0.0.1:" + port + "/version");

        LoadReport report = UpdateUnderLoad.during(List.of(url), () -> {
            Thread.sleep(300); // served before
            first.stop(0);
            Thread.sleep(300); // down: what a stop-start update does to clients
            HttpServer second = serve(port);
            Thread.sleep(300); // served after
            second.stop(0);
        }).get(0);

        long refused = report.failuresByReason().getOrDefault(FailureReason.REFUSED, 0L);
        assertTrue(refused >= 30, report.toString());
        // what a stop-start does to clients: refused while no server listens; a connection caught by the
        // stop is reset, or, on a loaded machine, left unanswered until the client's timeout
        assertEquals(report.failures().size(), refused + report.failuresByReason().getOrDefault(FailureReason.RESET, 0L)
                + report.failuresByReason().getOrDefault(FailureReason.TIMEOUT, 0L), report.toString());
        String summary = UpdateUnderLoad.summary("stop-start", report);
        assertTrue(summary.startsWith("stop-start update: " + report.failures().size() + " of " + report.requests()
                + " requests failed (refused " + refused), summary);
        assertTrue(summary.matches(".*\\); p99 \\d+ ms"), summary);
        String firstFailed = UpdateUnderLoad.firstFailure(report).orElseThrow();
        assertTrue(firstFailed.matches("first failed request: \\d+\\.\\d s into the load, a (new|kept-alive) connection.*: "
                + "(refused|reset) \\(.+\\)"), firstFailed);
    }

    @Test
    void aFailedUpdate_stopsTheLoad_andItsErrorIsTheOneThrown() throws Exception {
        HttpServer server = serve(0);
        try {
            URI url = URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/version");
            IOException thrown = assertThrows(IOException.class, () -> UpdateUnderLoad.during(List.of(url), () -> {
                throw new IOException("publish failed");
            }));
            assertEquals("publish failed", thrown.getMessage());
        } finally {
            server.stop(0);
        }
    }

    @Test
    void noFailure_isSaidWithoutReasons_andTwoServicesGetAReportEach() throws Exception {
        HttpServer server = serve(0);
        HttpServer twin = serve(0);
        try {
            List<LoadReport> reports = UpdateUnderLoad.during(List.of(
                    URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/version"),
                    URI.create("http://127.0.0.1:" + twin.getAddress().getPort() + "/version")), () -> Thread.sleep(300));
            assertEquals(2, reports.size());
            assertTrue(reports.get(1).requests() > 0, reports.get(1).toString());
            LoadReport report = reports.get(0);
            assertEquals(Map.of(), report.failuresByReason());
            assertEquals("overlap update: 0 of " + report.requests() + " requests failed; p99 "
                    + report.total().p99().toMillis() + " ms", UpdateUnderLoad.summary("overlap", report));
            assertEquals(java.util.Optional.empty(), UpdateUnderLoad.firstFailure(report));
        } finally {
            server.stop(0);
            twin.stop(0);
        }
    }

    private static HttpServer serve(int port) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 50);
        server.createContext("/", exchange -> {
            exchange.sendResponseHeaders(200, 2);
            exchange.getResponseBody().write("ok".getBytes());
            exchange.close();
        });
        server.start();
        return server;
    }
}
