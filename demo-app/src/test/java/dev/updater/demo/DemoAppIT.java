package dev.updater.demo;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.Reader;
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
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The release jars as an operator runs them: {@code java -jar demo-app-<version>.jar}, in child JVMs. */
class DemoAppIT {
    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
    private static final String SIMULATED_FAILURE = "demo-app 1.2.0: simulated startup failure: this release is broken"
            + " on purpose, so that the updater's health gate fails and rolls it back";

    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @TempDir
    Path temp;

    @ParameterizedTest
    @ValueSource(strings = {"1.0.0", "1.1.0"})
    void eachGoodRelease_answersRootHealthAndVersion_withItsOwnVersion(String version) throws Exception {
        Path data = temp.resolve("data.properties");
        try (DemoProcess app = DemoProcess.start(temp, version, "--port", "0", "--data", data.toString())) {
            URI uri = app.awaitListening();

            assertTrue(uri.toString().matches("http://127\\.0\\.0\\.1:\\d+/"), uri.toString());
            assertEquals(List.of("demo-app " + version + " listening on " + uri + " (0 visits so far; data file "
                    + data.toAbsolutePath() + ")"), app.stdout());
            HttpResponse<String> page = get(uri);
            assertEquals(200, page.statusCode());
            assertTrue(page.body().contains("<title>demo-app " + version + "</title>"), page.body());
            assertTrue(page.body().contains("<dd id=\"version\">" + version + "</dd>"), page.body());
            assertTrue(page.body().contains("<dd id=\"visits\">1</dd>"), page.body());
            assertEquals("ok\n", get(uri.resolve("/health")).body());
            assertEquals(200, get(uri.resolve("/health")).statusCode());
            assertEquals(version + "\n", get(uri.resolve("/version")).body());
            assertEquals(List.of(), app.stderr());
        }
    }

    @Test
    void release110_showsItsNewFeature_andRelease100DoesNot() throws Exception {
        try (DemoProcess first = DemoProcess.start(temp, "1.0.0", "--port", "0", "--data", "first.properties");
                DemoProcess second = DemoProcess.start(temp, "1.1.0", "--port", "0", "--data", "second.properties")) {
            URI firstUri = first.awaitListening();
            URI secondUri = second.awaitListening();

            String firstPage = get(firstUri).body();
            String secondPage = get(secondUri).body();
            HttpResponse<String> firstStats = get(firstUri.resolve("/api/stats"));
            HttpResponse<String> secondStats = get(secondUri.resolve("/api/stats"));

            assertTrue(secondPage.contains("<strong>New in 1.1.0:</strong> this dark theme"), secondPage);
            assertTrue(secondPage.contains("background: #15181d"), secondPage);
            assertTrue(secondPage.contains("Hello from demo-app 1.1.0, now in a dark theme and with a JSON API."),
                    secondPage);
            assertEquals(200, secondStats.statusCode());
            assertEquals("{\"version\":\"1.1.0\",\"uptimeSeconds\":", secondStats.body().substring(0, 35));
            assertTrue(secondStats.body().endsWith(",\"visits\":1,\"updatedFrom\":null,\"updatedAt\":null}\n"),
                    secondStats.body());

            assertFalse(firstPage.contains("New in"), firstPage);
            assertFalse(firstPage.contains("/api/stats"), firstPage);
            assertTrue(firstPage.contains("background: #fafafa"), firstPage);
            assertTrue(firstPage.contains("Hello from the first release of demo-app."), firstPage);
            assertEquals(404, firstStats.statusCode());
        }
    }

    @Test
    void release120_exits1WithASimulatedFailure_neverAnswersHealth_andLeavesTheDataAsItWas() throws Exception {
        Path data = temp.resolve("data.properties");
        String before = "visits=7\nlast-version=1.1.0\nupdated-from=1.0.0\nupdated-at=2026-02-07T12\\:00\\:00Z\n";
        Files.writeString(data, before);
        int port = freePort();
        URI health = URI.create("http://127.0.0.1:" + port + "/health");
        List<String> answers = new CopyOnWriteArrayList<>();

        try (DemoProcess app = DemoProcess.start(temp, "1.2.0", "--port", Integer.toString(port), "--data",
                data.toString())) {
            // Probe /health as a health gate would, for as long as the process lives.
            await().atMost(DemoProcess.PATIENCE).pollInterval(Duration.ofMillis(20)).until(() -> {
                try {
                    answers.add(get(health).statusCode() + "");
                } catch (IOException refused) {
                    // nothing listens: what a failed start looks like from outside
                }
                return !app.isAlive();
            });

            assertEquals(1, app.awaitExit());
            assertEquals(List.of(), answers, "answers from /health");
            assertEquals(List.of(SIMULATED_FAILURE), app.stderr());
            assertEquals(List.of(), app.stdout());
        }
        assertEquals(before, Files.readString(data));
    }

