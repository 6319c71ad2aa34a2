package dev.updater.sidecar.cli;

import dev.updater.core.Sha256;
import dev.updater.core.UpdaterException;
import dev.updater.core.home.AgentRecord;
import dev.updater.core.home.HandedOffState;
import dev.updater.core.home.HistoryEvent;
import dev.updater.core.home.SwapJournal;
import dev.updater.core.home.SwapState;
import dev.updater.core.home.UpdateHome;
import dev.updater.core.json.Json;
import dev.updater.core.testing.ChildProcess;
import dev.updater.core.version.ReleaseVersion;
import dev.updater.sidecar.overlap.OverlapSupport;
import dev.updater.sidecar.overlap.ProbePorts;
import dev.updater.sidecar.testhost.ContainerRuntime;
import dev.updater.sidecar.testhost.Hosts;
import dev.updater.sidecar.testhost.SidecarJar;
import dev.updater.sidecar.testhost.SidecarOutput;
import dev.updater.sidecar.testhost.Staging;
import dev.updater.sidecar.testhost.apps.AppJars;
import dev.updater.sidecar.testhost.apps.AppRelease;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Stream;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The state hand-off (DESIGN §7) end to end: the built sidecar, the agent jar as operators get it, and
 * {@code HandoffApp} hosts that keep their visits in memory and register (or not) the
 * {@code dev.updater:type=StateHandoff} MBean. The visits survive an update in stop-start and overlap
 * mode and come back after a rollback; a {@code save()} that throws, hangs or returns 10 MiB costs the
 * state, never the update; a tampered or stale file is kept aside, not restored.
 */
class StateHandoffIT {
    private static final Duration PATIENCE = Duration.ofSeconds(40);

    @TempDir
    static Path shared;
    private static Path agentJar;
    private static String key;

    @TempDir
    Path dir;

    private final List<ChildProcess> started = new ArrayList<>();
    private Path home;
    private UpdateHome updateHome;
    private Path target;
    private int port;

    @BeforeAll
    static void agentAndKey() {
        agentJar = shared.resolve("updater.jar");
        CliRun written = CliRun.run("agent-jar", "--out", agentJar.toString());
        assertEquals(0, written.exitCode(), written.toString());
        CliRun keys = CliRun.run("keygen", "--out", shared.resolve("keys").toString());
        assertEquals(0, keys.exitCode(), keys.toString());
        key = keys.out().lines().filter(l -> l.startsWith("ed25519:")).findFirst().orElseThrow();
    }

    @AfterEach
    void stopEverything() {
        for (int i = started.size() - 1; i >= 0; i--) {
            started.get(i).close();
        }
        if (home != null) {
            Hosts.killRecorded(home);
        }
    }

