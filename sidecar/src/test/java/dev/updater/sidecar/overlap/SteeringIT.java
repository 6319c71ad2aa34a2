package dev.updater.sidecar.overlap;

import dev.updater.core.ErrorCode;
import dev.updater.core.UpdaterException;
import dev.updater.core.testing.ChildProcess;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** {@link Steering} on real child JVMs A and B sharing one port: who gets which connection. */
class SteeringIT {
    private static final Duration START = Duration.ofSeconds(20);
    private static final ProbePorts PROBE = ProbePorts.DEFAULT;

    private final List<ChildProcess> hosts = new ArrayList<>();
    private int port;

    @BeforeEach
    void linuxWithNativeAccess() {
        assumeTrue(OverlapSupport.unavailable().isEmpty(), () -> "overlap mode is unavailable here: "
                + OverlapSupport.unavailable().orElseThrow());
        assumeTrue(PROBE.clashWithEphemeralPorts().isEmpty(), () -> PROBE.clashWithEphemeralPorts().orElseThrow());
        port = freePort();
    }

    @AfterEach
    void stopHosts() {
        hosts.forEach(ChildProcess::close);
    }

    @Test
    void probeConnectionsReachBAlone_othersA_andAfterTheCutOverAllReachB_alsoOnceAIsGone() throws Exception {
        ChildProcess a = host("A");
        Map<String, Integer> seen;
        try (Steering steering = Steering.take(a.process().toHandle(), PROBE)) {
            assertEquals(List.of("127.0.0.1:" + port), steering.sockets().stream().map(ListeningSocket::label).toList());
            assertEquals(Map.of("A", 10), ask(10, true), "before B listens, probe connections fall back to A");
            host("B");

            assertEquals(Map.of("B", 20), ask(20, true));
            assertEquals(Map.of("A", 20), ask(20, false));

            steering.cutOver();
            assertEquals(Map.of("B", 20), ask(20, false));
            assertEquals(0, steering.awaitAcceptQueuesEmpty(Duration.ofSeconds(5), () -> false));
        }
        a.term();
        a.awaitExit(START);
        seen = ask(20, false);
        ask(20, true).forEach((name, count) -> seen.merge(name, count, Integer::sum));
        assertEquals(Map.of("B", 40), seen);
    }

    @Test
    void releasedAfterAFailedB_AGetsEveryConnectionAgain() throws Exception {
        ChildProcess a = host("A");
        Steering steering = Steering.take(a.process().toHandle(), PROBE);
        ChildProcess b = host("B");
        assertEquals(Map.of("B", 5), ask(5, true));
        b.close();
        await(() -> ListeningSockets.of(b.pid()).isEmpty());

        steering.release();

        assertEquals(Map.of("A", 20), ask(20, true));
        assertEquals(Map.of("A", 20), ask(20, false));
    }

    @Test
    void aListenerBoundWithoutSoReusePort_isRefusedWithWhy_andAKeepsServing() throws Exception {
        ChildProcess a = host("A", "plain");

        UpdaterException e = assertThrows(UpdaterException.class, () -> Steering.take(a.process().toHandle(), PROBE));

        assertEquals(ErrorCode.OVERLAP_UNAVAILABLE, e.code());
        assertEquals("the running host's listener on 127.0.0.1:" + port + " was bound without SO_REUSEPORT (hosts"
                + " started under --restart overlap get UPDATER_REUSE_PORT=true; the next update can overlap)",
                e.getMessage());
        assertEquals(Map.of("A", 5), ask(5, true));
        assertEquals(List.of(), openSocketsOfThisJvmOn(ListeningSockets.of(a.pid()).get(0).inode()),
                "the duplicate was closed");
    }

    @Test
    void aHostListeningOnNothing_isRefusedWithWhy() {
        UpdaterException e = assertThrows(UpdaterException.class,
                () -> Steering.take(ProcessHandle.current(), PROBE));

        assertEquals("the running host (pid " + ProcessHandle.current().pid() + ") listens on no TCP port the sidecar"
                + " can see in /proc", e.getMessage());
    }

    private ChildProcess host(String name, String... extra) {
        List<Object> args = new ArrayList<>(List.of("-cp", System.getProperty("java.class.path"),
                NameServer.class.getName(), name, port));
        args.addAll(List.of(extra));
        ChildProcess host = ChildProcess.start(ChildProcess.java(args.toArray()));
        hosts.add(host);
        host.awaitLine(name + " listening", START);
        return host;
    }

    /** {@code n} connections, from probe ports or ephemeral ones: who answered how often. */
    private Map<String, Integer> ask(int n, boolean fromProbePorts) throws IOException {
        Map<String, Integer> answers = new TreeMap<>();
        for (int i = 0; i < n; i++) {
            try (Socket socket = new Socket()) {
                socket.setReuseAddress(true);
                if (fromProbePorts) {
                    socket.bind(new InetSocketAddress(PROBE.first() + i % PROBE.size()));
                }
                socket.connect(new InetSocketAddress("127.0.0.1", port), 2_000);
                socket.setSoTimeout(5_000);
                String name = new BufferedReader(new InputStreamReader(socket.getInputStream(),
                        StandardCharsets.US_ASCII)).readLine();
                answers.merge(name, 1, Integer::sum);
            }
        }
        return answers;
    }

    private static List<Path> openSocketsOfThisJvmOn(long inode) throws IOException {
        try (var fds = Files.list(Path.of("/proc/self/fd"))) {
            return fds.filter(fd -> ListeningSockets.socketInode(fd) == inode).toList();
        }
    }

    private static void await(java.util.concurrent.Callable<Boolean> condition) {
        org.awaitility.Awaitility.await().atMost(START).until(condition);
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
