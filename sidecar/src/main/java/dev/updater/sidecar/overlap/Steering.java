package dev.updater.sidecar.overlap;

import dev.updater.core.ErrorCode;
import dev.updater.core.UpdaterException;
import dev.updater.core.home.RestartRecord.SteeringPath;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.BooleanSupplier;

/**
 * Steers new connections between the old host A and the new host B on the ports they share (DESIGN §5
 * "Overlap mode", step 3): holds a duplicate of each of A's listening sockets ({@code pidfd_getfd}) and
 * attaches the {@link SteeringProgram} to each socket's reuse-port group through it. Taken before B
 * starts, so no client connection ever reaches B before its gate; {@link #cutOver} then sends every
 * new connection to B, and {@link #close} must run before A exits: a duplicate would keep A's socket
 * in the group with nobody accepting on it.
 *
 * <p>Where {@code pidfd_getfd} is refused, the sidecar sits in each group with a {@link GroupSeat} of its
 * own instead, which never accepts. Indexes then: A 0, the seat 1, B 2 (the programs never name 1). At
 * the cut-over the seat leaves (B, the last member, moves into its slot: A 0, B 1; the probe program
 * meanwhile sends clients to A) and joins again behind B (index 2) to attach the program that names 1.
 * Closed before A exits, the seat is last and leaves no gap; A's leaving then moves B to 0, where the
 * program's 1 is out of range and the kernel's hash picks B, the only member.
 *
 * <pre>{@code
 * try (Steering steering = Steering.take(hostA, ProbePorts.DEFAULT)) {
 *     // start B, gate it through the probe ports, then:
 *     steering.cutOver();
 *     steering.awaitAcceptQueuesEmpty(Duration.ofSeconds(30), () -> false);
 * } // closed before A is stopped
 * }</pre>
 */
public final class Steering implements AutoCloseable {
    /**
     * {@code -Dupdater.overlap.steering=off}: a measuring switch for {@code bench/zero-downtime}, not an
     * operator option. Overlap then runs on plain {@code SO_REUSEPORT}: no program, no cut-over, no wait
     * for A's queue, to show the failures steering avoids.
     */
    public static final String STEERING_PROPERTY = "updater.overlap.steering";
    /**
     * {@code -Dupdater.overlap.test.refuse-pidfd=true}: test only. Makes {@code pidfd_open} count as refused
     * with EPERM, which a root test cannot get from the kernel (root has {@code CAP_SYS_PTRACE}, the
     * machine has no Yama, and a seccomp filter on the sidecar alone needs a launcher the tests lack).
     */
    static final String REFUSE_PIDFD_PROPERTY = "updater.overlap.test.refuse-pidfd";
    private static final long POLL_MILLIS = 10;

    private final LinuxCalls linux;
    private final int pidfd;
    /** How the sidecar reaches the groups: through A's sockets (pidfd), a seat of its own, or not at all (off). */
    private final SteeringPath hold;
    private final List<Held> held;
    private final String notice;
    private boolean closed;

    /** One of A's sockets and the sidecar's fd in its group: a duplicate of it, a seat, or -1. */
    private record Held(ListeningSocket socket, int fd) {
    }

    private Steering(LinuxCalls linux, int pidfd, SteeringPath hold, List<Held> held, String notice) {
        this.linux = linux;
        this.pidfd = pidfd;
        this.hold = hold;
        this.held = held;
        this.notice = notice;
    }

    /** A refusal of pidfd access, after which the sidecar tries a seat in the groups. */
    private static final class PidfdRefused extends Exception {
        PidfdRefused(String why) {
            super(why);
        }
    }

    /**
     * Takes {@code host}'s listening sockets and sends only probe-port connections to a second member.
     *
     * @throws UpdaterException {@code OVERLAP_UNAVAILABLE} with the sentence the fallback to stop-start
     *     prints: not Linux, no native access, probe ports not reserved, no listener seen, a listener
     *     shared with another process or bound without {@code SO_REUSEPORT}, pidfd access refused and no
     *     seat possible (another user or network namespace)
     */
    public static Steering take(ProcessHandle host, ProbePorts probe) throws UpdaterException {
        Optional<String> impossible = OverlapSupport.unavailable().or(probe::clashWithEphemeralPorts);
        if (impossible.isPresent()) {
            throw refusal(impossible.get());
        }
        List<ListeningSocket> sockets;
        try {
            sockets = ListeningSockets.of(host.pid());
            if (sockets.isEmpty()) {
                throw refusal("the running host (pid " + host.pid() + ") listens on no TCP port the sidecar can see"
                        + " in /proc");
            }
            for (ListeningSocket s : sockets) {
                // the programs' indexes (A 0; B 1, or the seat 1 and B 2) hold only in a group of A alone
                if (ListeningSockets.sharing(s) != 1) {
                    throw refusal("another socket listens on " + s.label() + " beside the running host's");
                }
            }
        } catch (IOException e) {
            throw new UpdaterException(ErrorCode.OVERLAP_UNAVAILABLE, "the running host's listening sockets cannot"
                    + " be read from /proc: " + e.getMessage(), e);
        }
        if ("off".equals(System.getProperty(STEERING_PROPERTY))) {
            return new Steering(null, -1, SteeringPath.OFF, sockets.stream().map(s -> new Held(s, -1)).toList(),
                    "overlap: STEERING IS OFF (-D" + STEERING_PROPERTY + "=off, a measuring switch): plain SO_REUSEPORT,"
                    + " the kernel's hash gives the new host clients before its gate, and connections queued at the"
                    + " old host are reset when it stops");
        }
        LinuxCalls linux = OverlapSupport.calls();
        try {
            return duplicating(linux, host, sockets, probe);
        } catch (PidfdRefused refused) {
            return seated(linux, host, sockets, probe, refused.getMessage());
        }
    }