    @Test
    void stopStart_theVisitsSurviveAnUpdate_andARollbackHandsTheOldVersionItsOwnStateBack() throws Exception {
        Path v100 = app("1.0.0", AppRelease.Behaviour.GOOD, "keeps");
        Path v110 = app("1.1.0", AppRelease.Behaviour.GOOD, "keeps");
        Path v120 = app("1.2.0", AppRelease.Behaviour.ANSWERS_500, "keeps");
        ChildProcess sidecar = sidecar(v100, "--health-timeout", "8s"); // 1.2.0 fails it only once it is over
        awaitHandoffReady("1.0.0");
        List<String> visits = visit(3);

        SwapJournal update = stageAndAwait(v110, "1.1.0", null);

        assertEquals(SwapState.COMMITTED, update.state(), dump(sidecar));
        awaitOrDump(sidecar, "1.1.0 serving the visits 1.0.0 had", () -> visits.equals(visits()));
        awaitOrDump(sidecar, "the hand-off files gone", () -> handoffFiles().isEmpty());
        SidecarOutput.await(sidecar, l -> l.startsWith("the host (pid ") && l.contains(") saved its state for 1.1.0 ("
                + stateBytes(visits) + ", "), PATIENCE);
        awaitOrDump(sidecar, "the restore in the history", () -> events(HistoryEvent.Kind.STATE_RESTORED) == 1);
        HistoryEvent restored = lastEvent(HistoryEvent.Kind.STATE_RESTORED);
        assertEquals("1.1.0", String.valueOf(restored.version()));
        assertEquals("1.0.0", String.valueOf(restored.from()));
        assertEquals("restored the state 1.0.0 saved just now (" + stateBytes(visits) + ")", restored.detail());

        List<String> before = visit(1);
        assertEquals(visits, before.subList(0, 3));
        SwapJournal failed = stageAndAwait(v120, "1.2.0", update.id());

        assertEquals(SwapState.ROLLED_BACK, failed.state(), dump(sidecar));
        awaitOrDump(sidecar, "1.1.0 serving again with its own visits", () -> "1.1.0".equals(Hosts.version(port))
                && before.equals(visits()));
        awaitOrDump(sidecar, "the hand-off files gone", () -> handoffFiles().isEmpty());
        // the rollback copy, saved by 1.1.0 for itself (1.2.0 may have restored its own before it was stopped)
        awaitOrDump(sidecar, "1.1.0's own state restored", () -> "1.1.0".equals(String.valueOf(lastEvent(
                HistoryEvent.Kind.STATE_RESTORED).version())) && "1.1.0".equals(String.valueOf(lastEvent(
                HistoryEvent.Kind.STATE_RESTORED).from())));
    }

    @Test
    void overlap_theVisitsSurviveTheCutOver() throws Exception {
        assumeTrue(OverlapSupport.unavailable().isEmpty(), () -> OverlapSupport.unavailable().orElseThrow());
        assumeTrue(ProbePorts.DEFAULT.clashWithEphemeralPorts().isEmpty(),
                () -> ProbePorts.DEFAULT.clashWithEphemeralPorts().orElseThrow());
        Path v100 = app("1.0.0", AppRelease.Behaviour.GOOD, "keeps");
        Path v110 = app("1.1.0", AppRelease.Behaviour.GOOD, "keeps");
        ChildProcess sidecar = sidecar(v100, "--restart", "overlap");
        awaitHandoffReady("1.0.0");
        List<String> visits = visit(2);

        SwapJournal update = stageAndAwait(v110, "1.1.0", null);

        assertEquals(SwapState.COMMITTED, update.state(), dump(sidecar));
        assertEquals("overlap", String.valueOf(updateHome.restartRecord().read().orElseThrow().mode()));
        awaitOrDump(sidecar, "1.1.0 serving the visits 1.0.0 had", () -> "1.1.0".equals(Hosts.version(port))
                && visits.equals(visits()));
        awaitOrDump(sidecar, "the hand-off files gone", () -> handoffFiles().isEmpty());
        String output = sidecar.outputText();
        assertTrue(output.indexOf(") saved its state for 1.1.0 (") < output.indexOf("overlap: cut over"), output);
    }

    @Test
    void watch_theVisitsSurviveTheExitTheContainerRuntimeRestarts() throws Exception {
        Path v100 = app("1.0.0", AppRelease.Behaviour.GOOD, "keeps");
        Path v110 = app("1.1.0", AppRelease.Behaviour.GOOD, "keeps");
        Files.copy(v100, target);
        try (ContainerRuntime runtime = new ContainerRuntime(hostCommand(), Duration.ofMillis(200))) {
            ChildProcess watcher = SidecarJar.start(List.of(), List.of("watch", "--home", home.toString(), "--apply",
                    "immediate", "--health-url", "http://127.0.0.1:" + port + "/health", "--min-uptime", "300ms",
                    "--health-timeout", "20s", "--stop-timeout", "5s", "--target", target.toString()));
            started.add(watcher);
            awaitHandoffReady("1.0.0");
            List<String> visits = visit(2);

            SwapJournal update = stageAndAwait(v110, "1.1.0", null);

            assertEquals(SwapState.COMMITTED, update.state(), dump(watcher) + runtime);
            awaitOrDump(watcher, "1.1.0 serving the visits 1.0.0 had", () -> "1.1.0".equals(Hosts.version(port))
                    && visits.equals(visits()));
            assertEquals(List.of(0), runtime.exits(), "1.0.0 exited when asked, after it saved: " + runtime);
            String output = watcher.outputText();
            assertTrue(output.indexOf(") saved its state for 1.1.0 (") < output.indexOf("asking the host (pid "),
                    output);
        }
    }

