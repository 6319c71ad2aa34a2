import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Function;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Spike of DESIGN §5 overlap mode: two child JVMs A and B on one port with SO_REUSEPORT; the parent
 * duplicates A's listening socket (pidfd_open + pidfd_getfd) and attaches a classic BPF program that
 * steers by TCP source port. Run on JDK 17: java -cp jna.jar Spike.java [jna]
 */
public class Spike {
    /** The four native calls; JNA here, FFM in SpikeFfm.java. */
    interface Sys {
        int pidfdOpen(long pid);          // -errno on failure
        int pidfdGetfd(int pidfd, int fd);
        int setsockoptProgram(int fd, int optname, long[] insns); // insns: code<<48|jt<<40|jf<<32|k
        int getsockoptInt(int fd, int level, int optname);
        int close(int fd);
    }

    static final int SOL_SOCKET = 1, SO_REUSEPORT = 15, SO_ATTACH_REUSEPORT_CBPF = 51, SO_DETACH_REUSEPORT_BPF = 52;
    static final int SKF_NET_OFF = -0x100000;

    static long insn(int code, int jt, int jf, int k) {
        return ((long) code << 48) | ((long) jt << 40) | ((long) jf << 32) | (k & 0xffffffffL);
    }

    static long[] probeProgram(int low, int high) {
        return new long[] {
            insn(0x30, 0, 0, SKF_NET_OFF),      // 0 ldb [net]        version/IHL byte
            insn(0x74, 0, 0, 4),                // 1 rsh #4           IP version
            insn(0x15, 2, 0, 6),                // 2 jeq #6 → 5
            insn(0xb1, 0, 0, SKF_NET_OFF),      // 3 ldx 4*([net]&0xf) IPv4 header length
            insn(0x05, 0, 0, 1),                // 4 ja → 6
            insn(0x01, 0, 0, 40),               // 5 ldx #40          IPv6 fixed header
            insn(0x48, 0, 0, SKF_NET_OFF),      // 6 ldh [x + net]    TCP source port
            insn(0x35, 0, 2, low),              // 7 jge #low → 8 else 10
            insn(0x25, 1, 0, high),             // 8 jgt #high → 10 else 9
            insn(0x06, 0, 0, 1),                // 9 ret #1 (B)
            insn(0x06, 0, 0, 0),                // 10 ret #0 (A)
        };
    }

    static long[] cutOverProgram() {
        return new long[] {insn(0x06, 0, 0, 1)};
    }

    static final class JnaSys implements Sys {
        private final NativeLibrary c = NativeLibrary.getInstance("c");
        private final Function syscall = c.getFunction("syscall");
        private final Function setsockopt = c.getFunction("setsockopt");
        private final Function getsockopt = c.getFunction("getsockopt");
        private final Function close = c.getFunction("close");

        private static int result(int r) {
            return r < 0 ? -Native.getLastError() : r;
        }
        public int pidfdOpen(long pid) {
            return result(syscall.invokeInt(new Object[] {434L, pid, 0L}));
        }
        public int pidfdGetfd(int pidfd, int fd) {
            return result(syscall.invokeInt(new Object[] {438L, (long) pidfd, (long) fd, 0L}));
        }
        public int setsockoptProgram(int fd, int optname, long[] insns) {
            Memory filter = new Memory(8L * insns.length);
            for (int i = 0; i < insns.length; i++) {
                filter.setShort(8L * i, (short) (insns[i] >>> 48));
                filter.setByte(8L * i + 2, (byte) (insns[i] >>> 40));
                filter.setByte(8L * i + 3, (byte) (insns[i] >>> 32));
                filter.setInt(8L * i + 4, (int) insns[i]);
            }
            Memory fprog = new Memory(16);
            fprog.clear();
            fprog.setShort(0, (short) insns.length);
            fprog.setPointer(8, filter);
            return result(setsockopt.invokeInt(new Object[] {fd, SOL_SOCKET, optname, fprog, 16}));
        }
        public int getsockoptInt(int fd, int level, int optname) {
            Memory value = new Memory(4);
            Memory len = new Memory(4);
            len.setInt(0, 4);
            int r = getsockopt.invokeInt(new Object[] {fd, level, optname, value, len});
            return r < 0 ? -Native.getLastError() : value.getInt(0);
        }
        public int close(int fd) {
            return result(close.invokeInt(new Object[] {fd}));
        }
    }

    record Listener(long inode, int port, int rxQueue) {}

    /** LISTEN (0A) lines of /proc/net/tcp and tcp6 on {@code port}: inode and accept-queue length (rx_queue). */
    static List<Listener> listeners(int port) throws Exception {
        List<Listener> found = new ArrayList<>();
        for (String file : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
            List<String> lines = Files.readAllLines(Path.of(file));
            for (String line : lines.subList(1, lines.size())) {
                String[] f = line.trim().split("\\s+");
                int p = Integer.parseInt(f[1].substring(f[1].indexOf(':') + 1), 16);
                if (f[3].equals("0A") && p == port) {
                    int rx = Integer.parseInt(f[4].substring(f[4].indexOf(':') + 1), 16);
                    found.add(new Listener(Long.parseLong(f[9]), p, rx));
                }
            }
        }
        return found;
    }

