package dev.updater.sidecar.overlap;

import com.sun.jna.Function;
import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;

import java.net.InetSocketAddress;
import java.util.List;

/**
 * The Linux calls the JDK has no API for, made through JNA (chosen over the FFM API so that the
 * sidecar keeps running on JDK 17; see {@code bench/overlap-spike/README.md}). Each call returns
 * its result or throws {@link CallFailed} with the errno; none is made off Linux.
 */
final class LinuxCalls {
    private static final long SYS_PIDFD_OPEN = 434;   // x86_64 and aarch64 share these numbers
    private static final long SYS_PIDFD_GETFD = 438;
    private static final int SOL_SOCKET = 1;
    private static final int SO_REUSEPORT = 15;
    private static final int SO_ATTACH_REUSEPORT_CBPF = 51;
    private static final int SO_DETACH_REUSEPORT_BPF = 52;
    private static final int SO_ATTACH_FILTER = 26;
    private static final int AF_INET = 2;
    private static final int AF_INET6 = 10;
    private static final int SOCK_STREAM_CLOEXEC = 1 | 0x80000; // SOCK_STREAM | SOCK_CLOEXEC: B never inherits it
    private static final int IPPROTO_IPV6 = 41;
    private static final int IPV6_V6ONLY = 26;
    private static final int SOCK_FPROG_SIZE = 16;     // unsigned short len; (padding) struct sock_filter *filter

    /** A call that returned -1: {@code errno} says why. */
    static final class CallFailed extends Exception {
        private final int errno;

        CallFailed(String call, int errno) {
            super(call + " failed with errno " + errno + " (" + name(errno) + ")");
            this.errno = errno;
        }

        int errno() {
            return errno;
        }

        private static String name(int errno) {
            return switch (errno) {
                case 1 -> "EPERM";
                case 3 -> "ESRCH";
                case 9 -> "EBADF";
                case 13 -> "EACCES";
                case 22 -> "EINVAL";
                case 38 -> "ENOSYS";
                case 95 -> "EOPNOTSUPP";
                case 98 -> "EADDRINUSE";
                case 99 -> "EADDRNOTAVAIL";
                default -> "see errno(3)";
            };
        }
    }

    private final Function syscall;
    private final Function setsockopt;
    private final Function getsockopt;
    private final Function close;
    private final Function socket;
    private final Function bind;
    private final Function listen;

    private LinuxCalls(NativeLibrary libc) {
        this.syscall = libc.getFunction("syscall");
        this.setsockopt = libc.getFunction("setsockopt");
        this.getsockopt = libc.getFunction("getsockopt");
        this.close = libc.getFunction("close");
        this.socket = libc.getFunction("socket");
        this.bind = libc.getFunction("bind");
        this.listen = libc.getFunction("listen");
    }

    /**
     * Loads libc through JNA; {@link LinkageError} when JNA's native part cannot load (its jar lacks
     * this platform, or {@code jna.tmpdir} is mounted noexec).
     */
    static LinuxCalls load() {
        return new LinuxCalls(NativeLibrary.getInstance("c"));
    }

    /** {@code pidfd_open(pid, 0)} (Linux 5.3+): a handle on the process that a reused pid cannot redirect. */
    int pidfdOpen(long pid) throws CallFailed {
        return checked("pidfd_open", syscall.invokeLong(new Object[] {SYS_PIDFD_OPEN, pid, 0L}));
    }

    /**
     * {@code pidfd_getfd(pidfd, fd, 0)} (Linux 5.6+): a duplicate of the process's fd in this one. The
     * kernel allows it only with ptrace access to the process (same user, and Yama permitting).
     */
    int pidfdGetfd(int pidfd, int fd) throws CallFailed {
        return checked("pidfd_getfd", syscall.invokeLong(new Object[] {SYS_PIDFD_GETFD, (long) pidfd, (long) fd, 0L}));
    }

    /** {@code getsockopt(fd, SOL_SOCKET, SO_REUSEPORT)}. */
    boolean reusePort(int fd) throws CallFailed {
        Memory value = new Memory(4);
        Memory length = new Memory(4);
        value.setInt(0, 0);
        length.setInt(0, 4);
        checked("getsockopt(SO_REUSEPORT)", getsockopt.invokeInt(new Object[] {fd, SOL_SOCKET, SO_REUSEPORT, value, length}));
        return value.getInt(0) != 0;
    }

    /** {@code setsockopt(fd, SOL_SOCKET, SO_ATTACH_REUSEPORT_CBPF, &prog)}: replaces the group's program. */
    void attach(int fd, List<SteeringProgram.Instruction> program) throws CallFailed {
        checked("setsockopt(SO_ATTACH_REUSEPORT_CBPF)", setProgram(fd, SO_ATTACH_REUSEPORT_CBPF, program));
    }