    @Test
    void aSaveThatThrowsHangsOrReturns10MiB_costsOnlyTheState_andAHostWithoutTheMBeanIsAskedNothing() throws Exception {
        Path v100 = app("1.0.0", AppRelease.Behaviour.GOOD, "throws");
        Path v110 = app("1.1.0", AppRelease.Behaviour.GOOD, "hangs");
        Path v120 = app("1.2.0", AppRelease.Behaviour.GOOD, "huge");
        Path v130 = app("1.3.0", AppRelease.Behaviour.GOOD, "none");
        Path v140 = app("1.4.0", AppRelease.Behaviour.GOOD, "none");
        ChildProcess sidecar = sidecar(v100, "--save-timeout", "2s");
        awaitHandoffReady("1.0.0");

        SwapJournal first = stageAndAwait(v110, "1.1.0", null);
        awaitHandoffReady("1.1.0");
        SwapJournal second = stageAndAwait(v120, "1.2.0", first.id());
        awaitHandoffReady("1.2.0");
        SwapJournal third = stageAndAwait(v130, "1.3.0", second.id());
        awaitAgentOf("1.3.0");
        int eventsBefore = updateHome.history().read().size();
        SwapJournal fourth = stageAndAwait(v140, "1.4.0", third.id());

        for (SwapJournal journal : List.of(first, second, third, fourth)) {
            assertEquals(SwapState.COMMITTED, journal.state(), dump(sidecar));
        }
        String failure = "no state is handed to %s: dev.updater:type=StateHandoff save() %s. The update goes on without it.";
        assertEquals(List.of(
                String.format(failure, "1.1.0", "failed: java.lang.IllegalStateException: the visits are being compacted"),
                String.format(failure, "1.2.0", "did not return within 2s"),
                "no state is handed to 1.3.0: save() returned 10,485,760 bytes, more than the 1,048,576 bytes a state"
                        + " hand-off may carry. The update goes on without it."),
                updateHome.history().read().stream().filter(e -> e.event() == HistoryEvent.Kind.STATE_NOT_HANDED_OFF)
                        .map(HistoryEvent::detail).toList());
        for (String version : List.of("1.1.0", "1.2.0", "1.3.0")) {
            SidecarOutput.await(sidecar, l -> l.startsWith("the host (pid ") && l.endsWith(") saved no state for "
                    + version + " (its log and 'updater-sidecar history' say why); the update goes on without it"),
                    PATIENCE);
        }
        assertEquals(List.of(), handoffFiles(), "nothing saved");
        assertFalse(updateHome.saveRequest().exists());
        assertTrue(updateHome.history().read().stream().skip(eventsBefore).noneMatch(e -> e.event().wireName()
                .startsWith("state-")), "the host without the MBean was asked nothing");
        assertFalse(sidecar.outputText().contains("state for 1.4.0"), sidecar.outputText());
        AgentRecord agent = awaitAgentOf("1.4.0");
        assertFalse(agent.stateHandoff(), agent.toString());
    }