    private static Steering duplicating(LinuxCalls linux, ProcessHandle host, List<ListeningSocket> sockets,
                                        ProbePorts probe) throws UpdaterException, PidfdRefused {
        int pidfd = openPidfd(linux, host);
        Steering steering = new Steering(linux, pidfd, SteeringPath.PIDFD, new ArrayList<>(), null);
        try {
            for (ListeningSocket s : sockets) {
                steering.held.add(new Held(s, steering.duplicate(host, s)));
            }
            steering.attachToAll(SteeringProgram.probeToNewHost(probe, 1));
            return steering;
        } catch (UpdaterException | PidfdRefused | RuntimeException e) {
            steering.release();
            throw e;
        }
    }

    /** pidfd access was refused: the sidecar joins each group itself, as member 2 behind A. */
    private static Steering seated(LinuxCalls linux, ProcessHandle host, List<ListeningSocket> sockets,
                                   ProbePorts probe, String pidfdRefused) throws UpdaterException {
        Optional<String> apart = GroupSeat.apart(host);
        if (apart.isPresent()) {
            throw refusal(pidfdRefused + "; nor can the sidecar join the port's group itself: " + apart.get());
        }
        Steering steering = new Steering(linux, -1, SteeringPath.SIDECAR_SOCKET, new ArrayList<>(), "overlap: " + pidfdRefused
                + "; so the sidecar steers through a listening socket of its own in the group on "
                + String.join(", ", ListeningSockets.labels(sockets)) + ", which accepts nothing");
        try {
            for (ListeningSocket s : sockets) {
                steering.held.add(new Held(s, GroupSeat.join(linux, s, 2)));
            }
            steering.attachToAll(SteeringProgram.probeToNewHost(probe, 2));
            return steering;
        } catch (UpdaterException e) {
            steering.close();
            throw refusal(pidfdRefused + "; nor can the sidecar join the port's group itself: " + e.getMessage());
        } catch (RuntimeException e) {
            steering.close();
            throw e;
        }
    }

    /** A's sockets, as found when they were taken. */
    public List<ListeningSocket> sockets() {
        return held.stream().map(Held::socket).toList();
    }

    /** The path taken ({@code pidfd}, {@code sidecar-socket} or {@code off}), for {@code status}. */
    public SteeringPath path() {
        return hold;
    }

    /** False when steering is off: the kernel's hash spreads connections, nothing is attached. */
    public boolean steers() {
        return hold != SteeringPath.OFF;
    }

    /** The line to print when the sidecar steers other than through a duplicate of A's socket, or empty. */
    public Optional<String> notice() {
        return Optional.ofNullable(notice);
    }

    /**
     * Step 5: every new connection goes to B from now on; A keeps what it has queued and in flight. A
     * seat first leaves and joins again behind B (see the class comment), then the program names B.
     */
    public void cutOver() throws UpdaterException {
        if (hold == SteeringPath.SIDECAR_SOCKET) {
            for (int i = 0; i < held.size(); i++) {
                Held seat = held.get(i);
                held.set(i, new Held(seat.socket(), -1));
                GroupSeat.close(linux, seat.fd()); // B moves into its slot; the probe program gives clients to A
                held.set(i, new Held(seat.socket(), GroupSeat.join(linux, seat.socket(), 3)));
            }
        }
        if (hold != SteeringPath.OFF) {
            attachToAll(SteeringProgram.everyConnectionToNewHost(1));
        }
    }