    /** The fd number in {@code pid} for socket {@code inode}: /proc/pid/fd/N → socket:[inode]. */
    static int fdOf(long pid, long inode) throws Exception {
        try (var fds = Files.list(Path.of("/proc/" + pid + "/fd"))) {
            for (Path fd : (Iterable<Path>) fds::iterator) {
                try {
                    if (Files.readSymbolicLink(fd).toString().equals("socket:[" + inode + "]")) {
                        return Integer.parseInt(fd.getFileName().toString());
                    }
                } catch (java.io.IOException gone) {
                    // closed while listing
                }
            }
        }
        return -1;
    }

    static String ask(int port, int sourcePort) throws Exception {
        try (Socket s = new Socket()) {
            s.setReuseAddress(true);
            if (sourcePort > 0) {
                s.bind(new InetSocketAddress("127.0.0.1", sourcePort));
            }
            s.connect(new InetSocketAddress("127.0.0.1", port), 2000);
            s.setSoTimeout(5000);
            return new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII)).readLine();
        }
    }

    static Process child(String name, int port, Path pause) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(java, Path.of("Child.java").toAbsolutePath().toString(), name,
                String.valueOf(port), pause.toString()).redirectErrorStream(true).start();
        String line = new BufferedReader(new InputStreamReader(p.getInputStream())).readLine();
        if (!(name + " listening").equals(line)) throw new IllegalStateException(name + ": " + line);
        return p;
    }

    static int count(List<String> answers, String who) {
        return (int) answers.stream().filter(who::equals).count();
    }

    public static void main(String[] args) throws Exception {
        run(JnaSys::new);
    }

    static void run(Sys sys) throws Exception {
        run(() -> sys);
    }

    /** Times the native layer's set-up (library load, linking) plus its first call, then runs the spike. */
    static void run(java.util.function.Supplier<Sys> make) throws Exception {
        long s0 = System.nanoTime();
        Sys sys = make.get();
        int self = sys.pidfdOpen(ProcessHandle.current().pid());
        System.out.printf("set-up + first call: %.1f ms%n", (System.nanoTime() - s0) / 1e6);
        sys.close(self);
        int port = 18000 + (int) (ProcessHandle.current().pid() % 1000);
        int low = 61000, high = 61099;  // outside ip_local_port_range 32768-60999
        Path pauseA = Files.createTempFile("pauseA", "");
        Files.delete(pauseA);
        Process a = child("A", port, pauseA);
        try {
            Listener listenerA = listeners(port).get(0);
            int fdA = fdOf(a.pid(), listenerA.inode());
            long t0 = System.nanoTime();
            int pidfd = sys.pidfdOpen(a.pid());
            long t1 = System.nanoTime();
            int dup = sys.pidfdGetfd(pidfd, fdA);
            System.out.printf("A pid %d fd %d inode %d; pidfd %d (first native call %.2f ms), dup %d%n", a.pid(), fdA,
                    listenerA.inode(), pidfd, (t1 - t0) / 1e6, dup);
            System.out.println("SO_REUSEPORT on dup: " + sys.getsockoptInt(dup, SOL_SOCKET, SO_REUSEPORT));
            System.out.println("attach probe program: " + sys.setsockoptProgram(dup, SO_ATTACH_REUSEPORT_CBPF, probeProgram(low, high)));
            System.out.println("before B: probe port → " + ask(port, low + 1) + ", other → " + ask(port, 0));
            Process b = child("B", port, pauseA.resolveSibling("never"));
            try {
                List<String> probes = new ArrayList<>(), others = new ArrayList<>();
                for (int i = 0; i < 40; i++) {
                    probes.add(ask(port, low + (i % 100)));
                    others.add(ask(port, 0));
                }
                System.out.printf("with B: probe-range connections A=%d B=%d; other connections A=%d B=%d%n",
                        count(probes, "A"), count(probes, "B"), count(others, "A"), count(others, "B"));
                // queue some connections at A while it does not accept
                Files.createFile(pauseA);
                Thread.sleep(100);
                List<Socket> queued = new ArrayList<>();
                for (int i = 0; i < 3; i++) {
                    Socket s = new Socket();
                    s.connect(new InetSocketAddress("127.0.0.1", port), 2000);
                    queued.add(s);
                }
                System.out.println("A paused, 3 connected: " + listeners(port));
                long c0 = System.nanoTime();
                System.out.println("cut over: " + sys.setsockoptProgram(dup, SO_ATTACH_REUSEPORT_CBPF, cutOverProgram())
                        + String.format(" (%.2f ms)", (System.nanoTime() - c0) / 1e6));
                List<String> after = new ArrayList<>();
                for (int i = 0; i < 40; i++) after.add(ask(port, 0));
                System.out.printf("after cut-over: A=%d B=%d%n", count(after, "A"), count(after, "B"));
                Files.delete(pauseA);
                for (Socket s : queued) {
                    s.setSoTimeout(5000);
                    System.out.println("queued connection answered by " + new BufferedReader(new InputStreamReader(s.getInputStream())).readLine());
                    s.close();
                }
                System.out.println("A's queue after resuming: " + listeners(port));
                System.out.println("close dup: " + sys.close(dup) + ", close pidfd: " + sys.close(pidfd));
                a.destroy();
                a.waitFor();
                System.out.println("A stopped: " + listeners(port));
                List<String> last = new ArrayList<>();
                for (int i = 0; i < 40; i++) last.add(ask(port, i % 2 == 0 ? 0 : low + 5));
                System.out.printf("after A exit: A=%d B=%d%n", count(last, "A"), count(last, "B"));
            } finally {
                b.destroy();
            }
        } finally {
            a.destroy();
        }
    }
}
