package dev.updater.sidecar.ship;

import dev.updater.core.testing.ChildProcess;
import dev.updater.sidecar.testhost.SidecarJar;
import dev.updater.sidecar.testhost.SidecarOutput;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Runs every command block of docs/getting-started.md, in order, as a reader would (from the
 * checkout, then in {@code ~/try-updater}), and checks that what each prints has the shape the page
 * shows: the same lines, with numbers, hashes, keys and what the page elides ({@code …}) free. Only
 * the install one-liner is not run (it downloads from the internet): its URL is checked against the
 * layout install.sh reads. The ports 8080 and 9000 become free ones, {@code /home/me} the test's home,
 * and the agent's check interval 2 s ({@link #quicker}).
 */
@DisabledOnOs(value = OS.WINDOWS, disabledReason = "the page's commands are sh")
class GettingStartedIT {
    private static final Path PAGE = ShipFiles.ROOT.resolve("docs/getting-started.md");
    private static final Duration PATIENCE = Duration.ofSeconds(90);
    private static final Pattern FREE = Pattern.compile(
            "ed25519:[A-Za-z0-9+/]+=*|[0-9a-f]*[0-9][0-9a-f]*[a-f][0-9a-f]*|[0-9a-f]*[a-f][0-9a-f]*[0-9][0-9a-f]*|\\d+(?:,\\d{3})*");

    @TempDir
    Path home;

    private final List<ChildProcess> background = new ArrayList<>();

    @AfterEach
    void stopBackground() {
        background.forEach(ChildProcess::close);
    }

    /** A fenced block of the page: its language ("sh", or "" for output) and its lines. */
    record Block(String language, List<String> lines) {
        String text() {
            return String.join("\n", lines);
        }
    }

    @Test
    void everyCommandOfTheWalkThrough_runs_andPrintsWhatThePageShows() throws Exception {
        SidecarJar.assumeBuilt();
        Path demoJars = ShipFiles.ROOT.resolve("demo-app/target");
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isRegularFile(demoJars.resolve("demo-app-1.2.0.jar")),
                "run after 'package' of demo-app: " + demoJars);
        Map<String, String> ports = new LinkedHashMap<>();
        ports.put("8080", String.valueOf(freePort()));
        ports.put("9000", String.valueOf(freePort()));
        ports.put("/home/me", home.toString()); // the page's home folder
        Map<String, String> env = new LinkedHashMap<>();
        env.put("HOME", home.toString());
        env.put("SRC", ShipFiles.ROOT.toString());
        Path work = home.resolve("try-updater");
        ChildProcess sidecar = null;
        List<Block> blocks = blocks();
        int ran = 0;
        for (int i = 0; i < blocks.size(); i++) {
            Block block = blocks.get(i);
            if (!block.language().equals("sh")) {
                continue;
            }
            ran++;
            Block shown = i + 1 < blocks.size() && blocks.get(i + 1).language().isEmpty() ? blocks.get(i + 1) : null;
            String script = substitute(block.text(), ports);
            if (script.contains("curl ")) {
                assertTrue(script.contains("curl -fsSL \"$UPDATER_BASE_URL/latest/download/install.sh\""), script);
                assertTrue(Files.readString(ShipFiles.ROOT.resolve("install.sh"))
                        .contains("BASE/latest/download/VERSION"), "install.sh reads the layout the one-liner uses");
            } else if (script.startsWith("KEY=")) {
                assertTrue(script.matches("KEY=ed25519:\\S+ +# yours"), script);
            } else if (script.contains("agent-jar")) {
                // from the checkout, where the page says "the checkout you built in"
                compare(shown, runBlock(script, ShipFiles.ROOT, env), ports);
            } else if (script.contains(" keygen ")) {
                String out = runBlock(script, work, env);
                compare(shown, out, ports);
                Matcher key = Pattern.compile("^(ed25519:\\S+)$", Pattern.MULTILINE).matcher(out);
                assertTrue(key.find(), out);
                env.put("KEY", key.group(1)); // "yours": what keygen printed
            } else if (script.contains(" serve ")) {
                ChildProcess serve = start(script, work, env);
                serve.awaitLine(l -> l.startsWith("Serving channel at "), PATIENCE);
            } else if (script.contains(" run ")) {
                sidecar = start(quicker(script), work, env);
                ChildProcess running = sidecar;
                SidecarOutput.await(running, l -> l.endsWith("; committed."), PATIENCE);
                compareLive(shown, running, 0, ports);
            } else if (script.contains(" status ")) {
                Block expected = shown;
                await().atMost(PATIENCE).untilAsserted(() -> compare(expected, runBlock(script, work, env), ports));
            } else if (script.contains("publish --version 1.2.0")) {
                int from = sidecar.output().size();
                runBlock(script, work, env);
                ChildProcess running = sidecar;
                SidecarOutput.await(running, l -> l.startsWith("Rolled back to 1.1.0; "), PATIENCE);
                compareLive(shown, running, from, ports);
            } else if (script.contains("publish --version 1.1.0")) {
                compare(shown, runBlock(script, work, env), ports);
            } else {
                fail("docs/getting-started.md shows a command this test does not run yet; add it:\n" + script);
            }
        }
        assertEquals(9, ran, "the command blocks of the page");

