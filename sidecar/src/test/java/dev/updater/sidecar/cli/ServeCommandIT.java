package dev.updater.sidecar.cli;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/** Runs {@code java -jar updater-sidecar.jar serve} as an operator would, and stops it with SIGTERM. */
class ServeCommandIT {
    private static final Path JAR = Path.of("target", "updater-sidecar.jar");
    private static final Pattern SERVING = Pattern.compile("Serving (.+) at (http://127\\.0\\.0\\.1:\\d+/)");

    @TempDir
    Path temp;

    private Process process;

    @AfterEach
    void killLeftover() {
        if (process != null && process.isAlive()) {
            process.destroyForcibly();
        }
    }

    @Test
    @DisabledOnOs(value = OS.WINDOWS, disabledReason = "Process.destroy() is not a signal there: no shutdown hooks run")
    void serve_printsItsUrlLogsEachRequestAndStopsCleanlyOnSigterm() throws Exception {
        assumeTrue(Files.isRegularFile(JAR), "run after 'package': " + JAR.toAbsolutePath());
        Path releases = Files.createDirectory(temp.resolve("releases"));
        Files.writeString(releases.resolve("manifest.json"), "{\"version\":\"1.3.0\"}");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        process = new ProcessBuilder(java, "-jar", JAR.toString(), "serve", releases.toString(), "--port", "0")
                .redirectErrorStream(true)
                .start();
        List<String> output = new CopyOnWriteArrayList<>();
        Thread reader = new Thread(() -> readLines(process, output), "serve-output");
        reader.start();

        await().atMost(Duration.ofSeconds(30)).until(() -> output.stream().anyMatch(SERVING.asPredicate()));
        Matcher serving = SERVING.matcher(output.get(0));
        assertTrue(serving.matches(), output.toString());
        assertEquals(releases.toString(), serving.group(1));
        assertEquals("Press Ctrl+C to stop.", output.get(1));

        HttpResponse<String> response = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create(serving.group(2)).resolve("manifest.json")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode());
        assertEquals("{\"version\":\"1.3.0\"}", response.body());
        await().until(() -> output.stream().anyMatch(
                line -> line.matches("GET /manifest\\.json 200 19 bytes \\d+ ms \\(127\\.0\\.0\\.1\\)")));

        process.toHandle().destroy(); // SIGTERM; Process.destroy() would also close our end of its output
        assertTrue(process.waitFor(10, TimeUnit.SECONDS), "stopped within 10 s");
        reader.join(5_000);
        assertEquals(143, process.exitValue(), "the JVM's exit status after SIGTERM");
        assertEquals("Stopped serving " + releases + ".", output.get(output.size() - 1), output.toString());
    }

    /** The scenario of issue 10: keygen --out ch; publish --key ch/updater.key --out ch; serve ch. */
    @Test
    void serve_ofAChannelHoldingItsSigningKey_neverServesTheKey_logsWhy_andServesTheRest() throws Exception {
        assumeTrue(Files.isRegularFile(JAR), "run after 'package': " + JAR.toAbsolutePath());
        Path ch = temp.resolve("ch");
        assertEquals(0, CliRun.run("keygen", "--out", ch.toString()).exitCode());
        Path jar = Files.writeString(temp.resolve("app.jar"), "the 1.0.0 bytes");
        CliRun publish = CliRun.run("publish", "--version", "1.0.0", "--artifact", "any=" + jar,
                "--key", ch.resolve("updater.key").toString(), "--out", ch.toString());
        assertEquals(1, publish.exitCode(), "publish refuses the key inside the channel: " + publish);
        Files.writeString(ch.resolve("manifest.json"), "{\"version\":\"1.3.0\"}");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        process = new ProcessBuilder(java, "-jar", JAR.toString(), "serve", ch.toString(), "--port", "0")
                .redirectErrorStream(true)
                .start();
        List<String> output = new CopyOnWriteArrayList<>();
        Thread reader = new Thread(() -> readLines(process, output), "serve-output");
        reader.start();
        await().atMost(Duration.ofSeconds(30)).until(() -> output.stream().anyMatch(SERVING.asPredicate()));
        Matcher serving = SERVING.matcher(output.get(0));
        assertTrue(serving.matches(), output.toString());
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
        await().until(() -> output.stream().anyMatch(line -> line.startsWith("GET /updater.key 404 ")
                && line.endsWith(refused)));
        await().until(() -> output.stream().anyMatch(line -> line.startsWith("HEAD /updater.key 404 ")
                && line.endsWith(refused)));
        assertTrue(output.stream().anyMatch(line -> line.startsWith("GET /updater.pub 200 ")), output.toString());
    }

    private static void readLines(Process process, List<String> output) {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), UTF_8))) {
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                output.add(line);
            }
        } catch (IOException e) {
            output.add("(output unreadable: " + e + ")");
        }
    }
}