    /** {@code setsockopt(fd, SOL_SOCKET, SO_ATTACH_FILTER, &prog)}: a filter on this socket's own packets. */
    void filter(int fd, List<SteeringProgram.Instruction> program) throws CallFailed {
        checked("setsockopt(SO_ATTACH_FILTER)", setProgram(fd, SO_ATTACH_FILTER, program));
    }

    /**
     * A TCP socket with {@code SO_REUSEPORT}, {@code filter} attached, bound to {@code address} and
     * listening with a backlog of 0; closed again when a step fails. {@code ipv6} chooses {@code AF_INET6}
     * (with {@code IPV6_V6ONLY} off, as the JDK binds) over {@code AF_INET}: a reuse-port group holds one
     * family only. An IPv4 address on an IPv6 socket is bound as {@code ::ffff:a.b.c.d}, as the JDK does.
     */
    int listenBeside(InetSocketAddress address, boolean ipv6, List<SteeringProgram.Instruction> filter)
            throws CallFailed {
        int fd = checked("socket", socket.invokeInt(new Object[] {ipv6 ? AF_INET6 : AF_INET, SOCK_STREAM_CLOEXEC, 0}));
        try {
            setInt(fd, SOL_SOCKET, SO_REUSEPORT, 1, "setsockopt(SO_REUSEPORT)");
            if (ipv6) {
                setInt(fd, IPPROTO_IPV6, IPV6_V6ONLY, 0, "setsockopt(IPV6_V6ONLY)");
            }
            filter(fd, filter);
            Memory sockaddr = sockaddr(address, ipv6);
            checked("bind(" + address.getAddress().getHostAddress() + ":" + address.getPort() + ")",
                    bind.invokeInt(new Object[] {fd, sockaddr, (int) sockaddr.size()}));
            checked("listen", listen.invokeInt(new Object[] {fd, 0}));
            return fd;
        } catch (CallFailed e) {
            close.invokeInt(new Object[] {fd});
            throw e;
        }
    }

    private static Memory sockaddr(InetSocketAddress address, boolean ipv6) {
        byte[] ip = address.getAddress().getAddress();
        Memory sa = new Memory(ipv6 ? 28 : 16); // sockaddr_in6 / sockaddr_in
        sa.clear();
        sa.setShort(0, (short) (ipv6 ? AF_INET6 : AF_INET)); // sa_family, host order
        sa.setByte(2, (byte) (address.getPort() >> 8));      // sin_port, network order
        sa.setByte(3, (byte) address.getPort());
        if (!ipv6) {
            sa.write(4, ip, 0, 4);
        } else if (ip.length == 4) {                          // ::ffff:a.b.c.d
            sa.setShort(8 + 10, (short) 0xffff);
            sa.write(8 + 12, ip, 0, 4);
        } else {
            sa.write(8, ip, 0, 16);                           // after sin6_port and sin6_flowinfo
        }
        return sa;
    }

    private void setInt(int fd, int level, int option, int value, String call) throws CallFailed {
        Memory v = new Memory(4);
        v.setInt(0, value);
        checked(call, setsockopt.invokeInt(new Object[] {fd, level, option, v, 4}));
    }

    private int setProgram(int fd, int option, List<SteeringProgram.Instruction> program) {
        Memory filter = new Memory(8L * program.size());
        for (int i = 0; i < program.size(); i++) {
            SteeringProgram.Instruction insn = program.get(i);
            filter.setShort(8L * i, insn.code());
            filter.setByte(8L * i + 2, insn.jt());
            filter.setByte(8L * i + 3, insn.jf());
            filter.setInt(8L * i + 4, insn.k());
        }
        Memory fprog = new Memory(SOCK_FPROG_SIZE);
        fprog.clear();
        fprog.setShort(0, (short) program.size());
        fprog.setPointer(8, filter);
        return setsockopt.invokeInt(new Object[] {fd, SOL_SOCKET, option, fprog, SOCK_FPROG_SIZE});
    }

    /** {@code setsockopt(fd, SOL_SOCKET, SO_DETACH_REUSEPORT_BPF)} (Linux 5.8+): the kernel's hash decides again. */
    void detach(int fd) throws CallFailed {
        Memory unused = new Memory(4);
        unused.setInt(0, 0);
        checked("setsockopt(SO_DETACH_REUSEPORT_BPF)",
                setsockopt.invokeInt(new Object[] {fd, SOL_SOCKET, SO_DETACH_REUSEPORT_BPF, unused, 4}));
    }

    void close(int fd) throws CallFailed {
        checked("close", close.invokeInt(new Object[] {fd}));
    }

    private static int checked(String call, long result) throws CallFailed {
        if (result < 0) {
            throw new CallFailed(call, Native.getLastError());
        }
        return (int) result;
    }
}
