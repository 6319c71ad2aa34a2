import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Benchmark, not a test. Time from {@code staged.json} written to the new host passing a
 * {@code --health-url} gate under {@code updater-sidecar run --apply immediate --min-uptime 0s},
 * against the same host JVM started bare to its first 2xx and stopped bare with SIGTERM.
 *
 * <p>Usage: {@code java UpdateLatencyBench.java SIDECAR_JAR JAR_A JAR_B ROUNDS}. JAR_A and JAR_B are two
 * releases of an HTTP service taking {@code --port N --data FILE} and serving {@code /health}
 * (demo-app 1.0.0 and 1.1.0). Prints one line per round, then a summary.
 */
public class UpdateLatencyBench {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();

    public static void main(String[] args) throws Exception {
        Path sidecarJar = Path.of(args[0]).toAbsolutePath();
        Path jarA = Path.of(args[1]).toAbsolutePath();
        Path jarB = Path.of(args[2]).toAbsolutePath();
        int rounds = Integer.parseInt(args[3]);
        Path work = Files.createTempDirectory("sidecar-bench");
        Path home = Files.createDirectory(work.resolve("home"));
        Files.setPosixFilePermissions(home, PosixFilePermissions.fromString("rwx------"));
        Path target = Files.createDirectory(work.resolve("opt")).resolve("app.jar");
        Files.copy(jarA, target);
        int port = freePort();
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> host = List.of(java, "-XX:+UseSerialGC", "-jar", target.toString(), "--port", String.valueOf(port),
                "--data", work.resolve("data.properties").toString());

        // ---- the bare host: start to first 2xx, SIGTERM to exit
        List<Long> bareStart = new ArrayList<>();
        List<Long> bareStop = new ArrayList<>();
        for (int i = 0; i < rounds; i++) {
            long t0 = System.nanoTime();
            Process p = new ProcessBuilder(host).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            awaitHealthy(port, 5);
            long t1 = System.nanoTime();
            p.toHandle().destroy();
            p.waitFor();
            long t2 = System.nanoTime();
            bareStart.add(ms(t1 - t0));
            bareStop.add(ms(t2 - t1));
            System.out.printf("bare     round %2d: start to first 2xx %4d ms, SIGTERM to exit %4d ms%n", i + 1,
                    ms(t1 - t0), ms(t2 - t1));
        }

        // ---- through the sidecar
        List<String> sidecar = new ArrayList<>(List.of(java, "-XX:+UseSerialGC", "-jar", sidecarJar.toString(), "run",
                "--home", home.toString(), "--apply", "immediate", "--health-url", "http://127.0.0.1:" + port + "/health",
                "--min-uptime", "0s", "--health-timeout", "30s", "--stop-timeout", "10s", "--target", target.toString(), "--"));
        sidecar.addAll(host);
        Process run = new ProcessBuilder(sidecar).redirectErrorStream(true).start();
        List<long[]> stamps = new CopyOnWriteArrayList<>(); // {nanoTime, index into lines}
        List<String> lines = new CopyOnWriteArrayList<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(run.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line = in.readLine(); line != null; line = in.readLine()) {
                    stamps.add(new long[] {System.nanoTime(), lines.size()});
                    lines.add(line);
                }
            } catch (IOException e) {
                lines.add("(unreadable: " + e + ")");
            }
        });
        reader.setDaemon(true);
        reader.start();
        awaitHealthy(port, 5);
        List<Long> total = new ArrayList<>();
        List<Long> detect = new ArrayList<>();
        List<Long> stop = new ArrayList<>();
        List<Long> swap = new ArrayList<>();
        List<Long> gate = new ArrayList<>();
        for (int i = 0; i < rounds; i++) {
            Path jar = i % 2 == 0 ? jarB : jarA;
            String version = i % 2 == 0 ? "1.1." + i : "1.0." + i;
            int from = lines.size();
            long t0 = stage(home, jar, version);
            long passed = awaitLine(stamps, lines, from, "passed its health gate");
            long stopping = stampOf(stamps, lines, from, "stopping the host");
            long exited = stampOf(stamps, lines, from, "the host exited with code");
            long started = stampOf(stamps, lines, from, "started the host");
            total.add(ms(passed - t0));
            detect.add(ms(stopping - t0));
            stop.add(ms(exited - stopping));
            swap.add(ms(started - exited));
            gate.add(ms(passed - started));
            System.out.printf("sidecar  round %2d: staged to gate passed %4d ms = notice %3d + stop %4d + swap %3d + start"
                            + " and gate %4d%n", i + 1, ms(passed - t0), ms(stopping - t0), ms(exited - stopping),
                    ms(started - exited), ms(passed - started));
        }
        run.toHandle().destroy();
        run.waitFor();

        long overhead = median(total) - median(bareStart) - median(bareStop);
        System.out.println();
        System.out.printf("median bare start to first 2xx:          %5d ms (min %d, max %d)%n", median(bareStart),
                Collections.min(bareStart), Collections.max(bareStart));
        System.out.printf("median bare SIGTERM to exit:             %5d ms%n", median(bareStop));
        System.out.printf("median staged.json to gate passed:       %5d ms (min %d, max %d)%n", median(total),
                Collections.min(total), Collections.max(total));
        System.out.printf("  notice %d, stop %d, swap+spawn %d, start and gate %d (medians)%n", median(detect),
                median(stop), median(swap), median(gate));
        System.out.printf("overhead = staged-to-gate - bare start - bare stop: %d ms (goal <= 200 ms)%n", overhead);
        System.out.printf("SUMMARY %d %d %d %d %d %d %d %d%n", median(bareStart), median(bareStop), median(total),
                median(detect), median(stop), median(swap), median(gate), overhead);
    }

    /** Stages as the agent does: the artifact into releases/<v>/, then staged.json last (atomic rename). */
    private static long stage(Path home, Path jar, String version) throws Exception {
        Path dir = Files.createDirectories(home.resolve("releases").resolve(version));
        Path file = dir.resolve("app.jar");
        Files.copy(jar, file, StandardCopyOption.REPLACE_EXISTING);
        byte[] bytes = Files.readAllBytes(file);
        String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        String json = "{\"version\":\"" + version + "\",\"file\":\"releases/" + version + "/app.jar\",\"size\":"
                + bytes.length + ",\"sha256\":\"" + sha + "\",\"platform\":\"any\",\"breaking\":false,"
                + "\"needsApproval\":false,\"stagedAt\":\"" + Instant.now() + "\"}\n";
        Path temp = Files.createTempFile(home, ".staged.json.", ".tmp");
        Files.writeString(temp, json);
        Files.move(temp, home.resolve("staged.json"), StandardCopyOption.ATOMIC_MOVE);
        return System.nanoTime();
    }

    private static long awaitLine(List<long[]> stamps, List<String> lines, int from, String text) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            for (long[] s : stamps) {
                if (s[1] >= from && lines.get((int) s[1]).contains(text)) {
                    return s[0];
                }
            }
            Thread.sleep(1);
        }
        throw new IllegalStateException("no line with \"" + text + "\":\n" + String.join("\n", lines));
    }

    private static long stampOf(List<long[]> stamps, List<String> lines, int from, String text) throws InterruptedException {
        return awaitLine(stamps, lines, from, text);
    }

    private static void awaitHealthy(int port, long pollMillis) throws InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health")).build();
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            try {
                if (HTTP.send(request, HttpResponse.BodyHandlers.discarding()).statusCode() / 100 == 2) {
                    return;
                }
            } catch (IOException e) {
                // not yet
            }
            Thread.sleep(pollMillis);
        }
        throw new IllegalStateException("nothing answered 2xx on port " + port);
    }

    private static long median(List<Long> values) {
        List<Long> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        return sorted.get(sorted.size() / 2);
    }

    private static long ms(long nanos) {
        return nanos / 1_000_000;
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
