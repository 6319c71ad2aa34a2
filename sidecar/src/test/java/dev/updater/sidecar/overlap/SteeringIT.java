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
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
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
        System.clearProperty(Steering.REFUSE_PIDFD_PROPERTY);
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

    /**
     * pidfd refused (forced by the test-only switch: root has {@code CAP_SYS_PTRACE}): the sidecar's seat
     * joins as member 2 (index 1), B as 3 (index 2); at the cut-over the seat leaves, B moves into index 1,
     * the seat joins again as index 2 and the program names 1. Every connection goes where the indexes say,
     * the seat never holds one, and once the seat has closed and A is gone B has them all.
     */
    @Test
    void seated_probeConnectionsReachBAlone_othersA_theCutOverMovesAllToB_andTheSeatNeverQueuesOne() throws Exception {
        ChildProcess a = host("A");
        long aInode = ListeningSockets.of(a.pid()).get(0).inode();
        System.setProperty(Steering.REFUSE_PIDFD_PROPERTY, "true");
        try (Steering steering = Steering.take(a.process().toHandle(), PROBE)) {
            assertEquals("overlap: pidfd_open on the running host (pid " + a.pid() + ") was refused: pidfd_open (refused"
                    + " by -Dupdater.overlap.test.refuse-pidfd) failed with errno 1 (EPERM); so the sidecar steers"
                    + " through a listening socket of its own in the group on 127.0.0.1:" + port + ", which accepts"
                    + " nothing", steering.notice().orElseThrow());
            long seat = seatInode(aInode);
            host("B");
            assertEquals(3, ListeningSockets.sharing(ListeningSockets.of(a.pid()).get(0)), "A, the seat, B");

            assertEquals(Map.of("B", 20), ask(20, true));
            assertEquals(Map.of("A", 20), ask(20, false));
            assertEquals(0, ListeningSockets.acceptQueue(seat), "the seat never got a connection");

            steering.cutOver();
            long seatAgain = seatInode(aInode);
            assertTrue(seatAgain != seat && ListeningSockets.acceptQueue(seat) == -1, "the first seat has closed");
            assertEquals(Map.of("B", 20), ask(20, false));
            assertEquals(Map.of("B", 10), ask(10, true));
            assertEquals(0, steering.awaitAcceptQueuesEmpty(Duration.ofSeconds(5), () -> false));
            assertEquals(0, ListeningSockets.acceptQueue(seatAgain), "the seat never got a connection");
            steering.close();
            assertEquals(-1, ListeningSockets.acceptQueue(seatAgain), "closed before A stops");
            assertEquals(Map.of("B", 20), ask(20, false), "the seat left last: B kept index 1");
        }
        a.term();
        a.awaitExit(START);
        assertEquals(Map.of("B", 20), ask(20, false), "A gone: B alone, the program's 1 is out of range");
    }

    @Test
    void seated_releasedAfterAFailedB_leavesNoSocketOfTheSidecar_andAGetsEveryConnection() throws Exception {
        ChildProcess a = host("A");
        System.setProperty(Steering.REFUSE_PIDFD_PROPERTY, "true");
        Steering steering = Steering.take(a.process().toHandle(), PROBE);
        ChildProcess b = host("B");
        assertEquals(Map.of("B", 5), ask(5, true));
        b.close();
        await(() -> ListeningSockets.of(b.pid()).isEmpty());

        steering.release();

        assertEquals(1, ListeningSockets.sharing(ListeningSockets.of(a.pid()).get(0)), "A alone in the group");
        assertEquals(Map.of("A", 20), ask(20, true));
        assertEquals(Map.of("A", 20), ask(20, false));
    }

    /**
     * A SYN the kernel hands the seat anyway (here a program that names the seat's index on purpose) is
     * dropped by the seat's filter, never queued: the client sends it again after its 1 s SYN timeout and
     * the program then in force gives it to A.
     */
    @Test
    void aConnectionTheKernelHandsTheSeat_isNeverQueuedThere_andReachesAOnTheClientsRetry() throws Exception {
        ChildProcess a = host("A");
        ListeningSocket aSocket = ListeningSockets.of(a.pid()).get(0);
        LinuxCalls linux = OverlapSupport.calls();
        int seat = GroupSeat.join(linux, aSocket, 2);
        try {
            long seatInode = ListeningSockets.socketInode(Path.of("/proc/self/fd/" + seat));
            linux.attach(seat, SteeringProgram.everyConnectionToNewHost(1)); // names the seat
            // SYNs go out at 0, 1, 3, 7 s: a connect timeout past the second retry, for a slow machine
            CompletableFuture<String> client = CompletableFuture.supplyAsync(() -> {
                try (Socket socket = new Socket()) {
                    socket.connect(new InetSocketAddress("127.0.0.1", port), 10_000);
                    socket.setSoTimeout(5_000);
                    return new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII))
                            .readLine();
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
            org.awaitility.Awaitility.await().during(Duration.ofMillis(500)).atMost(START)
                    .until(() -> ListeningSockets.acceptQueue(seatInode) == 0 && !client.isDone());

            linux.attach(seat, SteeringProgram.probeToNewHost(PROBE, 2));

            assertEquals("A", client.get(15, TimeUnit.SECONDS));
            assertEquals(0, ListeningSockets.acceptQueue(seatInode));
        } finally {
            GroupSeat.close(linux, seat);
        }
    }

    @Test
    void seated_aHostOfAnotherUser_isRefusedWithBothReasons() throws Exception {
        assumeTrue("root".equals(System.getProperty("user.name")), "needs root to run a host as uid 65534");
        ChildProcess a = host("A", List.of("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"));
        long pid = a.pid(); // setpriv execs java in its own process
        System.setProperty(Steering.REFUSE_PIDFD_PROPERTY, "true");

        UpdaterException e = assertThrows(UpdaterException.class,
                () -> Steering.take(ProcessHandle.of(pid).orElseThrow(), PROBE));

        assertEquals(ErrorCode.OVERLAP_UNAVAILABLE, e.code());
        assertEquals("pidfd_open on the running host (pid " + pid + ") was refused: pidfd_open (refused by"
                + " -Dupdater.overlap.test.refuse-pidfd) failed with errno 1 (EPERM); nor can the sidecar join the"
                + " port's group itself: the running host (pid " + pid + ") runs as uid 65534 and the sidecar as uid 0,"
                + " and the kernel shares a port only between sockets of one user", e.getMessage());
        assertEquals(1, ListeningSockets.sharing(ListeningSockets.of(pid).get(0)), "nothing joined A's group");
        assertEquals(Map.of("A", 5), ask(5, false));
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
        return host(name, List.of(), extra);
    }

    /** A NameServer child, its command after {@code prefix} (e.g. {@code setpriv …}). */
    private ChildProcess host(String name, List<String> prefix, String... extra) {
        List<Object> args = new ArrayList<>(List.of("-cp", System.getProperty("java.class.path"),
                NameServer.class.getName(), name, port));
        args.addAll(List.of(extra));
        List<String> command = new ArrayList<>(prefix);
        command.addAll(ChildProcess.java(args.toArray()));
        ChildProcess host = ChildProcess.start(command);
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

    /** The inode of the one socket of this JVM that listens beside A's {@code aInode} on its port: the seat. */
    private long seatInode(long aInode) throws IOException {
        ListeningSocket aSocket = ListeningSockets.table().get(aInode);
        try (var fds = Files.list(Path.of("/proc/self/fd"))) {
            List<Long> seats = fds.map(ListeningSockets::socketInode).filter(i -> i != aInode)
                    .filter(i -> aSocket.label().equals(Optional.ofNullable(table(i)).map(ListeningSocket::label).orElse("")))
                    .toList();
            assertEquals(1, seats.size(), "one seat: " + seats);
            return seats.get(0);
        }
    }

    private static ListeningSocket table(long inode) {
        try {
            return ListeningSockets.table().get(inode);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
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