        // the one command given in the text, then Ctrl+C as the page ends
        String history = runBlock("java -jar updater-sidecar.jar history --home app/updates", work, env);
        for (String event : List.of("staged", "installed", "healthy", "failed", "quarantined", "rolled-back")) {
            assertTrue(Pattern.compile("  " + event + " ").matcher(history).find(), event + " in:\n" + history);
        }
        ChildProcess.run(List.of("kill", "-INT", String.valueOf(sidecar.pid())), PATIENCE);
        assertEquals(130, sidecar.awaitExit(PATIENCE), sidecar.toString());
    }

    /**
     * The page's {@code run} with the agent's {@code interval} 2 s instead of the reader's 10 s (the wait until
     * 1.2.0 is seen): the lines printed are the same. Its {@code --min-uptime} stays the default 10 s, as the
     * page's gate line shows "its agent reported ready", which a shorter uptime may pass before.
     */
    private static String quicker(String run) {
        String agentInterval = "initial-delay=1s,interval=10s ";
        assertTrue(run.contains(agentInterval), run);
        return run.replace(agentInterval, "initial-delay=1s,interval=2s ");
    }

    /** Every line shown matches the printed line at its place; as many lines printed as shown. */
    private static void compare(Block shown, String printed, Map<String, String> ports) {
        List<String> expected = shown.lines();
        List<String> actual = printed.lines().toList();
        String both = "shown:\n" + shown.text() + "\nprinted:\n" + printed;
        assertEquals(expected.size(), actual.size(), both);
        for (int i = 0; i < expected.size(); i++) {
            assertTrue(shape(expected.get(i), ports).matcher(actual.get(i)).matches(), "line " + (i + 1) + ": " + both);
        }
    }

    /**
     * A long-running command's output, from line {@code from}: every line shown is printed (the host's
     * and the sidecar's lines interleave in any order), and every line of the sidecar's own is shown.
     */
    private static void compareLive(Block shown, ChildProcess process, int from, Map<String, String> ports) {
        List<String> printed = process.output().subList(from, process.output().size());
        List<Pattern> expected = shown.lines().stream().map(line -> shape(line, ports)).toList();
        String both = "shown:\n" + shown.text() + "\nprinted:\n" + String.join("\n", printed);
        for (int i = 0; i < expected.size(); i++) {
            Pattern line = expected.get(i);
            assertTrue(printed.stream().anyMatch(p -> line.matcher(p).matches()), "line " + (i + 1) + ": " + both);
        }
        for (String line : printed) {
            if (SidecarOutput.message(line).isPresent()) {
                assertTrue(expected.stream().anyMatch(p -> p.matcher(line).matches()), "not shown: " + line + "\n" + both);
            }
        }
    }

    /** The page's line as a pattern, its ports and home folder this run's: "…" is anything, numbers, hashes and keys any of their kind. */
    static Pattern shape(String shown, Map<String, String> ports) {
        StringBuilder regex = new StringBuilder();
        String[] parts = substitute(shown, ports).split("…", -1);
        for (int p = 0; p < parts.length; p++) {
            if (p > 0) {
                regex.append(".*");
            }
            Matcher free = FREE.matcher(parts[p]);
            int at = 0;
            while (free.find()) {
                regex.append(Pattern.quote(parts[p].substring(at, free.start())));
                String token = free.group();
                regex.append(token.startsWith("ed25519:") ? "ed25519:[A-Za-z0-9+/]+=*"
                        : token.matches("\\d+(,\\d{3})*") ? "\\d+(?:,\\d{3})*" : "[0-9a-f]+");
                at = free.end();
            }
            regex.append(Pattern.quote(parts[p].substring(at)));
        }
        return Pattern.compile(regex.toString());
    }

    private static String substitute(String text, Map<String, String> ports) {
        String out = text;
        for (Map.Entry<String, String> value : ports.entrySet()) {
            out = value.getKey().startsWith("/") ? out.replace(value.getKey(), value.getValue())
                    : out.replace(":" + value.getKey(), ":" + value.getValue()).replace("--port " + value.getKey(),
                    "--port " + value.getValue());
        }
        return out;
    }

    private String runBlock(String script, Path dir, Map<String, String> env) throws IOException, InterruptedException {
        Files.createDirectories(dir);
        ProcessBuilder builder = new ProcessBuilder("bash", "-ec", script).directory(dir.toFile())
                .redirectErrorStream(true);
        builder.environment().putAll(env);
        ChildProcess.Finished done = ChildProcess.run(builder, PATIENCE);
        assertEquals(0, done.exitCode(), script + "\n" + done);
        return done.out();
    }

    private ChildProcess start(String script, Path dir, Map<String, String> env) {
        ProcessBuilder builder = new ProcessBuilder("bash", "-ec", "exec " + script).directory(dir.toFile())
                .redirectErrorStream(true);
        builder.environment().putAll(env);
        ChildProcess process = ChildProcess.start(builder);
        background.add(process);
        return process;
    }

    private static List<Block> blocks() throws IOException {
        List<Block> blocks = new ArrayList<>();
        String language = null;
        List<String> lines = null;
        for (String line : Files.readAllLines(PAGE)) {
            if (line.startsWith("```") && lines == null) {
                language = line.substring(3).strip();
                lines = new ArrayList<>();
            } else if (line.startsWith("```")) {
                blocks.add(new Block(language, List.copyOf(lines)));
                lines = null;
            } else if (lines != null) {
                lines.add(line);
            }
        }
        return blocks;
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
