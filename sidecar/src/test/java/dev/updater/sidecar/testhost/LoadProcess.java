package dev.updater.sidecar.testhost;

import dev.updater.core.testing.ChildProcess;
import dev.updater.sidecar.load.LoadGenerator;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Test only: the {@link LoadGenerator} as a child JVM (its {@code main}), so that it can run inside a
 * {@link NetworkNamespace} beside the sidecar and the hosts under test. {@link #mark} names a moment
 * (a window of the report starts there); {@link #stop} ends the load and reads its report.
 *
 * <pre>{@code
 * try (LoadProcess load = LoadProcess.start(net, URI.create("http://127.0.0.1:8080/"), 300)) {
 *     load.mark("update");
 *     … update the host …
 *     LoadProcess.Result result = load.stop();
 *     assertEquals(0, result.failed(), result.toString());
 * }
 * }</pre>
 */
public final class LoadProcess implements AutoCloseable {
    private static final Duration PATIENCE = Duration.ofSeconds(30);
    private static final Pattern RESULT = Pattern.compile("RESULT requests=(\\d+) failed=(\\d+) retried=(\\d+) (.*) rate=.*");
    private static final Pattern WINDOW = Pattern.compile(
            "WINDOW (.+) requests=(\\d+) failed=(\\d+) p50_ms=([\\d.]+) p99_ms=([\\d.]+) .*");

    private final ChildProcess process;

    private LoadProcess(ChildProcess process) {
        this.process = process;
    }

    /** What the load saw: totals, failures by reason ({@code refused}, {@code reset}, …; none left out), windows. */
    public record Result(int requests, int failed, int retried, Map<String, Long> reasons, Map<String, Window> windows,
                         String output) {
        @Override
        public String toString() {
            return output;
        }
    }

    /** From a mark to the next one, or to the end. */
    public record Window(String name, int requests, int failed, double p50Millis, double p99Millis) {
    }

    /** Starts {@code rate} requests a second to {@code url}, inside {@code net} (or here when null), once it runs. */
    public static LoadProcess start(NetworkNamespace net, URI url, int rate) {
        List<String> command = ChildProcess.java("-cp", classes(), LoadGenerator.class.getName(), url, rate);
        ChildProcess process = net == null ? ChildProcess.start(command) : net.start(command);
        process.awaitLine(line -> line.startsWith("STARTED "), PATIENCE);
        return new LoadProcess(process);
    }

    /** Names this moment (no blank in the name). */
    /** Names this moment in the generator, and returns once it has (what follows belongs to the new window). */
    public void mark(String name) throws IOException {
        process.send("mark " + name);
        process.awaitLine("MARKED " + name, PATIENCE);
    }

    /** Stops the load, waits for the requests in flight, and reads the report. */
    public Result stop() throws IOException, InterruptedException {
        process.send("stop");
        int exit = process.awaitExit(PATIENCE);
        String output = process.outputText();
        Matcher result = process.output().stream().map(RESULT::matcher).filter(Matcher::matches).findFirst()
                .orElseThrow(() -> new AssertionError("the load generator exited with " + exit
                        + " and no RESULT line:\n" + output));
        Map<String, Long> reasons = new LinkedHashMap<>();
        for (String pair : result.group(4).split(" ")) {
            String[] kv = pair.split("=");
            if (Long.parseLong(kv[1]) > 0) {
                reasons.put(kv[0], Long.parseLong(kv[1]));
            }
        }
        Map<String, Window> windows = new LinkedHashMap<>();
        process.output().stream().map(WINDOW::matcher).filter(Matcher::matches).forEach(m -> windows.put(m.group(1),
                new Window(m.group(1), Integer.parseInt(m.group(2)), Integer.parseInt(m.group(3)),
                        Double.parseDouble(m.group(4)), Double.parseDouble(m.group(5)))));
        return new Result(Integer.parseInt(result.group(1)), Integer.parseInt(result.group(2)),
                Integer.parseInt(result.group(3)), reasons, windows, output);
    }

    @Override
    public void close() {
        process.close();
    }

    private static Path classes() {
        try {
            return Path.of(LoadGenerator.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
