package dev.updater.sidecar.cli;

import dev.updater.core.UpdaterException;
import dev.updater.core.home.HistoryEvent;
import dev.updater.core.home.UpdateHome;
import dev.updater.core.testing.ChildProcess;
import dev.updater.core.home.Quarantine;
import dev.updater.core.home.SwapJournal;
import dev.updater.core.home.SwapState;
import dev.updater.sidecar.testhost.HostJars;
import dev.updater.sidecar.testhost.Hosts;
import dev.updater.sidecar.testhost.SidecarJar;
import dev.updater.sidecar.testhost.Staging;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.stream.Stream;

import org.awaitility.core.ConditionTimeoutException;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * One update home with a target that runs {@code FakeAgentHost} 1.0.0, releases to stage (1.1.0
 * good, 1.2.0 exits at start, 1.3.0 never healthy), and the sidecars and hosts a test starts,
 * all killed at the end.
 */
final class SidecarFixture implements AutoCloseable {
    static final Duration PATIENCE = Duration.ofSeconds(30);

    final Path home;
    final UpdateHome updateHome;
    final Path target;
    final int port;
    final Path v100;
    final Path v110;
    final Path v120exits;
    final Path v130neverHealthy;
    private final List<ChildProcess> started = new ArrayList<>();

    SidecarFixture(Path dir, String... installedBehaviour) throws IOException {
        home = Staging.newHome(dir.resolve("home"));
        updateHome = new UpdateHome(home);
        Path jars = dir.resolve("jars");
        v100 = HostJars.build(jars.resolve("app-1.0.0.jar"), "1.0.0", installedBehaviour);
        v110 = HostJars.build(jars.resolve("app-1.1.0.jar"), "1.1.0");
        v120exits = HostJars.build(jars.resolve("app-1.2.0.jar"), "1.2.0", "exitAtStart=3");
        v130neverHealthy = HostJars.build(jars.resolve("app-1.3.0.jar"), "1.3.0", "healthy=false");
        target = Files.createDirectories(dir.resolve("opt")).resolve("app.jar");
        Files.copy(v100, target);
        port = freePort();
    }

    /**
     * Makes the target what deployments often have: a relative symbolic link into another directory,
     * {@code opt/app.jar -> ../deploy/app-1.0.0.jar}. Returns the link's destination.
     */
    Path linkTarget() throws IOException {
        Path destination = Files.createDirectories(target.getParent().resolveSibling("deploy")).resolve("app-1.0.0.jar");
        Files.move(target, destination);
        Files.createSymbolicLink(target, Path.of("..", "deploy", "app-1.0.0.jar"));
        return destination;
    }

    String healthUrl() {
        return "http://127.0.0.1:" + port + "/health";
    }

    List<String> hostCommand() {
        return hostCommand(Path.of(System.getProperty("java.home"), "bin", "java"));
    }

    /** The host on another JDK's {@code java}. */
    List<String> hostCommand(Path java) {
        return ChildProcess.java(java, "-jar", target, "--home", home, "--port", port);
    }

    /** {@code run} with short timeouts, an explicit target and the health URL. */
    List<String> runArgs(String policy, String... extra) {
        return runArgs(hostCommand(), policy, extra);
    }

    /** {@code run} as {@link #runArgs(String, String...)}, with {@code host} as the host's command. */
    List<String> runArgs(List<String> host, String policy, String... extra) {
        List<String> args = new ArrayList<>(List.of("run", "--home", home.toString(), "--apply", policy,
                "--health-url", healthUrl(), "--min-uptime", "300ms", "--health-timeout", "5s", "--stop-timeout", "2s",
                "--target", target.toString()));
        args.addAll(Arrays.asList(extra));
        args.add("--");
        args.addAll(host);
        return args;
    }

    ChildProcess run(String policy, String... extra) {
        return sidecar(List.of(), runArgs(policy, extra));
    }

    ChildProcess sidecar(List<String> jvmOptions, List<String> args) {
        ChildProcess jvm = SidecarJar.start(jvmOptions, args);
        started.add(jvm);
        return jvm;
    }

    ChildProcess track(ChildProcess jvm) {
        started.add(jvm);
        return jvm;
    }

    void stage(Path jar, String version) throws Exception {
        Staging.stage(home, jar, version);
    }

    void awaitServing(String version) {
        awaitOrDump("the host serving " + version, () -> version.equals(Hosts.version(port)));
    }

    /**
     * The pid in the host's agent.json, once it is there: a host serves before its agent has written
     * the record (the agent starts on its own thread, after the bind hook in overlap mode).
     */
    long awaitRecordedPid() {
        awaitOrDump("the host's agent.json", () -> Hosts.recordedPid(home).isPresent());
        return Hosts.recordedPid(home).orElseThrow();
    }

