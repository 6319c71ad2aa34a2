package dev.updater.sidecar.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.updater.core.UpdaterException;
import dev.updater.core.home.AgentRecord;
import dev.updater.core.home.Quarantine;
import dev.updater.core.home.RestartRecord;
import dev.updater.core.home.SwapJournal;
import dev.updater.core.home.SwapState;
import dev.updater.core.home.UpdateHome;
import dev.updater.core.json.Json;
import dev.updater.core.testing.ChildProcess;
import dev.updater.sidecar.overlap.OverlapSupport;
import dev.updater.sidecar.testhost.LoadProcess;
import dev.updater.sidecar.testhost.NetworkNamespace;
import dev.updater.sidecar.testhost.SidecarJar;
import dev.updater.sidecar.testhost.SidecarOutput;
import dev.updater.sidecar.testhost.Staging;
import dev.updater.sidecar.testhost.apps.AppJars;
import dev.updater.sidecar.testhost.apps.AppRelease;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.stream.Stream;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Issue 12's "done when", end to end: {@code run --restart overlap} from the built sidecar jar updates
 * real servers (JDK {@code HttpServer}, Jetty 12, Spring Boot on Tomcat) that run the real updater
 * agent (its bind hook sets {@code SO_REUSEPORT} and records the listeners), while the load generator
 * (a child JVM: open loop, half new and half keep-alive connections) sends {@value #RATE} requests a
 * second; not one may fail. A bad release (exits at start, answers 500 everywhere, never listens) is
 * rolled back under the same load with not one failed request, the old host serving throughout.
 * Everything runs in a private network namespace (port {@value #PORT} is ours alone, and each case sets
 * its own {@code tcp_migrate_req}); the test skips, saying why, where one cannot be made.
 *
 * <p>A representative matrix, not every combination (the suite's time budget): each server once on JDK 17
 * with a good release, the JDK server with {@code tcp_migrate_req} both 0 and 1 and Jetty with 1, one
 * JDK 25 host (Jetty), and each bad release once, on the server that starts fastest for it. And one
 * fallback the agent's own record explains: a host bound without {@code SO_REUSEPORT}.
 */
class OverlapUnderLoadIT {
    private static final int PORT = 8080;
    private static final int RATE = 150;
    private static final Path JDK17 = Path.of(System.getProperty("java.home"), "bin", "java");
    private static final Path JDK25 = Path.of("/usr/lib/jvm/temurin-25-jdk-amd64/bin/java");
    private static final Duration PATIENCE = Duration.ofSeconds(90);
    /** One host alone under load before and after the update: about 75 requests at {@link #RATE}. */
    private static final Duration LOAD_BEFORE_AND_AFTER = Duration.ofMillis(500);

    @TempDir
    static Path shared;
    private static Path agentJar;
    private static String key;

    @TempDir
    Path dir;

    private final List<AutoCloseable> started = new ArrayList<>();
    private ChildProcess sidecar;
    private Path homeDir;
    private UpdateHome home;

    /** The agent jar as operators get it (the sidecar jar's {@code agent-jar}), and a key it never uses. */
    @BeforeAll
    static void agentAndKey() {
        agentJar = shared.resolve("updater.jar");
        CliRun written = CliRun.run("agent-jar", "--out", agentJar.toString());
        assertEquals(0, written.exitCode(), written.toString());
        CliRun keys = CliRun.run("keygen", "--out", shared.resolve("keys").toString());
        assertEquals(0, keys.exitCode(), keys.toString());
        key = keys.out().lines().filter(l -> l.startsWith("ed25519:")).findFirst().orElseThrow();
    }

    @BeforeEach
    void overlapPossibleHere() {
        assumeTrue(OverlapSupport.unavailable().isEmpty(), () -> OverlapSupport.unavailable().orElseThrow());
    }

    @AfterEach
    void stopEverything() throws Exception {
        for (int i = started.size() - 1; i >= 0; i--) {
            started.get(i).close();
        }
    }

    static Stream<Arguments> goodUpdates() {
        return Stream.of(
                Arguments.of(AppJars.Kind.JDK_HTTP, JDK17, false, false),
                Arguments.of(AppJars.Kind.JDK_HTTP, JDK17, true, false),
                Arguments.of(AppJars.Kind.JETTY, JDK17, true, false),
                Arguments.of(AppJars.Kind.SPRING_BOOT, JDK17, false, false),
                Arguments.of(AppJars.Kind.JETTY, JDK25, false, false),
                // pidfd refused (the test-only switch: root's CAP_SYS_PTRACE never is): steered from a seat
                Arguments.of(AppJars.Kind.JDK_HTTP, JDK17, false, true));
    }

    @ParameterizedTest(name = "{0} on {1}, tcp_migrate_req={2}, pidfd refused={3}")
    @MethodSource("goodUpdates")
    void aGoodRelease_takesOverUnderLoad_noRequestFails_theOldHostIsGone_andStatusSaysOverlap(AppJars.Kind kind,
            Path java, boolean migrateReq, boolean pidfdRefused) throws Exception {
        assumeTrue(Files.isExecutable(java), "no JDK at " + java);
        Path v100 = AppJars.build(dir.resolve("jars/app-1.0.0.jar"), kind, "1.0.0", AppRelease.Behaviour.GOOD);
        Path v110 = AppJars.build(dir.resolve("jars/app-1.1.0.jar"), kind, "1.1.0", AppRelease.Behaviour.GOOD);
        NetworkNamespace net = namespace(migrateReq);
        Path target = startSidecar(net, v100, pidfdRefused ? List.of("-Dupdater.overlap.test.refuse-pidfd=true")
                : List.of(), List.of(), java, "60s");
        AgentRecord a = awaitServing("1.0.0", -1);
        LoadProcess load = load(net);

        load.mark("update");
        Staging.stage(homeDir, v110, "1.1.0");
        SwapJournal journal = awaitFinishedJournal();
        AgentRecord b = awaitServing("1.1.0", a.pid());
        awaitOrDump("the old host (pid " + a.pid() + ") gone", () -> ProcessHandle.of(a.pid()).isEmpty());
        load.mark("after");
        Thread.sleep(LOAD_BEFORE_AND_AFTER.toMillis()); // the new host alone under load
        LoadProcess.Result result = load.stop();

        assertEquals(0, result.failed(), "failed requests:\n" + result + "\n" + dump());
        assertTrue(result.windows().get("steady").requests() > 0, result.toString());
        assertTrue(result.windows().get("update").requests() >= RATE, result.toString()); // a second or more of update
        assertTrue(result.windows().get("after").requests() > 0, result.toString());
        assertEquals(SwapState.COMMITTED, journal.state(), dump());
        assertArrayEquals(Files.readAllBytes(v110), Files.readAllBytes(target), "the target is 1.1.0 byte for byte");
        assertEquals(List.of(new ListenerSeen("127.0.0.1", PORT, true)), seen(b), "B's agent saw its bind");
        String cutOver = "overlap: cut over, every new connection on 127.0.0.1:" + PORT + " goes to the new host (pid "
                + b.pid() + "), warmed up by ";
        SidecarOutput.await(sidecar, l -> l.startsWith(cutOver)
                && l.endsWith(" requests to http://127.0.0.1:" + PORT + "/health first"), PATIENCE);
        SidecarOutput.await(sidecar, "stopping the old host (pid " + a.pid() + ") gracefully: the new host"
                + " serves", PATIENCE);
        assertEquals(pidfdRefused, SidecarOutput.has(sidecar, "overlap: pidfd_open on the running host (pid " + a.pid()
                + ") was refused: pidfd_open (refused by -Dupdater.overlap.test.refuse-pidfd) failed with errno 1"
                + " (EPERM); so the sidecar steers through a listening socket of its own in the group on 127.0.0.1:"
                + PORT + ", which accepts nothing"), dump());
        RestartRecord restart = home.restartRecord().read().orElseThrow();
        assertEquals(RestartRecord.Mode.OVERLAP, restart.mode());
        assertEquals(null, restart.fallback());
        assertEquals(pidfdRefused ? RestartRecord.SteeringPath.SIDECAR_SOCKET : RestartRecord.SteeringPath.PIDFD,
                restart.steering());
        assertEquals(migrateReq, restart.tcpMigrateReq(), "the sidecar reports tcp_migrate_req as its namespace has it");
        JsonNode status = Json.mapper().readTree(CliRun.run("status", "--home", homeDir.toString(), "--json").out());
        assertEquals("overlap", status.at("/lastRestart/mode").asText(), status.toString());
        assertEquals("1.1.0", status.at("/lastRestart/version").asText(), status.toString());
    }

    static Stream<Arguments> badReleases() {
        return Stream.of(
                Arguments.of(AppJars.Kind.JETTY, AppRelease.Behaviour.EXITS_AT_START,
                        "1.2.0 failed its health gate: the host exited with code 3 before it passed"),
                Arguments.of(AppJars.Kind.JDK_HTTP, AppRelease.Behaviour.ANSWERS_500,
                        "1.2.0 failed its health gate: the host did not pass within 8s: http://127.0.0.1:" + PORT
                                + "/health never answered 2xx from a probe port (last: HTTP 500)"),
                Arguments.of(AppJars.Kind.JDK_HTTP, AppRelease.Behaviour.NEVER_LISTENS,
                        "1.2.0 failed its health gate: the host did not pass within 8s: it never listened on 127.0.0.1:"
                                + PORT));
    }

    @ParameterizedTest(name = "{1} on {0}")
    @MethodSource("badReleases")
    void aBadRelease_isRolledBackUnderLoad_noRequestFails_andTheOldHostServesThroughout(AppJars.Kind kind,
            AppRelease.Behaviour bad, String gateFailure) throws Exception {
        Path v100 = AppJars.build(dir.resolve("jars/app-1.0.0.jar"), kind, "1.0.0", AppRelease.Behaviour.GOOD);
        Path v120 = AppJars.build(dir.resolve("jars/app-1.2.0.jar"), kind, "1.2.0", bad);
        NetworkNamespace net = namespace(false);
        Path target = startSidecar(net, v100, JDK17, "8s");
        AgentRecord a = awaitServing("1.0.0", -1);
        LoadProcess load = load(net);

        load.mark("update");
        Staging.stage(homeDir, v120, "1.2.0");
        SwapJournal journal = awaitFinishedJournal();
        load.mark("after");
        Thread.sleep(LOAD_BEFORE_AND_AFTER.toMillis()); // the old host alone under load, as before
        LoadProcess.Result result = load.stop();

        assertEquals(0, result.failed(), "failed requests:\n" + result + "\n" + dump());
        assertTrue(result.windows().get("steady").requests() > 0, result.toString());
        assertTrue(result.windows().get("after").requests() > 0, result.toString());
        assertEquals(SwapState.ROLLED_BACK, journal.state(), dump());
        assertEquals(gateFailure, journal.gateFailure(), dump());
        assertArrayEquals(Files.readAllBytes(v100), Files.readAllBytes(target), "the target is 1.0.0 byte for byte");
        assertEquals(List.of("1.2.0"), home.quarantineList().read().orElse(Quarantine.NONE).versions().stream()
                .map(v -> v.version().toString()).toList());
        assertTrue(ProcessHandle.of(a.pid()).map(ProcessHandle::isAlive).orElse(false), "the old host never stopped");
        assertEquals(a.pid(), home.agentRecord().read().orElseThrow().pid(), "agent.json is still the old host's");
        SidecarOutput.await(sidecar, l -> l.startsWith("the new host (pid ") || l.startsWith("stopping the new host (pid "),
                PATIENCE);
        assertFalse(SidecarOutput.messages(sidecar).stream().anyMatch(l -> l.startsWith("stopping the host (pid "
                + a.pid() + ")")), dump());
    }

    @Test
    void anOldHostWhoseAgentSawItBindWithoutSoReusePort_isUpdatedByStopStart_theAgentsRecordSaysWhy() throws Exception {
        Path v100 = AppJars.build(dir.resolve("jars/app-1.0.0.jar"), AppJars.Kind.JDK_HTTP, "1.0.0",
                AppRelease.Behaviour.GOOD);
        Path v110 = AppJars.build(dir.resolve("jars/app-1.1.0.jar"), AppJars.Kind.JDK_HTTP, "1.1.0",
                AppRelease.Behaviour.GOOD);
        NetworkNamespace net = namespace(false);
        // the sidecar asks for SO_REUSEPORT through the environment; env overrides it for this host
        startSidecar(net, v100, List.of(), List.of("env", "UPDATER_REUSE_PORT=false"), JDK17, "60s");
        awaitOrDump("1.0.0 ready with its listener recorded", () -> home.agentRecord().readQuietly()
                .map(r -> r.ready() && seen(r).contains(new ListenerSeen("127.0.0.1", PORT, false))).orElse(false));
        AgentRecord a = home.agentRecord().read().orElseThrow();

        Staging.stage(homeDir, v110, "1.1.0");
        SwapJournal journal = awaitFinishedJournal();

        assertEquals(SwapState.COMMITTED, journal.state(), dump());
        String why = "the running host's agent saw it bind 127.0.0.1:" + PORT + " (bound at "
                + a.listeners().get(0).boundAt() + ") without SO_REUSEPORT, so a second host cannot join that port"
                + " (hosts started under --restart overlap get UPDATER_REUSE_PORT=true; the next update can overlap)";
        SidecarOutput.await(sidecar, "overlap is not possible for this update, so it is a stop-start: " + why,
                PATIENCE);
        SidecarOutput.await(sidecar, "stopping the host (pid " + a.pid() + ") to start 1.1.0 (stop-start)", PATIENCE);
        assertFalse(SidecarOutput.messages(sidecar).stream().anyMatch(l -> l.startsWith("overlap: steering")), dump());
        RestartRecord restart = home.restartRecord().read().orElseThrow();
        assertEquals(RestartRecord.Mode.STOP_START, restart.mode());
        assertEquals(why, restart.fallback());
    }

    private NetworkNamespace namespace(boolean migrateReq) throws Exception {
        NetworkNamespace net = NetworkNamespace.create();
        started.add(net);
        net.setTcpMigrateReq(migrateReq);
        assertEquals(migrateReq, net.tcpMigrateReq());
        return net;
    }

    /** {@code run --restart overlap} of {@code installed} with the real agent, inside {@code net}; returns the target. */
    private Path startSidecar(NetworkNamespace net, Path installed, Path java, String healthTimeout) throws Exception {
        return startSidecar(net, installed, List.of(), List.of(), java, healthTimeout);
    }

    /** As above, the sidecar's JVM given {@code jvmOptions}, the host's command after {@code prefix} ({@code env N=V}). */
    private Path startSidecar(NetworkNamespace net, Path installed, List<String> jvmOptions, List<String> prefix,
                              Path java, String healthTimeout) throws Exception {
        homeDir = Staging.newHome(dir.resolve("home"));
        home = new UpdateHome(homeDir);
        Path target = Files.createDirectories(dir.resolve("opt")).resolve("app.jar");
        Files.copy(installed, target);
        List<String> args = new ArrayList<>(List.of("run", "--home", homeDir.toString(), "--apply", "immediate",
                "--restart", "overlap", "--health-url", "http://127.0.0.1:" + PORT + "/health", "--min-uptime", "300ms",
                "--health-timeout", healthTimeout, "--stop-timeout", "15s", "--target", target.toString(), "--"));
        args.addAll(prefix);
        args.addAll(ChildProcess.java(java, "-javaagent:" + agentJar + "=manifest=http://127.0.0.1:9/m.json,key=" + key
                + ",home=" + homeDir + ",initial-delay=1h", "-jar", target, "--port", PORT));
        sidecar = net.start(SidecarJar.command(jvmOptions, args));
        started.add(() -> {
            sidecar.close();
            home.agentRecord().readQuietly().flatMap(r -> ProcessHandle.of(r.pid())).ifPresent(ProcessHandle::destroyForcibly);
        });
        return target;
    }

    /** The load, in the namespace, once it runs; marks "steady" and lets it run a moment before the update. */
    private LoadProcess load(NetworkNamespace net) throws Exception {
        LoadProcess load = LoadProcess.start(net, URI.create("http://127.0.0.1:" + PORT + "/version"), RATE);
        started.add(load);
        load.mark("steady");
        Thread.sleep(LOAD_BEFORE_AND_AFTER.toMillis()); // the old host alone under load first
        return load;
    }

    /**
     * The host of {@code version} serving, as its agent reports it (the test's JVM is outside the
     * namespace): ready, listening on the port with {@code SO_REUSEPORT}, and not {@code notPid}.
     */
    private AgentRecord awaitServing(String version, long notPid) {
        awaitOrDump(version + " ready with its listener recorded", () -> home.agentRecord().readQuietly()
                .filter(r -> r.pid() != notPid && r.ready() && r.runningVersion() != null
                        && version.equals(r.runningVersion().toString()))
                .map(r -> seen(r).contains(new ListenerSeen("127.0.0.1", PORT, true))).orElse(false));
        return home.agentRecord().readQuietly().orElseThrow();
    }

    /** The journal finished, and the records the sidecar writes after it settled (as {@link SidecarFixture}'s). */
    private SwapJournal awaitFinishedJournal() {
        awaitOrDump("a finished, settled journal", () -> journal().filter(j -> j.state().isFinished())
                .map(j -> SidecarFixture.settled(home, j)).orElse(false));
        return journal().orElseThrow();
    }

    private Optional<SwapJournal> journal() {
        try {
            return home.swapJournal().read();
        } catch (UpdaterException e) {
            return Optional.empty();
        }
    }

    /** A listener without its time, to compare. */
    private record ListenerSeen(String address, int port, boolean reusePort) {
    }

    private static List<ListenerSeen> seen(AgentRecord record) {
        return record.listeners().stream().map(l -> new ListenerSeen(l.address(), l.port(), l.reusePort())).toList();
    }

    private void awaitOrDump(String what, Callable<Boolean> condition) {
        try {
            await().atMost(PATIENCE).pollInterval(Duration.ofMillis(50)).until(condition);
        } catch (ConditionTimeoutException e) {
            throw new AssertionError("Timed out waiting for " + what + " (" + PATIENCE + ")\n" + dump(), e);
        }
    }

    private String dump() {
        return sidecar + "\njournal: " + journal().map(String::valueOf).orElse("none") + "\nagent.json: "
                + home.agentRecord().readQuietly().map(String::valueOf).orElse("none");
    }
}
