package dev.updater.sidecar.testhost.apps;

import dev.updater.core.testing.ChildProcess;
import dev.updater.sidecar.load.FailureReason;
import dev.updater.sidecar.load.LoadGenerator;
import dev.updater.sidecar.load.LoadReport;
import dev.updater.sidecar.load.LoadSettings;

import org.junit.jupiter.api.condition.DisabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The real test hosts the overlap ITs update (JDK HttpServer, Jetty 12, Spring Boot on Tomcat), each
 * as a child JVM from its thin jar: serves the load generator with no failed request, answers its
 * version, and on SIGTERM finishes a request in flight before it exits; and the three bad releases
 * behave as a health gate must see them.
 */
class TestHostAppsIT {
    static final Path JDK25 = Path.of("/usr/lib/jvm/temurin-25-jdk-amd64/bin/java");
    private static final Duration START = Duration.ofSeconds(60);
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @TempDir
    Path temp;

    static Stream<Arguments> kindsAndJdks() {
        Path jdk17 = Path.of(System.getProperty("java.home"), "bin", "java");
        return Stream.of(AppJars.Kind.values()).flatMap(k -> Stream.of(Arguments.of(k, jdk17), Arguments.of(k, JDK25)));
    }

    @ParameterizedTest(name = "{0} on {1}")
    @MethodSource("kindsAndJdks")
    @DisabledOnOs(value = OS.WINDOWS, disabledReason = "Process.destroy() is not a signal there: no shutdown hooks run")
    void servesTheLoadWithNoFailure_andOnSigtermFinishesTheRequestInFlight(AppJars.Kind kind, Path java)
            throws Exception {
        assumeTrue(Files.isExecutable(java), "no JDK at " + java);
        Path jar = AppJars.build(temp.resolve("app.jar"), kind, "1.0.0", AppRelease.Behaviour.GOOD);
        int port = freePort();
        try (ChildProcess app = ChildProcess.start(ChildProcess.java(java, "-jar", jar, "--port", port))) {
            app.awaitLine(line -> line.endsWith(": listening on 127.0.0.1:" + port), START);
            assertEquals("1.0.0", get(port, "/version").body());
            assertEquals("ok 1.0.0\n", get(port, "/health").body());

            LoadGenerator load = LoadGenerator.start(LoadSettings.of(URI.create("http://127.0.0.1:" + port + "/"), 300));
            Thread.sleep(3_000); // the length of the run under test
            LoadReport report = load.stop();
            assertEquals(0, report.failures().size(), report.toString());
            assertTrue(report.requests() >= 600, report.toString()); // 900 scheduled; a busy machine starts some late

            CompletableFuture<HttpResponse<String>> inFlight = HTTP.sendAsync(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/slow?ms=1500")).build(),
                    HttpResponse.BodyHandlers.ofString());
            app.awaitLine(line -> line.endsWith("slow request started (1500 ms)"), START);
            app.term();
            HttpResponse<String> answered = inFlight.get(30, TimeUnit.SECONDS);
            assertEquals(200, answered.statusCode());
            assertEquals("slow done\n", answered.body());
            assertEquals(143, app.awaitExit(START), app.outputText());
            assertTrue(app.outputText().contains(": stopped gracefully"), app.outputText());
            assertRefused(port);
        }
    }

    @ParameterizedTest
    @EnumSource(AppJars.Kind.class)
    void aReleaseThatExitsAtStart_exitsWith3AndNeverListens(AppJars.Kind kind) throws Exception {
        Path jar = AppJars.build(temp.resolve("app.jar"), kind, "1.2.0", AppRelease.Behaviour.EXITS_AT_START);
        int port = freePort();
        try (ChildProcess app = ChildProcess.start(ChildProcess.java("-jar", jar, "--port", port))) {
            assertEquals(AppRelease.EXIT_AT_START, app.awaitExit(START), app.outputText());
            assertTrue(app.outputText().contains(": exits at start with code 3"), app.outputText());
            assertRefused(port);
        }
    }

    @ParameterizedTest
    @EnumSource(AppJars.Kind.class)
    void aReleaseThatAnswers500_failsEveryRequestOfTheLoad(AppJars.Kind kind) throws Exception {
        Path jar = AppJars.build(temp.resolve("app.jar"), kind, "1.2.0", AppRelease.Behaviour.ANSWERS_500);
        int port = freePort();
        try (ChildProcess app = ChildProcess.start(ChildProcess.java("-jar", jar, "--port", port))) {
            app.awaitLine(line -> line.endsWith(": listening on 127.0.0.1:" + port), START);
            assertEquals(500, get(port, "/health").statusCode());

            LoadGenerator load = LoadGenerator.start(LoadSettings.of(URI.create("http://127.0.0.1:" + port + "/"), 300));
            Thread.sleep(1_000); // the length of the run under test
            LoadReport report = load.stop();
            assertEquals(Map.of(FailureReason.STATUS, (long) report.requests()), report.failuresByReason());
        }
    }

    @ParameterizedTest
    @EnumSource(AppJars.Kind.class)
    void aReleaseThatNeverListens_staysAliveWithThePortRefused(AppJars.Kind kind) throws Exception {
        Path jar = AppJars.build(temp.resolve("app.jar"), kind, "1.2.0", AppRelease.Behaviour.NEVER_LISTENS);
        int port = freePort();
        try (ChildProcess app = ChildProcess.start(ChildProcess.java("-jar", jar, "--port", port))) {
            app.awaitLine(line -> line.endsWith(": never listens"), START);
            assertTrue(app.isAlive());
            assertRefused(port);
        }
    }

    private static HttpResponse<String> get(int port, String path) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    }

    static void assertRefused(int port) {
        assertThrows(ConnectException.class, () -> new Socket(InetAddress.getLoopbackAddress(), port).close());
    }

    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