    @Test
    void aTamperedOrStaleState_isKeptAside_neverRestored() throws Exception {
        Path v100 = app("1.0.0", AppRelease.Behaviour.GOOD, "keeps");
        Files.copy(v100, target);
        ReleaseVersion version = ReleaseVersion.parse("1.0.0");
        HandedOffState good = HandedOffState.of(version, ReleaseVersion.parse("0.9.0"), Instant.now(), 1, "2026-11-30T08:00:00Z");
        HandedOffState tampered = new HandedOffState(version, good.savedBy(), good.savedAt(), 1, good.bytes(),
                good.sha256(), "2026-11-30T08:00:01Z");
        updateHome.handedOffState(version).write(tampered);
        byte[] written = Files.readAllBytes(updateHome.handedOffState(version).path());

        try (ChildProcess host = host()) {
            awaitOrDump(host, "the tampered state kept aside and reported", () -> Files.exists(updateHome.keptHandoff(version))
                    && events(HistoryEvent.Kind.STATE_NOT_HANDED_OFF) == 1);
            assertArrayEquals(written, Files.readAllBytes(updateHome.keptHandoff(version)), "kept byte for byte");
            assertFalse(updateHome.handedOffState(version).exists());
            assertEquals("did not restore the state in " + updateHome.handedOffState(version).path() + ": its state"
                    + " does not match the SHA-256 and length it was saved with (changed or cut short since); it is kept"
                    + " in " + updateHome.keptHandoff(version) + " (delete it once looked at)",
                    lastEvent(HistoryEvent.Kind.STATE_NOT_HANDED_OFF).detail());
            awaitOrDump(host, "1.0.0 serving", () -> "1.0.0".equals(Hosts.version(port)));
            assertEquals(List.of(), visits(), "nothing restored");
        }

        HandedOffState stale = HandedOffState.of(version, good.savedBy(), Instant.now().minus(Duration.ofMinutes(11)), 1,
                good.state());
        updateHome.handedOffState(version).write(stale);
        try (ChildProcess host = host()) {
            awaitOrDump(host, "the stale state kept aside and reported", () -> !updateHome.handedOffState(version).exists()
                    && events(HistoryEvent.Kind.STATE_NOT_HANDED_OFF) == 2);
            assertEquals(stale, Json.mapper().readValue(updateHome.keptHandoff(version).toFile(), HandedOffState.class));
            assertEquals("did not restore the state in " + updateHome.handedOffState(version).path() + ": it was saved"
                    + " 11 minutes ago, longer ago than the 10m a state stays fresh; it is kept in "
                    + updateHome.keptHandoff(version) + " (delete it once looked at)",
                    lastEvent(HistoryEvent.Kind.STATE_NOT_HANDED_OFF).detail());
            awaitOrDump(host, "1.0.0 serving", () -> "1.0.0".equals(Hosts.version(port)));
            assertEquals(List.of(), visits(), "nothing restored");
        }
    }

    // ---- helpers

    private Path app(String version, AppRelease.Behaviour behaviour, String handoff) throws IOException {
        if (home == null) {
            home = Staging.newHome(dir.resolve("home"));
            updateHome = new UpdateHome(home);
            target = Files.createDirectories(dir.resolve("opt")).resolve("app.jar");
            port = freePort();
        }
        return AppJars.handoffApp(dir.resolve("jars/app-" + version + ".jar"), version, behaviour, handoff);
    }

    private List<String> hostCommand() {
        return ChildProcess.java("-javaagent:" + agentJar + "=manifest=http://127.0.0.1:9/m.json,key=" + key + ",home="
                + home + ",initial-delay=1h", "-jar", target, "--port", port);
    }

    private ChildProcess host() {
        ChildProcess host = ChildProcess.start(hostCommand());
        started.add(host);
        return host;
    }

    private ChildProcess sidecar(Path installed, String... extra) throws IOException {
        Files.copy(installed, target);
        List<String> args = new ArrayList<>(List.of("run", "--home", home.toString(), "--apply", "immediate",
                "--health-url", "http://127.0.0.1:" + port + "/health", "--min-uptime", "300ms", "--stop-timeout", "5s",
                "--target", target.toString()));
        args.addAll(List.of(extra));
        if (!args.contains("--health-timeout")) {
            args.addAll(List.of("--health-timeout", "20s")); // passed as soon as healthy: room for a loaded machine
        }
        args.add("--");
        args.addAll(hostCommand());
        ChildProcess sidecar = SidecarJar.start(List.of(), args);
        started.add(sidecar);
        return sidecar;
    }