    @Test
    void theCounter_survivesARestartFrom100To110_whichThenSaysUpdatedFrom100() throws Exception {
        Path data = temp.resolve("data.properties");
        try (DemoProcess first = DemoProcess.start(temp, "1.0.0", "--port", "0", "--data", data.toString())) {
            URI uri = first.awaitListening();
            for (int i = 0; i < 3; i++) {
                assertEquals(200, get(uri).statusCode());
            }
            stop(first);
        }

        try (DemoProcess second = DemoProcess.start(temp, "1.1.0", "--port", "0", "--data", data.toString())) {
            URI uri = second.awaitListening();

            assertEquals("demo-app 1.1.0 listening on " + uri + " (updated from 1.0.0; 3 visits so far; data file "
                    + data.toAbsolutePath() + ")", second.stdout().get(0));
            String page = get(uri).body();
            assertTrue(page.contains("<dd id=\"visits\">4</dd>"), page);
            assertTrue(page.matches("(?s).*<dd id=\"updated-from\">updated from 1\\.0\\.0 at [0-9T:-]+Z</dd>.*"), page);
            assertTrue(get(uri.resolve("/api/stats")).body().contains("\"visits\":4,\"updatedFrom\":\"1.0.0\""));
            stop(second);
        }

        // A failed 1.2.0 in between (the rollback scene) is no update: 1.1.0 still says where it came from.
        try (DemoProcess broken = DemoProcess.start(temp, "1.2.0", "--port", "0", "--data", data.toString())) {
            assertEquals(1, broken.awaitExit());
        }
        try (DemoProcess again = DemoProcess.start(temp, "1.1.0", "--port", "0", "--data", data.toString())) {
            URI uri = again.awaitListening();

            assertTrue(again.stdout().get(0).contains("(updated from 1.0.0; 4 visits so far; "), again.stdout().get(0));
            assertTrue(get(uri).body().contains("<dd id=\"visits\">5</dd>"));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"--port x", "--port 70000", "--data", "--verbose", "serve", "--port 1 --port 2"})
    void wrongOptions_exit2WithTheProblemAndTheUsage(String args) throws Exception {
        try (DemoProcess app = DemoProcess.start(temp, "1.0.0", args.split(" "))) {
            assertEquals(2, app.awaitExit());

            List<String> stderr = app.stderr();
            assertEquals(3, stderr.size(), stderr.toString());
            assertTrue(stderr.get(0).startsWith("demo-app: "), stderr.get(0));
            assertEquals("Usage: java -jar demo-app.jar [--port PORT] [--bind ADDR] [--data FILE]", stderr.get(1));
            assertEquals("Run 'java -jar demo-app.jar --help' for the options.", stderr.get(2));
            assertEquals(List.of(), app.stdout());
        }
        try (Stream<Path> files = Files.list(temp)) {
            assertEquals(List.of(), files.toList(), "no data file written");
        }
    }

    @Test
    void help_exits0WithTheUsage() throws Exception {
        try (DemoProcess app = DemoProcess.start(temp, "1.1.0", "--help")) {
            assertEquals(0, app.awaitExit());

            assertEquals(Options.HELP.lines().toList(), app.stdout());
        }
    }

    @Test
    void version_printsTheVersionFromTheJarsManifest() throws Exception {
        try (DemoProcess app = DemoProcess.start(temp, "1.1.0", "--version")) {
            assertEquals(0, app.awaitExit());

            assertEquals(List.of("demo-app 1.1.0"), app.stdout());
        }
    }

    @Test
    void aTakenPort_exits1SayingWhichPortAndWhatToDo() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, LOOPBACK);
                DemoProcess app = DemoProcess.start(temp, "1.0.0", "--port", Integer.toString(taken.getLocalPort()))) {
            assertEquals(1, app.awaitExit());

            String line = app.stderr().get(0);
            assertTrue(line.startsWith("demo-app 1.0.0: cannot listen on 127.0.0.1:" + taken.getLocalPort() + ": "), line);
            assertTrue(line.endsWith("; choose another port with --port (0 picks a free one)"), line);
        }
    }

    @Test
    void anExplicitPortAndDataFile_areTheOnesUsed() throws Exception {
        int port = freePort();
        try (DemoProcess app = DemoProcess.start(temp, "1.0.0", "--port=" + port, "--data=sub/visits.properties")) {
            URI uri = app.awaitListening();

            assertEquals(URI.create("http://127.0.0.1:" + port + "/"), uri);
            get(uri);
            assertEquals("1", readData(temp.resolve("sub/visits.properties")).getProperty("visits"));
        }
    }

    @Test
    @DisabledOnOs(value = OS.WINDOWS, disabledReason = "Process.destroy() is not a signal there: no shutdown hooks run")
    void sigterm_stopsIt_savingTheCounter_andLeavesTheDataFileIntact() throws Exception {
        Path data = temp.resolve("data.properties");
        try (DemoProcess app = DemoProcess.start(temp, "1.0.0", "--port", "0", "--data", data.toString())) {
            URI uri = app.awaitListening();
            get(uri);
            get(uri);

            app.terminate();
            int status = app.awaitExit();

            assertTrue(status == 143 || status == 0, "exit status " + status);
            List<String> stdout = app.stdout();
            assertEquals(2, stdout.size(), stdout.toString());
            assertTrue(stdout.get(1).matches("demo-app 1\\.0\\.0 stopped after \\d+s; 2 visits saved to .*"),
                    stdout.get(1));
            assertTrue(stdout.get(1).endsWith(" saved to " + data.toAbsolutePath()), stdout.get(1));
            assertEquals(List.of(), app.stderr());
        }
        Properties saved = readData(data);
        assertEquals("2", saved.getProperty("visits"));
        assertEquals("1.0.0", saved.getProperty("last-version"));
        try (Stream<Path> files = Files.list(temp)) {
            assertEquals(List.of(data, temp.resolve("data.properties.lock")), files.sorted().toList(),
                    "no temporary file left behind");
        }
    }

    /** SIGTERM where it is a signal; elsewhere a kill, which the counter survives too: it is saved at each visit. */
    private static void stop(DemoProcess app) throws InterruptedException {
        app.terminate();
        app.awaitExit();
    }

    private HttpResponse<String> get(URI uri) throws IOException, InterruptedException {
        return client.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static Properties readData(Path file) throws IOException {
        Properties properties = new Properties();
        try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            properties.load(in);
        }
        return properties;
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, LOOPBACK)) {
            return socket.getLocalPort();
        }
    }
}
