package dev.updater.sidecar.load;

import dev.updater.core.download.LoopbackHttpServer;

import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Against real servers on 127.0.0.1: what the generator counts as a failure, and what a client would retry. */
class LoadGeneratorTest {
    private static final int RATE = 200;
    private static final Duration RUN = Duration.ofMillis(1_500);

    @Test
    void a_healthy_server_gives_no_failure_and_the_rate_is_held() throws Exception {
        try (LoopbackHttpServer server = new LoopbackHttpServer().file("/", "ok".getBytes(StandardCharsets.UTF_8), null,
                null)) {
            LoadReport report = run(server.uri("/"));

            assertEquals(0, report.failures().size(), report.toString());
            assertEquals(0, report.retried(), report.toString());
            long keepAlive = report.samples().stream().filter(Sample::keepAlive).count();
            assertTrue(Math.abs(report.requests() - 2 * keepAlive) <= 1, "half on keep-alive connections: " + keepAlive
                    + " of " + report.requests());
            // Open loop: the count follows the schedule, whatever the answers (a busy machine may start some late).
            assertTrue(report.requests() >= RATE * RUN.toMillis() / 1000 * 8 / 10, report.toString());
        }
    }

    @Test
    void a_server_that_resets_every_connection_gives_one_counted_failure_per_request() throws Exception {
        try (ScriptedServer server = new ScriptedServer((connection, request, socket) -> {
            socket.setSoLinger(true, 0); // close with RST, as a host killed with a queue of connections does
            socket.close();
        })) {
            LoadReport report = run(server.uri());

            assertTrue(report.requests() > 100, report.toString());
            assertEquals(report.requests(), report.failures().size(), report.toString());
            assertEquals(Map.of(FailureReason.RESET, (long) report.requests()), report.failuresByReason());
            assertEquals(0, report.retried(), "a new connection closed before answering is not retried");
        }
    }

    @Test
    void a_server_that_closes_idle_keep_alive_connections_gives_retried_successes() throws Exception {
        try (ScriptedServer server = new ScriptedServer((connection, request, socket) -> {
            answer(socket, 200, false);
            socket.close(); // every connection closed after its first answer, as an idle timeout does
        })) {
            LoadReport report = run(server.uri());

            assertEquals(0, report.failures().size(), report.toString());
            assertTrue(report.retried() > 10, "reused connections found closed and retried: " + report.retried());
            assertTrue(report.samples().stream().filter(Sample::retried).allMatch(Sample::keepAlive));
        }
    }

    @Test
    void a_reused_connection_closed_in_the_middle_of_an_answer_is_a_failure_not_a_retry() throws Exception {
        try (ScriptedServer server = new ScriptedServer((connection, request, socket) -> {
            if (request == 0) {
                answer(socket, 200, false);
            } else {
                OutputStream out = socket.getOutputStream();
                out.write("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\npartial".getBytes(StandardCharsets.ISO_8859_1));
                out.flush();
                socket.close();
            }
        })) {
            LoadReport report = run(server.uri());

            assertTrue(report.failures().size() > 10, report.toString());
            assertEquals(0, report.retried(), report.toString());
            assertTrue(report.failures().stream().allMatch(s -> s.keepAlive() && s.failure() == FailureReason.RESET
                    && s.detail().contains("ended 93 bytes early")), report.failures().get(0).toString());
        }
    }