    /**
     * Waits until none of A's sockets has a connection queued (seen twice in a row, so that one whose
     * handshake completed at the cut-over is counted), or {@code timeout}. Returns what is still queued:
     * 0 when drained. A socket A closed meanwhile counts as drained.
     */
    public int awaitAcceptQueuesEmpty(Duration timeout, BooleanSupplier cancelled) throws InterruptedException {
        if (hold == SteeringPath.OFF) {
            return 0; // plain SO_REUSEPORT: A gets new connections until it closes, there is nothing to wait for
        }
        Instant deadline = Instant.now().plus(timeout);
        int emptyPolls = 0;
        int queued = 0;
        while (emptyPolls < 2) {
            try {
                queued = 0;
                for (Held h : held) {
                    queued += Math.max(0, ListeningSockets.acceptQueue(h.socket().inode()));
                }
            } catch (IOException e) {
                return -1; // unreadable: the caller stops A anyway, tcp_migrate_req is the safety net
            }
            emptyPolls = queued == 0 ? emptyPolls + 1 : 0;
            if (emptyPolls < 2 && (Instant.now().isAfter(deadline) || cancelled.getAsBoolean())) {
                return queued;
            }
            Thread.sleep(POLL_MILLIS);
        }
        return 0;
    }

    /**
     * B failed and was stopped: detaches the program (A alone again, as before), then closes. A
     * kernel without {@code SO_DETACH_REUSEPORT_BPF} (before 5.8) keeps the program, which is harmless
     * with A alone: index 1 is out of range and the kernel's hash picks A. A seat does not detach (the
     * hash would then give it clients until it closes): it leaves the probe program, which names only A
     * (0) for clients, and the seat's index 1 never, so the next update's seat joins safely.
     */
    public void release() {
        for (Held h : held) {
            try {
                if (hold == SteeringPath.PIDFD) {
                    linux.detach(h.fd());
                }
            } catch (LinuxCalls.CallFailed e) {
                // harmless, see above
            }
        }
        close();
    }

    /** Closes the duplicates or seats and the pidfd; A's sockets stay A's. Idempotent. */
    @Override
    public void close() {
        if (closed || hold == SteeringPath.OFF) {
            return;
        }
        closed = true;
        for (Held h : held) {
            if (h.fd() >= 0) {
                GroupSeat.close(linux, h.fd());
            }
        }
        if (pidfd >= 0) {
            GroupSeat.close(linux, pidfd);
        }
    }

    private static int openPidfd(LinuxCalls linux, ProcessHandle host) throws UpdaterException, PidfdRefused {
        int pidfd;
        try {
            if (Boolean.getBoolean(REFUSE_PIDFD_PROPERTY)) {
                throw new LinuxCalls.CallFailed("pidfd_open (refused by -D" + REFUSE_PIDFD_PROPERTY + ")", 1);
            }
            pidfd = linux.pidfdOpen(host.pid());
        } catch (LinuxCalls.CallFailed e) {
            throw new PidfdRefused("pidfd_open on the running host (pid " + host.pid() + ") was refused: "
                    + e.getMessage());
        }
        // a pid is reused only after its process was reaped: alive now means the pidfd is this host's
        if (!host.isAlive()) {
            GroupSeat.close(linux, pidfd);
            throw refusal("the running host (pid " + host.pid() + ") exited");
        }
        return pidfd;
    }

    /** The sidecar's duplicate of {@code s}, checked to be that very socket and to allow reuse-port. */
    private int duplicate(ProcessHandle host, ListeningSocket s) throws UpdaterException, PidfdRefused {
        int dup;
        try {
            dup = linux.pidfdGetfd(pidfd, s.fd());
        } catch (LinuxCalls.CallFailed e) {
            throw new PidfdRefused("pidfd_getfd on the running host (pid " + host.pid() + ") was refused: " + e.getMessage()
                    + (e.errno() == 1 ? " (it needs ptrace access: same user, kernel.yama.ptrace_scope below 2,"
                    + " CAP_SYS_PTRACE in a container)" : ""));
        }
        // the fd number was read from /proc before the call: the host may have reused it since
        long inode = ListeningSockets.socketInode(Path.of("/proc/self/fd/" + dup));
        try {
            if (inode != s.inode()) {
                throw refusal("the running host's fd " + s.fd() + " no longer held its listener on " + s.label());
            }
            if (!linux.reusePort(dup)) {
                throw refusal("the running host's listener on " + s.label() + " was bound without SO_REUSEPORT (hosts"
                        + " started under --restart overlap get UPDATER_REUSE_PORT=true; the next update can overlap)");
            }
        } catch (LinuxCalls.CallFailed e) {
            GroupSeat.close(linux, dup);
            throw refusal("the running host's listener on " + s.label() + " cannot be inspected: " + e.getMessage());
        } catch (UpdaterException e) {
            GroupSeat.close(linux, dup);
            throw e;
        }
        return dup;
    }

    private void attachToAll(List<SteeringProgram.Instruction> program) throws UpdaterException {
        for (Held h : held) {
            try {
                linux.attach(h.fd(), program);
            } catch (LinuxCalls.CallFailed e) {
                throw refusal("the steering program cannot be attached to " + h.socket().label() + ": " + e.getMessage());
            }
        }
    }

    private static UpdaterException refusal(String why) {
        return new UpdaterException(ErrorCode.OVERLAP_UNAVAILABLE, why);
    }
}