    /**
     * Waits until a host started by {@code sidecar} serves {@code version}: not an orphan left by a
     * killed sidecar, which the new one stops first.
     */
    void awaitServedBy(ChildProcess sidecar, String version) {
        awaitOrDump(version + " served by a child of sidecar " + sidecar.pid(), () -> Hosts.recordedPid(home)
                .map(pid -> sidecar.process().toHandle().children().anyMatch(child -> child.pid() == pid)).orElse(false)
                && version.equals(Hosts.version(port)));
    }

    /** Waits until the last transaction reached a final state, and returns it. */
    SwapJournal awaitFinishedJournal() {
        awaitOrDump("a finished, settled journal", () -> journal().filter(j -> j.state().isFinished()).map(this::settled)
                .orElse(false));
        return journal().orElseThrow();
    }

    /**
     * Whether the sidecar has brought the other records in line with {@code done}: it closes the journal
     * first (the commit point), then writes installed.json and drops the staged copy, so a test that
     * reads them right after the journal would race it. A journal that did not commit is followed by its
     * history event too (rolled-back or failed, written after the journal): an operator's rollback has
     * no staged copy to wait for, so that event is waited for itself.
     */
    boolean settled(SwapJournal done) {
        return settled(updateHome, done);
    }

    /** As {@link #settled(SwapJournal)}, for tests with a home of their own. */
    static boolean settled(UpdateHome updateHome, SwapJournal done) {
        if (done.state() != SwapState.COMMITTED && !historyClosed(updateHome, done)) {
            return false;
        }
        Optional<SwapJournal.Artifact> holds = switch (done.state()) {
            case COMMITTED -> Optional.of(done.to());
            case ROLLED_BACK -> Optional.of(done.from());
            default -> Optional.empty();
        };
        if (holds.isPresent() && !updateHome.installedRecord().readQuietly()
                .map(i -> holds.get().sha256().equals(i.sha256())).orElse(false)) {
            return false;
        }
        if (done.kind() != SwapJournal.Kind.INSTALL) {
            return true;
        }
        return updateHome.stagedRecord().readQuietly().map(s -> !s.sha256().equals(done.to().sha256())).orElse(true)
                && !Files.exists(updateHome.release(done.to().version().toString()));
    }

    /** The history holds the event the sidecar writes just after closing {@code done} as not committed. */
    private static boolean historyClosed(UpdateHome updateHome, SwapJournal done) {
        try {
            return updateHome.history().read().stream().anyMatch(e -> !e.at().isBefore(done.updatedAt())
                    && (e.event() == HistoryEvent.Kind.ROLLED_BACK || e.event() == HistoryEvent.Kind.FAILED));
        } catch (UpdaterException e) {
            return false; // being appended to: look again
        }
    }

    /** Awaits {@code condition}; on a timeout the failure shows what every process printed. */
    void awaitOrDump(String what, Callable<Boolean> condition) {
        try {
            await().atMost(PATIENCE).pollInterval(Duration.ofMillis(50)).until(condition);
        } catch (ConditionTimeoutException e) {
            throw new AssertionError("Timed out waiting for " + what + " (" + PATIENCE + ")\n" + dump(), e);
        }
    }

    String dump() {
        StringBuilder sb = new StringBuilder();
        for (ChildProcess jvm : started) {
            sb.append(jvm).append('\n');
        }
        journal().ifPresent(j -> sb.append("journal: ").append(j).append('\n'));
        return sb.toString();
    }

    Optional<SwapJournal> journal() {
        try {
            return updateHome.swapJournal().read();
        } catch (UpdaterException e) {
            return Optional.empty();
        }
    }

    List<String> events() throws UpdaterException {
        return updateHome.history().read().stream().map(e -> e.event() + " " + e.version()).toList();
    }

    List<HistoryEvent> history() throws UpdaterException {
        return updateHome.history().read();
    }

    List<String> quarantined() throws UpdaterException {
        return updateHome.quarantineList().read().orElse(Quarantine.NONE).versions().stream().map(e -> e.version().toString()).toList();
    }

    void assertTargetIs(Path jar) throws IOException {
        assertArrayEquals(Files.readAllBytes(jar), Files.readAllBytes(target), "the target is byte for byte " + jar.getFileName());
    }

    /** Only the target in its directory: no temp file of a swap is left behind. */
    void assertNoTempFiles() throws IOException {
        try (Stream<Path> files = Files.list(target.getParent())) {
            assertEquals(List.of("app.jar"), files.map(p -> p.getFileName().toString()).toList());
        }
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        for (ChildProcess jvm : started) {
            jvm.close();
        }
        Hosts.killRecorded(home);
    }
}
