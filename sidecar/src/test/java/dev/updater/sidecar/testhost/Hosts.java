package dev.updater.sidecar.testhost;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Looks at the hosts of a test home from outside: what they serve, and their pids, to clean up after a test. */
public final class Hosts {
    private static final Pattern PID = Pattern.compile("\"pid\"\\s*:\\s*(\\d+)");
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofMillis(500)).build();

    private Hosts() {
    }

    /** The body of a 2xx answer from the host on {@code port}, or null when nothing answers. */
    public static String get(int port, String path) {
        try {
            HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                    .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString());
            return response.statusCode() / 100 == 2 ? response.body() : null;
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    /** The version the host on {@code port} serves, or null. */
    public static String version(int port) {
        return get(port, "/version");
    }

    /** The pid in the home's agent.json, if any. */
    public static Optional<Long> recordedPid(Path home) {
        try {
            Matcher m = PID.matcher(Files.readString(home.resolve("agent.json")));
            return m.find() ? Optional.of(Long.parseLong(m.group(1))) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** Kills the host the home's agent.json names, if it still runs (an orphan of a killed sidecar). */
    public static void killRecorded(Path home) {
        recordedPid(home).flatMap(ProcessHandle::of).ifPresent(p -> {
            p.destroyForcibly();
            p.onExit().join();
        });
    }
}
