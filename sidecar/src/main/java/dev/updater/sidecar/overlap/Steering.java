package dev.updater.sidecar.overlap;

import dev.updater.core.ErrorCode;
import dev.updater.core.UpdaterException;

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
 * <pre>{@code
 * try (Steering steering = Steering.take(hostA, ProbePorts.DEFAULT)) {
 *     // start B, gate it through the probe ports, then:
 *     steering.cutOver();
 *     steering.awaitAcceptQueuesEmpty(Duration.ofSeconds(30), () -> false);
 * } // closed before A is stopped
 * }</pre>
 */
public final class Steering implements AutoCloseable {
    private static final long POLL_MILLIS = 10;

    private final LinuxCalls linux;
    private final int pidfd;
    private final List<Held> held;
    private boolean closed;

    /** One of A's sockets and the sidecar's duplicate of it. */
    private record Held(ListeningSocket socket, int duplicate) {
    }

    private Steering(LinuxCalls linux, int pidfd, List<Held> held) {
        this.linux = linux;
        this.pidfd = pidfd;
        this.held = held;
    }

    /**
     * Takes {@code host}'s listening sockets and sends only probe-port connections to a second member.
     *
     * @throws UpdaterException {@code OVERLAP_UNAVAILABLE} with the sentence the fallback to stop-start
     *     prints: not Linux, no native access, probe ports not reserved, no listener seen, a listener
     *     shared with another process or bound without {@code SO_REUSEPORT}, pidfd access refused
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
                // the program's indexes are A = 0 and B = 1 only in a group of A alone
                if (ListeningSockets.sharing(s) != 1) {
                    throw refusal("another socket listens on " + s.label() + " beside the running host's");
                }
            }
        } catch (IOException e) {
            throw new UpdaterException(ErrorCode.OVERLAP_UNAVAILABLE, "the running host's listening sockets cannot"
                    + " be read from /proc: " + e.getMessage(), e);
        }
        LinuxCalls linux = OverlapSupport.calls();
        int pidfd = openPidfd(linux, host);
        Steering steering = new Steering(linux, pidfd, new ArrayList<>());
        try {
            for (ListeningSocket s : sockets) {
                steering.held.add(new Held(s, steering.duplicate(host, s)));
            }
            steering.attachToAll(SteeringProgram.probeToNewHost(probe));
            return steering;
        } catch (UpdaterException | RuntimeException e) {
            steering.release();
            throw e;
        }
    }

    /** A's sockets, as found when they were taken. */
    public List<ListeningSocket> sockets() {
        return held.stream().map(Held::socket).toList();
    }

    /** Step 5: every new connection goes to B from now on; A keeps what it has queued and in flight. */
    public void cutOver() throws UpdaterException {
        attachToAll(SteeringProgram.everyConnectionToNewHost());
    }

    /**
     * Waits until none of A's sockets has a connection queued (seen twice in a row, so that one whose
     * handshake completed at the cut-over is counted), or {@code timeout}. Returns what is still queued:
     * 0 when drained. A socket A closed meanwhile counts as drained.
     */
    public int awaitAcceptQueuesEmpty(Duration timeout, BooleanSupplier cancelled) throws InterruptedException {
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
     * with A alone: index 1 is out of range and the kernel's hash picks A.
     */
    public void release() {
        for (Held h : held) {
            try {
                linux.detach(h.duplicate());
            } catch (LinuxCalls.CallFailed e) {
                // harmless, see above
            }
        }
        close();
    }

    /** Closes the duplicates and the pidfd; A's sockets stay A's. Idempotent. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (Held h : held) {
            closeQuietly(h.duplicate());
        }
        closeQuietly(pidfd);
    }

    private static int openPidfd(LinuxCalls linux, ProcessHandle host) throws UpdaterException {
        int pidfd;
        try {
            pidfd = linux.pidfdOpen(host.pid());
        } catch (LinuxCalls.CallFailed e) {
            throw refusal("pidfd_open on the running host (pid " + host.pid() + ") was refused: " + e.getMessage());
        }
        // a pid is reused only after its process was reaped: alive now means the pidfd is this host's
        if (!host.isAlive()) {
            new Steering(linux, pidfd, List.of()).close();
            throw refusal("the running host (pid " + host.pid() + ") exited");
        }
        return pidfd;
    }

    /** The sidecar's duplicate of {@code s}, checked to be that very socket and to allow reuse-port. */
    private int duplicate(ProcessHandle host, ListeningSocket s) throws UpdaterException {
        int dup;
        try {
            dup = linux.pidfdGetfd(pidfd, s.fd());
        } catch (LinuxCalls.CallFailed e) {
            throw refusal("pidfd_getfd on the running host (pid " + host.pid() + ") was refused: " + e.getMessage()
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
            closeQuietly(dup);
            throw refusal("the running host's listener on " + s.label() + " cannot be inspected: " + e.getMessage());
        } catch (UpdaterException e) {
            closeQuietly(dup);
            throw e;
        }
        return dup;
    }

    private void attachToAll(List<SteeringProgram.Instruction> program) throws UpdaterException {
        for (Held h : held) {
            try {
                linux.attach(h.duplicate(), program);
            } catch (LinuxCalls.CallFailed e) {
                throw refusal("the steering program cannot be attached to " + h.socket().label() + ": " + e.getMessage());
            }
        }
    }

    private void closeQuietly(int fd) {
        try {
            linux.close(fd);
        } catch (LinuxCalls.CallFailed e) {
            // nothing more to do with an fd that will not close
        }
    }

    private static UpdaterException refusal(String why) {
        return new UpdaterException(ErrorCode.OVERLAP_UNAVAILABLE, why);
    }
}
