package dev.updater.sidecar.cli;

import dev.updater.core.home.UpdateHome;
import dev.updater.core.home.SidecarRecord;
import dev.updater.sidecar.health.GateSettings;
import dev.updater.sidecar.metrics.MetricsEndpoint;
import dev.updater.sidecar.supervise.ApplyPolicy;
import dev.updater.sidecar.supervise.SidecarLock;
import dev.updater.sidecar.supervise.SidecarSettings;
import dev.updater.sidecar.supervise.RestartSettings;
import dev.updater.sidecar.supervise.SidecarReport;
import dev.updater.sidecar.supervise.SupervisionCounters;
import dev.updater.sidecar.testhost.Staging;
import dev.updater.sidecar.testhost.TakenPorts;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code --metrics-port} and {@code --metrics-bind} of run and watch, and what status shows of the endpoint. */
class MetricsOptionsTest {
    @TempDir
    Path dir;

    @Test
    void aBindAddressNotOfThisMachine_isAUsageError_beforeTheHomeIsTouched() {
        Path home = dir.resolve("home");

        CliRun run = CliRun.run("run", "--home", home.toString(), "--metrics-port", "9400", "--metrics-bind",
                "192.0.2.7", "--", "java", "-jar", "app.jar");

        assertEquals(2, run.exitCode(), run.toString());
        assertTrue(run.err().startsWith("Invalid value for option '--metrics-bind': '192.0.2.7' is not an address of"
                + " this machine; give 127.0.0.1 (the default), 0.0.0.0 for every interface, or one of this machine's"
                + " own addresses\n"), run.err());
        assertTrue(run.err().contains("Run 'updater-sidecar run --help' for more information."), run.err());
        assertFalse(Files.exists(home), "the home was not created");
    }

    @Test
    void aPortOutOfRange_andABindWithoutPort_areUsageErrors() {
        Path home = dir.resolve("home");

        CliRun port = CliRun.run("watch", "--home", home.toString(), "--metrics-port", "70000");
        CliRun bindOnly = CliRun.run("watch", "--home", home.toString(), "--metrics-bind", "0.0.0.0");

        assertEquals(2, port.exitCode(), port.toString());
        assertTrue(port.err().startsWith("Invalid value for option '--metrics-port': 70000 is not a TCP port; give 1"
                + " to 65535, such as 9400\n"), port.err());
        assertEquals(2, bindOnly.exitCode(), bindOnly.toString());
        assertTrue(bindOnly.err().startsWith("--metrics-bind needs --metrics-port: give the port to listen on, such as"
                + " --metrics-port 9400\n"), bindOnly.err());
        assertFalse(Files.exists(home), "the home was not created");
    }

    private static MetricsEndpoint open(UpdateHome home, int port, List<String> log) {
        MetricsOptions options = new MetricsOptions();
        options.port = port;
        options.bind = InetAddress.getLoopbackAddress();
        SidecarSettings settings = new SidecarSettings(ApplyPolicy.ON_EXIT,
                new GateSettings(null, Duration.ZERO, Duration.ofSeconds(5)), Duration.ofSeconds(5), 2, null,
                Duration.ZERO, RestartSettings.STOP_START);
        return options.open(home, settings, SupervisionCounters.none(),
                new SidecarReport(home, SidecarRecord.Mode.RUN, settings.policy(), Clock.systemUTC(), log::add), Clock.systemUTC(), log::add);
    }

    @Test
    void slashStatus_isByteForByteWhatStatusJsonPrints() throws Exception {
        UpdateHome home = new UpdateHome(Staging.newHome(dir.resolve("home")));
        Staging.stage(home.dir(), Files.writeString(dir.resolve("a.jar"), "release 1.2.0"), "1.2.0", true, "breaking");
        int port;
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }
        try (MetricsEndpoint endpoint = open(home, port, new ArrayList<>())) {
            HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + port + "/status")).build(), HttpResponse.BodyHandlers.ofString());

            CliRun status = CliRun.run("status", "--home", home.dir().toString(), "--json");
            assertEquals(0, status.exitCode(), status.toString());
            assertEquals(200, response.statusCode());
            assertEquals(status.out(), response.body());
        }
    }

    @Test
    void aPortInUse_isShownByStatus_whileTheSidecarRuns() throws Exception {
        UpdateHome home = new UpdateHome(Staging.newHome(dir.resolve("home")));
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
             SidecarLock lock = SidecarLock.acquire(home)) {
            int port = taken.getLocalPort();
            List<String> log = new ArrayList<>();

            try (MetricsEndpoint endpoint = open(home, port, log)) {
                String sentence = "cannot listen on http://127.0.0.1:" + port + " (--metrics-port " + port + "): " + TakenPorts.refusal(port)
                        + "; /metrics, /status and /healthz are off, and the"
                        + " sidecar goes on supervising. Free the port or give another --metrics-port, then restart"
                        + " the sidecar.";
                assertEquals(List.of("metrics: " + sentence), log);

                CliRun text = CliRun.run("status", "--home", home.dir().toString());
                CliRun json = CliRun.run("status", "--home", home.dir().toString(), "--json");

                assertEquals(0, text.exitCode(), text.toString());
                assertEquals("Metrics:      off: " + sentence, text.out().lines().toList().get(2), text.out());
                assertTrue(json.out().contains("\"metrics\" : {\n      \"url\" : null,\n      \"problem\" : \""
                        + sentence + "\"\n    }"), json.out());
            }
        }
    }
}
