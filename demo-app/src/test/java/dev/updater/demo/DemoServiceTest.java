package dev.updater.demo;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.updater.demo.release.BrokenRelease;
import dev.updater.demo.release.DarkThemeRelease;
import dev.updater.demo.release.FirstRelease;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DemoServiceTest {
    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    @TempDir
    Path temp;

    private DemoService service;

    @AfterEach
    void stopService() {
        if (service != null) {
            service.stop();
        }
    }

    @Test
    void start_onAFreePort_answersAndAnnouncesItsUrl() throws Exception {
        Path dataFile = temp.resolve("data.properties");

        service = start("1.0.0", new FirstRelease(), dataFile, 0);

        URI uri = service.uri();
        assertTrue(uri.toString().matches("http://127\\.0\\.0\\.1:\\d+/"), uri.toString());
        assertEquals("demo-app 1.0.0 listening on " + uri + " (0 visits so far; data file "
                + dataFile.toAbsolutePath() + ")", service.announcement());
        assertEquals(200, get(uri.resolve("/health")).statusCode());
        assertEquals("1.0.0\n", get(uri.resolve("/version")).body());
    }

    @Test
    void start_afterAnotherVersion_announcesWhereItCameFrom() throws Exception {
        Path dataFile = temp.resolve("data.properties");
        Files.writeString(dataFile, "visits=5\nlast-version=1.0.0\n");

        service = start("1.1.0", new DarkThemeRelease(), dataFile, 0);

        assertEquals("demo-app 1.1.0 listening on " + service.uri() + " (updated from 1.0.0; 5 visits so far; data file "
                + dataFile.toAbsolutePath() + ")", service.announcement());
        assertTrue(get(service.uri()).body().contains("updated from 1.0.0 at "));
    }

    @Test
    void start_ofABrokenRelease_failsBeforeTouchingTheDataFileOrThePort() throws Exception {
        Path dataFile = temp.resolve("data.properties");
        Files.writeString(dataFile, "visits=5\nlast-version=1.1.0\n");
        int port = freePort();

        StartupFailure failure = assertThrows(StartupFailure.class,
                () -> start("1.2.0", new BrokenRelease(), dataFile, port));

        assertTrue(failure.getMessage().startsWith("simulated startup failure: "), failure.getMessage());
        assertEquals("visits=5\nlast-version=1.1.0\n", Files.readString(dataFile));
        try (ServerSocket stillFree = new ServerSocket(port, 1, LOOPBACK)) {
            assertEquals(port, stillFree.getLocalPort());
        }
    }

    @Test
    void start_onATakenPort_failsWithoutRecordingTheVersion() throws Exception {
        Path dataFile = temp.resolve("data.properties");
        Files.writeString(dataFile, "visits=5\nlast-version=1.0.0\n");
        try (ServerSocket taken = new ServerSocket(0, 1, LOOPBACK)) {
            int port = taken.getLocalPort();

            StartupFailure failure = assertThrows(StartupFailure.class,
                    () -> start("1.1.0", new DarkThemeRelease(), dataFile, port));

            // The OS's words for "in use" differ (Windows adds ": bind").
            assertTrue(failure.getMessage().startsWith("cannot listen on 127.0.0.1:" + port + ": Address already in use"),
                    failure.getMessage());
            assertTrue(failure.getMessage().endsWith("; choose another port with --port (0 picks a free one)"),
                    failure.getMessage());
        }
        assertEquals("visits=5\nlast-version=1.0.0\n", Files.readString(dataFile));
    }

    @Test
    void start_withABadDataFile_failsBeforeBindingThePort() throws Exception {
        Path dataFile = temp.resolve("data.properties");
        Files.writeString(dataFile, "visits=lots\n");
        int port = freePort();

        assertThrows(StartupFailure.class, () -> start("1.0.0", new FirstRelease(), dataFile, port));

        try (ServerSocket stillFree = new ServerSocket(port, 1, LOOPBACK)) {
            assertEquals(port, stillFree.getLocalPort());
        }
    }

    @Test
    void concurrentVisits_areEachCountedOnce() throws Exception {
        Path dataFile = temp.resolve("data.properties");
        service = start("1.0.0", new FirstRelease(), dataFile, 0);
        List<CompletableFuture<HttpResponse<String>>> visits = new ArrayList<>();

        for (int i = 0; i < 40; i++) {
            visits.add(client.sendAsync(HttpRequest.newBuilder(service.uri()).build(), HttpResponse.BodyHandlers.ofString()));
        }
        for (CompletableFuture<HttpResponse<String>> visit : visits) {
            assertEquals(200, visit.get().statusCode());
        }

        assertEquals(40, DataFile.open(dataFile).visits());
    }

    @Test
    void stop_savesTheCounterSaysSoAndStopsAnswering() throws Exception {
        Path dataFile = temp.resolve("data.properties");
        service = start("1.0.0", new FirstRelease(), dataFile, 0);
        URI uri = service.uri();
        get(uri);
        get(uri);

        service.stop();
        service.stop();

        String stopped = out.toString(StandardCharsets.UTF_8);
        assertTrue(stopped.matches("demo-app 1\\.0\\.0 stopped after \\d+s; 2 visits saved to "
                + Pattern.quote(dataFile.toAbsolutePath().toString()) + "\\R"), stopped);
        assertEquals("", err.toString(StandardCharsets.UTF_8));
        assertEquals(2, DataFile.open(dataFile).visits());
        assertThrows(ConnectException.class, () -> get(uri.resolve("/health")));
    }

    @Test
    void stop_withNothingInProgress_closesAnIdleKeptAliveConnectionAtOnce_notAfterTheGrace() throws Exception {
        service = start("1.0.0", new FirstRelease(), temp.resolve("data.properties"), 0);
        URI uri = service.uri();
        try (java.net.Socket kept = new java.net.Socket(LOOPBACK, uri.getPort())) {
            kept.setSoTimeout(10_000);
            kept.getOutputStream().write(("GET /version HTTP/1.1\r\nHost: localhost\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            java.io.InputStream in = kept.getInputStream();
            StringBuilder head = new StringBuilder();
            while (!head.toString().endsWith("\r\n\r\n")) {
                head.append((char) in.read());
            }
            assertTrue(head.toString().startsWith("HTTP/1.1 200"), head.toString());
            java.util.regex.Matcher length = Pattern.compile("(?i)content-length: (\\d+)").matcher(head);
            assertTrue(length.find(), head.toString());
            in.readNBytes(Integer.parseInt(length.group(1))); // the whole answer: the connection is now idle
            Thread.sleep(200); // part of the scenario, not a wait for a condition: a client between two requests

            long started = System.nanoTime();
            service.stop();
            long tookMillis = (System.nanoTime() - started) / 1_000_000;

            // JDK 17's HttpServer.stop(1) held an idle kept-alive connection (and its next request) for the whole second
            assertTrue(tookMillis < 900, "stop took " + tookMillis + " ms with nothing in progress");
            assertEquals(-1, in.read(), "the idle connection is closed, so its client retries elsewhere at once");
        }
    }

    @Test
    void stop_answersARequestOnAConnectionAcceptedJustBefore_withConnectionClose_insteadOfResettingIt() throws Exception {
        service = start("1.0.0", new FirstRelease(), temp.resolve("data.properties"), 0);
        try (java.net.Socket accepted = new java.net.Socket(LOOPBACK, service.uri().getPort())) {
            accepted.setSoTimeout(10_000);
            CompletableFuture<Void> stopped = CompletableFuture.runAsync(service::stop);
            await().until(service::isStopping);

            // an overlap update's old host: the client connected before its port moved, its request comes after the stop began
            accepted.getOutputStream().write(("GET /version HTTP/1.1\r\nHost: localhost\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            String answer = new String(accepted.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
            stopped.get(); // the stop is over before the next test starts one

            assertTrue(answer.startsWith("HTTP/1.1 200"), answer);
            assertTrue(Pattern.compile("(?i)\r\nconnection: close\r\n").matcher(answer).find(),
                    "a kept-alive client is told to go elsewhere: " + answer);
            assertTrue(answer.endsWith("\r\n\r\n1.0.0\n"), "the whole answer, then the connection ends: " + answer);
        }
    }

    @Test
    void uptime_grows() throws Exception {
        service = start("1.0.0", new FirstRelease(), temp.resolve("data.properties"), 0);

        Duration first = service.uptime();

        assertFalse(first.isNegative());
        await().until(() -> service.uptime().compareTo(first) > 0);
    }

    private DemoService start(String version, Release release, Path dataFile, int port) throws StartupFailure {
        return DemoService.start(new ThisRelease(version, release), new Options(LOOPBACK, port, dataFile),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    private HttpResponse<String> get(URI uri) throws IOException, InterruptedException {
        return client.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, LOOPBACK)) {
            return socket.getLocalPort();
        }
    }
}
