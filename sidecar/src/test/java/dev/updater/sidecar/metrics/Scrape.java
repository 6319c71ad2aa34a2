package dev.updater.sidecar.metrics;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/** Talks to a metrics endpoint on loopback as Prometheus and curl would, and runs promtool where installed. */
final class Scrape {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private Scrape() {
    }

    static HttpResponse<String> request(String method, String url) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5))
                .method(method, HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
    }

    static String get(String url) throws IOException, InterruptedException {
        HttpResponse<String> response = request("GET", url);
        if (response.statusCode() != 200) {
            throw new AssertionError("GET " + url + " answered " + response.statusCode() + ": " + response.body());
        }
        return response.body();
    }

    /** promtool from the Debian package {@code prometheus} (.ci/run installs it), when it is on the PATH. */
    static Optional<Path> promtool() {
        return onPath("promtool");
    }

    static Optional<Path> onPath(String name) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
            Path candidate = Path.of(dir, name);
            if (Files.isExecutable(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    /** Runs promtool with {@code args} and {@code stdin}; returns its exit code and what it printed. */
    static String[] promtool(List<String> args, String stdin) throws IOException, InterruptedException {
        List<String> command = new java.util.ArrayList<>(List.of(promtool().orElseThrow().toString()));
        command.addAll(args);
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        try (var in = p.getOutputStream()) {
            in.write(stdin.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }
        String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("promtool " + args + " did not finish in 30 s");
        }
        return new String[] {Integer.toString(p.exitValue()), out};
    }
}
