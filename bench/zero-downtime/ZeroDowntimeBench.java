import dev.updater.sidecar.load.LoadGenerator;
import dev.updater.sidecar.load.LoadReport;
import dev.updater.sidecar.load.LoadSettings;
import dev.updater.sidecar.load.Sample;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Benchmark, not a test. One leg of bench/zero-downtime/run.sh: a host under `updater-sidecar run
 * --apply immediate` (plus the leg's own flags, e.g. `--restart overlap`), the load generator at a
 * fixed rate against it, and UPDATES consecutive updates alternating two releases. For each update
 * it counts the failed requests scheduled between staged.json and the end of the cut-over (the new
 * version healthy and the old host gone, plus a settle time), and compares latency in those
 * cut-over windows with the steady windows between updates.
 *
 * <p>Usage: {@code java -cp updater-sidecar.jar ZeroDowntimeBench.java LEG SIDECAR_JAR AGENT_JAR JAR_A JAR_B
 * UPDATES RATE [RUN_FLAG…]}; a RUN_FLAG that starts with {@code -D} goes to the sidecar's JVM instead (the
 * reuseport leg's {@code -Dupdater.overlap.steering=off}). JAR_A and JAR_B take {@code --port N --data FILE} and serve {@code /version}
 * and {@code /health} (demo-app 1.0.0 and 1.1.0). Prints one line per update, then {@code SUMMARY}.
 */
public class ZeroDowntimeBench {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
    private static final Pattern PID = Pattern.compile("\"pid\"\\s*:\\s*(\\d+)");
    private static final Duration WARM_UP = Duration.ofSeconds(5);
    private static final Duration SETTLE = Duration.ofMillis(500);
    private static final Duration STEADY = Duration.ofSeconds(2);

    public static void main(String[] args) throws Exception {
        String leg = args[0];
        Path sidecarJar = Path.of(args[1]).toAbsolutePath();
        Path agentJar = Path.of(args[2]).toAbsolutePath();
        Path jarA = Path.of(args[3]).toAbsolutePath();
        Path jarB = Path.of(args[4]).toAbsolutePath();
        int updates = Integer.parseInt(args[5]);
        int rate = Integer.parseInt(args[6]);
        List<String> runFlags = Arrays.asList(args).subList(7, args.length).stream().filter(f -> !f.startsWith("-D")).toList();
        List<String> jvmFlags = Arrays.asList(args).subList(7, args.length).stream().filter(f -> f.startsWith("-D")).toList();
        boolean steeringOff = jvmFlags.contains("-Dupdater.overlap.steering=off");

        Path work = Files.createTempDirectory("zero-downtime-bench");
        Path home = Files.createDirectory(work.resolve("home"));
        Files.setPosixFilePermissions(home, PosixFilePermissions.fromString("rwx------"));
        Path target = Files.createDirectory(work.resolve("opt")).resolve("app.jar");
        Files.copy(jarA, target);
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String key = keygen(java, sidecarJar, work.resolve("keys"));
        int port = freePort();
        // The agent only for what it does beside checks (agent.json; after issue 12 the bind hook): its
        // manifest is never fetched (initial-delay 1h); this bench stages releases itself.
        List<String> host = List.of(java, "-XX:+UseSerialGC", "-javaagent:" + agentJar + "=manifest=http://127.0.0.1:9/m.json,key="
                + key + ",home=" + home + ",initial-delay=1h", "-jar", target.toString(), "--port", String.valueOf(port),
                "--data", work.resolve("data.properties").toString());
        List<String> sidecar = new ArrayList<>(List.of(java, "-XX:+UseSerialGC"));
        sidecar.addAll(jvmFlags);
        sidecar.addAll(List.of("-jar", sidecarJar.toString(), "run",
                "--home", home.toString(), "--apply", "immediate", "--health-url", "http://127.0.0.1:" + port + "/health",
                "--min-uptime", "0s", "--health-timeout", "30s", "--stop-timeout", "10s", "--target", target.toString()));
        sidecar.addAll(runFlags);
        sidecar.add("--");
        sidecar.addAll(host);
        Process run = new ProcessBuilder(sidecar).redirectErrorStream(true)
                .redirectOutput(work.resolve("sidecar.log").toFile()).start();
        try {
            awaitVersion(port, "1.0.0", run, work);
            List<Long> cutOverSeen = watchCutOvers(work.resolve("sidecar.log"));
            LoadGenerator load = LoadGenerator.start(LoadSettings.of(URI.create("http://127.0.0.1:" + port + "/version"), rate));
            Thread.sleep(WARM_UP.toMillis()); // JIT and thread pools of both sides warm up; not measured
            List<long[]> cutOvers = new ArrayList<>();
            List<long[]> steady = new ArrayList<>();
            List<long[]> starting = new ArrayList<>(); // staged.json → the new version healthy: B starts beside A
            List<long[]> after = new ArrayList<>(); // healthy → end of the window: the cut-over, A's stop, B alone
            long steadyFrom = System.nanoTime();
            for (int i = 1; i <= updates; i++) {
                Thread.sleep(STEADY.toMillis());
                long oldPid = agentPid(home);
                String version = "1.1." + i;
                long staged = stage(home, i % 2 == 1 ? jarB : jarA, version);
                steady.add(new long[] {steadyFrom, staged});
                awaitHealthy(home, version, run, work);
                long healthy = System.nanoTime();
                ProcessHandle.of(oldPid).ifPresent(p -> p.onExit().join());
                long oldGone = System.nanoTime();
                Thread.sleep(SETTLE.toMillis());
                steadyFrom = System.nanoTime();
                cutOvers.add(new long[] {staged, steadyFrom});
                // split at the sidecar's "cut over" line where it logged one (overlap), else at healthy
                long split;
                synchronized (cutOverSeen) {
                    split = cutOverSeen.size() >= i ? cutOverSeen.get(i - 1) : healthy;
                }
                starting.add(new long[] {staged, split});
                after.add(new long[] {split, steadyFrom});
                System.out.printf("%s update %2d to %s: healthy after %4d ms, old host gone after %4d ms%n", leg, i, version,
                        ms(healthy - staged), ms(oldGone - staged));
            }
            Thread.sleep(STEADY.toMillis());
            LoadReport report = load.stop();
            steady.add(new long[] {steadyFrom, report.stoppedAt()});
            if (steeringOff && !Files.readString(work.resolve("sidecar.log")).contains("overlap: STEERING IS OFF")) {
                // a sidecar that ignored the switch steered: its 0 failures would pass for plain SO_REUSEPORT's
                throw new IllegalStateException("the sidecar never said 'overlap: STEERING IS OFF': this build does"
                        + " not read -Dupdater.overlap.steering, the leg measured steering");
            }
            String log = Files.readString(work.resolve("sidecar.log"));
            System.out.printf("%s steering: %d updates through the sidecar's own socket (pidfd refused), %d with steering"
                    + " off%n", leg, count(log, "so the sidecar steers through a listening socket of its own"),
                    count(log, "overlap: STEERING IS OFF"));
            summarize(leg, report, cutOvers, steady, starting, after);
        } catch (RuntimeException | IOException e) {
            System.out.println("sidecar log " + work.resolve("sidecar.log") + ":\n" + Files.readString(work.resolve("sidecar.log")));
            throw e;
        } finally {
            run.toHandle().destroy();
            run.waitFor();
        }
    }

    private static int count(String text, String phrase) {
        int n = 0;
        for (int at = text.indexOf(phrase); at >= 0; at = text.indexOf(phrase, at + 1)) {
            n++;
        }
        return n;
    }

    private static void summarize(String leg, LoadReport report, List<long[]> cutOvers, List<long[]> steady,
                                  List<long[]> starting, List<long[]> after) {
        List<Integer> perUpdate = new ArrayList<>();
        for (int i = 0; i < cutOvers.size(); i++) {
            long[] w = cutOvers.get(i);
            List<Sample> failed = in(report, List.of(w)).stream().filter(Sample::failed).toList();
            perUpdate.add(failed.size());
            if (!failed.isEmpty()) {
                Map<String, Integer> reasons = new TreeMap<>();
                failed.forEach(s -> reasons.merge(s.failure().name().toLowerCase(), 1, Integer::sum));
                System.out.printf("%s update %2d: %d failed %s; first: %s%n", leg, i + 1, failed.size(), reasons,
                        failed.get(0).detail());
            }
        }
        List<Sample> inCutOver = in(report, cutOvers);
        List<Sample> inSteady = in(report, steady);
        long failedSteady = inSteady.stream().filter(Sample::failed).count();
        List<Integer> sorted = perUpdate.stream().sorted().toList();
        Map<String, Long> reasons = new TreeMap<>();
        report.failuresByReason().forEach((r, n) -> reasons.put(r.name().toLowerCase(), n));
        System.out.printf("SUMMARY leg=%s updates=%d requests=%d failed=%d failed_steady=%d retried=%d per_update_min=%d"
                        + " per_update_median=%d per_update_max=%d steady_p50=%.2f steady_p99=%.2f cutover_p50=%.2f"
                        + " cutover_p99=%.2f starting_p99=%.2f after_p99=%.2f max_start_lag=%.2f reasons=%s%n", leg, cutOvers.size(), report.requests(),
                report.failures().size(), failedSteady, report.retried(), sorted.get(0), sorted.get(sorted.size() / 2),
                sorted.get(sorted.size() - 1), pct(inSteady, 0.50), pct(inSteady, 0.99), pct(inCutOver, 0.50),
                pct(inCutOver, 0.99), pct(in(report, starting), 0.99), pct(in(report, after), 0.99), report.total().maxStartLag().toNanos() / 1e6,
                reasons.toString().replace(" ", ""));
        detail(leg, inSteady, inCutOver);
    }

    /**
     * Where the cut-over tail comes from: the same windows measured from the moment the generator really
     * sent (latency minus its own start lag: a generator on the same 2 cores is starved too), the lag
     * itself, and the requests that needed no retry.
     */
    private static void detail(String leg, List<Sample> inSteady, List<Sample> inCutOver) {
        System.out.printf("DETAIL leg=%s steady_p99_from_send=%.2f cutover_p99_from_send=%.2f cutover_p99_start_lag=%.2f"
                        + " cutover_p99_not_retried=%.2f cutover_retried=%d cutover_requests=%d%n", leg,
                pctOf(inSteady.stream().mapToLong(s -> s.latency() - s.startLag())),
                pctOf(inCutOver.stream().mapToLong(s -> s.latency() - s.startLag())),
                pctOf(inCutOver.stream().mapToLong(Sample::startLag)),
                pctOf(inCutOver.stream().filter(s -> !s.retried()).mapToLong(Sample::latency)),
                inCutOver.stream().filter(Sample::retried).count(), inCutOver.size());
    }

    private static double pctOf(java.util.stream.LongStream values) {
        long[] sorted = values.sorted().toArray();
        return sorted.length == 0 ? 0 : sorted[Math.max(0, (int) Math.ceil(0.99 * sorted.length) - 1)] / 1e6;
    }

    /** The System.nanoTime() at which each "overlap: cut over" line appeared in the sidecar's log (polled every 5 ms). */
    private static List<Long> watchCutOvers(Path log) {
        List<Long> seen = new ArrayList<>();
        Thread watcher = new Thread(() -> {
            long offset = 0;
            StringBuilder pending = new StringBuilder();
            try {
                while (true) {
                    long size = Files.size(log);
                    if (size > offset) {
                        try (var channel = Files.newByteChannel(log)) {
                            channel.position(offset);
                            var buffer = java.nio.ByteBuffer.allocate((int) (size - offset));
                            while (buffer.hasRemaining() && channel.read(buffer) > 0) {
                                // read what is there
                            }
                            offset += buffer.position();
                            pending.append(new String(buffer.array(), 0, buffer.position(), java.nio.charset.StandardCharsets.UTF_8));
                        }
                        long now = System.nanoTime();
                        int newline;
                        while ((newline = pending.indexOf("\n")) >= 0) {
                            if (pending.substring(0, newline).contains("overlap: cut over")) {
                                synchronized (seen) {
                                    seen.add(now);
                                }
                            }
                            pending.delete(0, newline + 1);
                        }
                    }
                    Thread.sleep(5);
                }
            } catch (IOException | InterruptedException e) {
                // the bench ends
            }
        }, "cut-over-watcher");
        watcher.setDaemon(true);
        watcher.start();
        return seen;
    }

    private static List<Sample> in(LoadReport report, List<long[]> windows) {
        return report.samples().stream()
                .filter(s -> windows.stream().anyMatch(w -> s.scheduledAt() >= w[0] && s.scheduledAt() < w[1])).toList();
    }

    private static double pct(List<Sample> samples, double p) {
        long[] sorted = samples.stream().mapToLong(Sample::latency).sorted().toArray();
        if (sorted.length == 0) {
            return 0;
        }
        return sorted[Math.max(0, (int) Math.ceil(p * sorted.length) - 1)] / 1e6;
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

    /** The sidecar wrote "healthy" for {@code version} in history.jsonl. */
    private static void awaitHealthy(Path home, String version, Process run, Path work) throws Exception {
        Path history = home.resolve("history.jsonl");
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            if (Files.exists(history) && Files.readAllLines(history).stream()
                    .anyMatch(l -> l.contains("\"event\":\"healthy\"") && l.contains("\"version\":\"" + version + "\""))) {
                return;
            }
            if (!run.isAlive()) {
                throw new IllegalStateException("the sidecar exited with " + run.exitValue());
            }
            Thread.sleep(5);
        }
        throw new IllegalStateException("no 'healthy' for " + version + " in " + history + " within 60 s");
    }

    private static long agentPid(Path home) throws IOException {
        Matcher m = PID.matcher(Files.readString(home.resolve("agent.json")));
        if (!m.find()) {
            throw new IllegalStateException("no pid in agent.json");
        }
        return Long.parseLong(m.group(1));
    }

    private static void awaitVersion(int port, String version, Process run, Path work) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/version")).build();
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline && run.isAlive()) {
            try {
                if (HTTP.send(request, HttpResponse.BodyHandlers.ofString()).body().strip().equals(version)) {
                    return;
                }
            } catch (IOException e) {
                // not yet
            }
            Thread.sleep(20);
        }
        throw new IllegalStateException("the host never served " + version + " on port " + port);
    }

    private static String keygen(String java, Path sidecarJar, Path keys) throws Exception {
        Process p = new ProcessBuilder(java, "-jar", sidecarJar.toString(), "keygen", "--out", keys.toString())
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (p.waitFor() != 0) {
            throw new IllegalStateException("keygen failed: " + out);
        }
        Matcher m = Pattern.compile("ed25519:\\S+").matcher(out);
        if (!m.find()) {
            throw new IllegalStateException("no key line in: " + out);
        }
        return m.group();
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
