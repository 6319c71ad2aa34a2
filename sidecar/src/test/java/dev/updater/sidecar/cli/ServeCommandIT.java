package dev.updater.sidecar.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.updater.core.testing.ChildProcess;
import dev.updater.sidecar.testhost.SidecarJar;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/** Runs {@code java -jar updater-sidecar.jar serve} as an operator would, and stops it with SIGTERM. */
class ServeCommandIT {
    private static final Pattern SERVING = Pattern.compile("Serving (.+) at (http://127\\.0\\.0\\.1:\\d+/)");

    @TempDir
    Path temp;

    private ChildProcess serve;

    @AfterEach
    void killLeftover() {
        if (serve != null) {
            serve.close();
        }
    }

    @Test
    @DisabledOnOs(value = OS.WINDOWS, disabledReason = "Process.destroy() is not a signal there: no shutdown hooks run")
    void serve_printsItsUrlLogsEachRequestAndStopsCleanlyOnSigterm() throws Exception {
        SidecarJar.assumeBuilt();
        Path releases = Files.createDirectory(temp.resolve("releases"));
        Files.writeString(releases.resolve("manifest.json"), "{\"version\":\"1.3.0\"}");
        serve = SidecarJar.start(List.of(), List.of("serve", releases.toString(), "--port", "0"));

        serve.awaitLine(SERVING.asPredicate(), Duration.ofSeconds(30));
        // the two lines come one after the other: the second may not be read yet when the first is
        serve.awaitLine("Press Ctrl+C to stop.", Duration.ofSeconds(10));
        Matcher serving = SERVING.matcher(serve.output().get(0));
        assertTrue(serving.matches(), serve.toString());
        assertEquals(releases.toString(), serving.group(1));
        assertEquals("Press Ctrl+C to stop.", serve.output().get(1));

        HttpResponse<String> response = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create(serving.group(2)).resolve("manifest.json")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode());
        assertEquals("{\"version\":\"1.3.0\"}", response.body());
        serve.awaitLine(line -> line.matches("GET /manifest\\.json 200 19 bytes \\d+ ms \\(127\\.0\\.0\\.1\\)"),
                Duration.ofSeconds(10));

        serve.term();
        assertEquals(143, serve.awaitExit(Duration.ofSeconds(10)), "the JVM's exit status after SIGTERM");
        List<String> output = serve.output();
        assertEquals("Stopped serving " + releases + ".", output.get(output.size() - 1), serve.toString());
    }

    /** The scenario of issue 10: keygen --out ch; publish --key ch/updater.key --out ch; serve ch. */
    @Test
    void serve_ofAChannelHoldingItsSigningKey_neverServesTheKey_logsWhy_andServesTheRest() throws Exception {
        SidecarJar.assumeBuilt();
        Path ch = temp.resolve("ch");
        assertEquals(0, CliRun.run("keygen", "--out", ch.toString()).exitCode());
        Path jar = Files.writeString(temp.resolve("app.jar"), "the 1.0.0 bytes");
        CliRun publish = CliRun.run("publish", "--version", "1.0.0", "--artifact", "any=" + jar,
                "--key", ch.resolve("updater.key").toString(), "--out", ch.toString());
        assertEquals(1, publish.exitCode(), "publish refuses the key inside the channel: " + publish);
        Files.writeString(ch.resolve("manifest.json"), "{\"version\":\"1.3.0\"}");
        serve = SidecarJar.start(List.of(), List.of("serve", ch.toString(), "--port", "0"));
        serve.awaitLine(SERVING.asPredicate(), Duration.ofSeconds(30));
        // the two lines come one after the other: the second may not be read yet when the first is
        serve.awaitLine("Press Ctrl+C to stop.", Duration.ofSeconds(10));
        Matcher serving = SERVING.matcher(serve.output().get(0));
        assertTrue(serving.matches(), serve.toString());
        URI base = URI.create(serving.group(2));
        HttpClient client = HttpClient.newHttpClient();

        HttpResponse<String> get = client.send(HttpRequest.newBuilder(base.resolve("updater.key")).build(),
                HttpResponse.BodyHandlers.ofString());
        HttpResponse<String> head = client.send(HttpRequest.newBuilder(base.resolve("updater.key"))
                .method("HEAD", HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        HttpResponse<String> pub = client.send(HttpRequest.newBuilder(base.resolve("updater.pub")).build(),
                HttpResponse.BodyHandlers.ofString());
        HttpResponse<String> manifest = client.send(HttpRequest.newBuilder(base.resolve("manifest.json")).build(),
                HttpResponse.BodyHandlers.ofString());

        assertEquals(404, get.statusCode());
        assertEquals("404 Not Found\n", get.body());
        assertEquals(404, head.statusCode());
        assertEquals(200, pub.statusCode(), "the public key may be served");
        assertEquals(Files.readString(ch.resolve("updater.pub")), pub.body());
        assertEquals(200, manifest.statusCode());
        String refused = ", refused: updater.key is a private key file (its name ends in .key); private keys are"
                + " never served, move it out of the served directory)";
        serve.awaitLine(line -> line.startsWith("GET /updater.key 404 ") && line.endsWith(refused), Duration.ofSeconds(10));
        serve.awaitLine(line -> line.startsWith("HEAD /updater.key 404 ") && line.endsWith(refused), Duration.ofSeconds(10));
        serve.awaitLine(line -> line.startsWith("GET /updater.pub 200 "), Duration.ofSeconds(10));
    }
}