    @Test
    void a_server_answering_500_gives_status_failures_and_nothing_listening_gives_refused() throws Exception {
        try (ScriptedServer server = new ScriptedServer((connection, request, socket) -> answer(socket, 500, true))) {
            LoadReport report = run(server.uri());
            assertEquals(Map.of(FailureReason.STATUS, (long) report.requests()), report.failuresByReason());
            assertEquals("status 500", report.failures().get(0).detail());
        }
        int closedPort;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = s.getLocalPort();
        }
        LoadReport refused = run(URI.create("http://127.0.0.1:" + closedPort + "/"));
        assertEquals(Map.of(FailureReason.REFUSED, (long) refused.requests()), refused.failuresByReason());
    }

    @Test
    void windows_between_marks_split_the_run() throws Exception {
        try (LoopbackHttpServer server = new LoopbackHttpServer().file("/", new byte[] {'x'}, null, null)) {
            LoadGenerator load = LoadGenerator.start(LoadSettings.of(server.uri("/"), RATE));
            Thread.sleep(500); // the length of a window under test, not a wait for a condition
            load.mark("second half");
            Thread.sleep(500);
            LoadReport report = load.stop();

            LoadReport.Window window = report.betweenMarks().get(0);
            assertEquals("second half", window.name());
            long scheduled = (report.stoppedAt() - report.marks().get(0).at()) * RATE / 1_000_000_000L;
            assertTrue(window.requests() <= scheduled + 1 && window.requests() >= scheduled * 8 / 10,
                    window.line() + ", scheduled " + scheduled);
            assertTrue(window.requests() < report.requests(), window.line());
            assertEquals(report.requests(), report.window("all", report.startedAt(), report.stoppedAt() + 1).requests());
        }
    }

    @Test
    void settings_refuse_what_cannot_be_sent() {
        assertEquals("give an http URL with a host and a port, such as http://127.0.0.1:8080/health, not "
                        + "https://127.0.0.1:1/", assertThrows(IllegalArgumentException.class,
                () -> LoadSettings.of(URI.create("https://127.0.0.1:1/"), 10)).getMessage());
        assertEquals("the rate must be 1 to 100000 requests a second, not 0", assertThrows(IllegalArgumentException.class,
                () -> LoadSettings.of(URI.create("http://127.0.0.1:1/"), 0)).getMessage());
    }

    @Test
    void percentiles_are_nearest_rank() {
        long[] sorted = new long[100];
        for (int i = 0; i < 100; i++) {
            sorted[i] = i + 1;
        }
        assertEquals(50, LoadReport.percentile(sorted, 0.50).toNanos());
        assertEquals(99, LoadReport.percentile(sorted, 0.99).toNanos());
        assertEquals(Duration.ZERO, LoadReport.percentile(new long[0], 0.99));
    }

    private static LoadReport run(URI uri) throws InterruptedException {
        LoadGenerator load = LoadGenerator.start(new LoadSettings(new InetSocketAddress(uri.getHost(), uri.getPort()),
                uri.getPath(), RATE, Duration.ofSeconds(5))); // Windows takes about 2 s to report a refused connect
        Thread.sleep(RUN.toMillis()); // the length of the run under test
        return load.stop();
    }

    private static void answer(Socket socket, int status, boolean close) throws IOException {
        OutputStream out = socket.getOutputStream();
        out.write(("HTTP/1.1 " + status + " X\r\nContent-Length: 2\r\n" + (close ? "Connection: close\r\n" : "")
                + "\r\nok").getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
    }

    /** What the server does with request number {@code request} (from 0) on connection number {@code connection}. */
    private interface Script {
        void handle(int connection, int request, Socket socket) throws IOException;
    }

    /** A loopback server that reads each request's head and lets the test decide what the client sees. */
    private static final class ScriptedServer implements AutoCloseable {
        private final ServerSocket server;
        private final AtomicInteger connections = new AtomicInteger();

        ScriptedServer(Script script) throws IOException {
            server = new ServerSocket(0, 200, InetAddress.getLoopbackAddress());
            Thread accept = new Thread(() -> {
                while (!server.isClosed()) {
                    try {
                        Socket socket = server.accept();
                        int number = connections.getAndIncrement();
                        Thread t = new Thread(() -> serve(script, number, socket), "scripted-" + number);
                        t.setDaemon(true);
                        t.start();
                    } catch (IOException e) {
                        return; // closed
                    }
                }
            }, "scripted-accept");
            accept.setDaemon(true);
            accept.start();
        }

        private static void serve(Script script, int connection, Socket socket) {
            try (socket; BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(),
                    StandardCharsets.ISO_8859_1))) {
                for (int request = 0; !socket.isClosed(); request++) {
                    String line = in.readLine();
                    if (line == null) {
                        return;
                    }
                    while (line != null && !line.isEmpty()) {
                        line = in.readLine();
                    }
                    script.handle(connection, request, socket);
                }
            } catch (IOException e) {
                // the client went away
            }
        }

        URI uri() {
            return URI.create("http://127.0.0.1:" + server.getLocalPort() + "/");
        }

        @Override
        public void close() throws IOException {
            server.close();
        }
    }
}
