package dev.updater.sidecar.overlap;

import dev.updater.core.ErrorCode;
import dev.updater.core.UpdaterException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * The sidecar's own listening socket in a host's reuse-port group: the way {@link Steering} attaches its
 * program when {@code pidfd_getfd} is refused (Docker's default seccomp profile without
 * {@code CAP_SYS_PTRACE}, Yama, kernels before 5.6). The kernel puts a socket in the group of a port when
 * it has {@code SO_REUSEPORT} and is bound by the same user, in the same network namespace, with the same
 * family, to the same address and port; and a program attached through any member steers the whole group.
 *
 * <p>The seat never accepts. That it never holds a client is the programs' job (they never name its
 * index, see {@link SteeringProgram}); as a second line it carries a socket filter that drops every
 * packet, so a SYN the kernel hands it anyway is sent again by the client a second later and then placed
 * by the program in force, instead of waiting in a queue that is reset when the seat closes.
 */
final class GroupSeat {
    private GroupSeat() {
    }

    /**
     * Why the sidecar's socket cannot join {@code host}'s groups, or empty: the kernel keys a group by
     * user (effective uid of the socket's creator) and network namespace.
     */
    static Optional<String> apart(ProcessHandle host) {
        Path proc = Path.of("/proc", Long.toString(host.pid()));
        try {
            Object hostUid = Files.getAttribute(proc, "unix:uid");
            Object ownUid = Files.getAttribute(Path.of("/proc/self"), "unix:uid");
            if (!Objects.equals(hostUid, ownUid)) {
                return Optional.of("the running host (pid " + host.pid() + ") runs as uid " + hostUid
                        + " and the sidecar as uid " + ownUid + ", and the kernel shares a port only between sockets"
                        + " of one user");
            }
            Path hostNet = Files.readSymbolicLink(proc.resolve("ns/net"));
            Path ownNet = Files.readSymbolicLink(Path.of("/proc/self/ns/net"));
            if (!hostNet.equals(ownNet)) {
                return Optional.of("the running host (pid " + host.pid() + ") is in network namespace " + hostNet
                        + " and the sidecar in " + ownNet);
            }
            return Optional.empty();
        } catch (IOException | UnsupportedOperationException | SecurityException e) {
            return Optional.of("the running host's (pid " + host.pid() + ") user and network namespace cannot be read"
                    + " from /proc: " + e.getMessage());
        }
    }

    /**
     * Joins the group of {@code s} with a socket of the sidecar's own, bound like the host's, and checks that
     * it became member number {@code members} (the kernel gives it index {@code members - 1}): any other
     * count means a socket came or went meanwhile, and the programs' indexes would be wrong.
     *
     * @return the seat's file descriptor
     * @throws UpdaterException {@code OVERLAP_UNAVAILABLE}: the bind was refused (the host's socket lacks
     *     {@code SO_REUSEPORT}, or belongs to another user), or the group is not as expected
     */
    static int join(LinuxCalls linux, ListeningSocket s, int members) throws UpdaterException {
        int fd;
        try {
            fd = linux.listenBeside(s.local(), ListeningSockets.ipv6(s.inode()), SteeringProgram.dropEverything());
        } catch (LinuxCalls.CallFailed e) {
            throw refusal("the sidecar cannot join the group on " + s.label() + " with a socket of its own: "
                    + e.getMessage() + (e.errno() == 98 ? " (the running host's socket lacks SO_REUSEPORT or belongs"
                    + " to another user)" : ""));
        } catch (IOException e) {
            throw refusal("the running host's listener on " + s.label() + " cannot be read from /proc: " + e.getMessage());
        }
        long found;
        try {
            found = ListeningSockets.sharing(s);
        } catch (IOException e) {
            found = -1;
        }
        if (found != members) {
            close(linux, fd);
            throw refusal(found + " sockets listen on " + s.label() + " after the sidecar's joined, not the " + members
                    + " the steering program counts on");
        }
        return fd;
    }

    static void close(LinuxCalls linux, int fd) {
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