    /** The host of {@code version} serving, and its agent reporting the host's MBean in agent.json. */
    private void awaitHandoffReady(String version) {
        awaitOrDump(null, version + " serving, its agent reporting the MBean", () -> version.equals(Hosts.version(port))
                && updateHome.agentRecord().readQuietly().map(r -> version.equals(String.valueOf(r.runningVersion()))
                && r.stateHandoff()).orElse(false));
    }

    /** The full agent.json of the host running {@code version}, once its agent wrote it. */
    private AgentRecord awaitAgentOf(String version) {
        awaitOrDump(null, version + "'s agent reporting", () -> updateHome.agentRecord().readQuietly()
                .map(r -> version.equals(String.valueOf(r.runningVersion())) && r.agentVersion() != null).orElse(false));
        return updateHome.agentRecord().readQuietly().orElseThrow();
    }

    private SwapJournal stageAndAwait(Path jar, String version, String previousId) throws Exception {
        Staging.stage(home, jar, version);
        awaitOrDump(null, "the transaction to " + version + " finished", () -> updateHome.swapJournal().readQuietly()
                .map(j -> !j.id().equals(previousId) && String.valueOf(j.to().version()).equals(version)
                        && j.state().isFinished() && SidecarFixture.settled(updateHome, j)).orElse(false));
        return updateHome.swapJournal().read().orElseThrow();
    }

    private List<String> visit(int times) {
        for (int i = 0; i < times; i++) {
            assertEquals(String.valueOf(visits().size() + 1), Hosts.get(port, "/visit"));
        }
        return visits();
    }

    private List<String> visits() {
        String body = Hosts.get(port, "/visits");
        return body == null ? null : body.isEmpty() ? List.of() : List.of(body.split("\n"));
    }

    private static String stateBytes(List<String> visits) {
        long n = String.join("\n", visits).getBytes(StandardCharsets.UTF_8).length;
        return String.format(java.util.Locale.ROOT, "%,d bytes", n);
    }

    private long events(HistoryEvent.Kind kind) throws UpdaterException {
        return updateHome.history().read().stream().filter(e -> e.event() == kind).count();
    }

    private HistoryEvent lastEvent(HistoryEvent.Kind kind) throws UpdaterException {
        List<HistoryEvent> events = updateHome.history().read().stream().filter(e -> e.event() == kind).toList();
        assertFalse(events.isEmpty(), "no " + kind + " event in " + updateHome.history().read());
        return events.get(events.size() - 1);
    }

    private List<String> handoffFiles() throws IOException {
        if (!Files.isDirectory(updateHome.handoff())) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(updateHome.handoff())) {
            return files.filter(Files::isRegularFile).map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    private void awaitOrDump(ChildProcess process, String what, Callable<Boolean> condition) {
        try {
            await().atMost(PATIENCE).pollInterval(Duration.ofMillis(50)).ignoreExceptions().until(condition);
        } catch (ConditionTimeoutException e) {
            throw new AssertionError("Timed out waiting for " + what + "\n" + dump(process), e);
        }
    }

    private String dump(ChildProcess process) {
        StringBuilder sb = new StringBuilder();
        for (ChildProcess p : started) {
            sb.append(p).append('\n');
        }
        sb.append("journal: ").append(updateHome.swapJournal().readQuietly().orElse(null)).append('\n');
        try {
            sb.append("history: ").append(updateHome.history().read()).append('\n');
        } catch (UpdaterException e) {
            sb.append("history: ").append(e.getMessage()).append('\n');
        }
        return sb.toString();
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
