package dev.updater.sidecar.overlap;

import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Finds listening TCP sockets from {@code /proc} (Linux): the LISTEN ({@code 0A}) lines of
 * {@code /proc/net/tcp} and {@code tcp6} give address, port, accept-queue length and inode; a
 * process's {@code /proc/<pid>/fd} links ({@code socket:[inode]}) say which of them it holds.
 * The tables are those of the sidecar's network namespace, which its children share. Read-only, and
 * every value parsed is checked: a line that does not parse is skipped, never guessed at.
 */
public final class ListeningSockets {
    private static final Path PROC = Path.of("/proc");
    private static final String LISTEN = "0A";

    private ListeningSockets() {
    }

    /** The sockets process {@code pid} listens on, by address and port; empty when it has none or is gone. */
    public static List<ListeningSocket> of(long pid) throws IOException {
        Map<Long, ListeningSocket> listening = table();
        List<ListeningSocket> held = new ArrayList<>();
        for (Map.Entry<Long, Integer> socket : socketFds(pid).entrySet()) {
            ListeningSocket s = listening.get(socket.getKey());
            if (s != null) {
                held.add(new ListeningSocket(s.inode(), s.address(), s.port(), socket.getValue(), s.acceptQueue()));
            }
        }
        held.sort(Comparator.comparing(ListeningSocket::label));
        return held;
    }

    /** {@code address:port} labels of what {@code sockets} listen on, sorted: two hosts share a group only when these agree. */
    public static Set<String> labels(List<ListeningSocket> sockets) {
        return sockets.stream().map(ListeningSocket::label).collect(Collectors.toCollection(TreeSet::new));
    }

    /** How many sockets listen on exactly {@code socket}'s address and port: the size of its reuse-port group. */
    static long sharing(ListeningSocket socket) throws IOException {
        return table().values().stream().filter(s -> s.label().equals(socket.label())).count();
    }

    /** The accept-queue length of the listening socket {@code inode}, or -1 when it no longer listens. */
    public static int acceptQueue(long inode) throws IOException {
        ListeningSocket s = table().get(inode);
        return s == null ? -1 : s.acceptQueue();
    }

    /** Every LISTEN socket of the namespace by inode. */
    static Map<Long, ListeningSocket> table() throws IOException {
        Map<Long, ListeningSocket> byInode = new HashMap<>();
        for (String name : List.of("tcp", "tcp6")) {
            byInode.putAll(table(name));
        }
        return byInode;
    }

    /**
     * True when the listening socket {@code inode} is an IPv6 one (listed in {@code tcp6}), also when it
     * listens on an IPv4 address ({@code ::ffff:127.0.0.1}, as the JDK binds 127.0.0.1 where IPv6 is up).
     */
    static boolean ipv6(long inode) throws IOException {
        return table("tcp6").containsKey(inode);
    }

    private static Map<Long, ListeningSocket> table(String name) throws IOException {
        List<String> lines;
        try {
            lines = Files.readAllLines(PROC.resolve("net").resolve(name));
        } catch (NoSuchFileException e) {
            return Map.of(); // no IPv6 in this kernel or namespace
        }
        Map<Long, ListeningSocket> byInode = new HashMap<>();
        for (String line : lines.subList(Math.min(1, lines.size()), lines.size())) {
            ListeningSocket s = parse(line);
            if (s != null) {
                byInode.put(s.inode(), s);
            }
        }
        return byInode;
    }

    /**
     * One line: {@code sl local rem st tx_queue:rx_queue tr:when retrnsmt uid timeout inode ...};
     * the local address is hex of the kernel's 32-bit words in host order (little endian here).
     */
    static ListeningSocket parse(String line) {
        String[] f = line.trim().split("\\s+");
        if (f.length < 10 || !LISTEN.equals(f[3])) {
            return null;
        }
        try {
            int colon = f[1].indexOf(':');
            InetAddress address = address(f[1].substring(0, colon));
            int port = Integer.parseInt(f[1].substring(colon + 1), 16);
            int rxQueue = Integer.parseInt(f[4].substring(f[4].indexOf(':') + 1), 16);
            long inode = Long.parseLong(f[9]);
            return address == null || inode == 0 ? null : new ListeningSocket(inode, address, port, -1, rxQueue);
        } catch (RuntimeException e) {
            return null;
        }
    }

    private static InetAddress address(String hex) {
        if (hex.length() != 8 && hex.length() != 32) {
            return null;
        }
        byte[] bytes = new byte[hex.length() / 2];
        for (int word = 0; word < bytes.length / 4; word++) {
            for (int b = 0; b < 4; b++) { // each 32-bit word is little endian
                int at = word * 8 + (3 - b) * 2;
                bytes[word * 4 + b] = (byte) Integer.parseInt(hex.substring(at, at + 2), 16);
            }
        }
        try {
            return InetAddress.getByAddress(bytes);
        } catch (UnknownHostException e) {
            return null;
        }
    }

    /** Socket inode to fd number, from {@code /proc/<pid>/fd}; fds closed while listing are skipped. */
    private static Map<Long, Integer> socketFds(long pid) throws IOException {
        Map<Long, Integer> fds = new HashMap<>();
        try (Stream<Path> list = Files.list(PROC.resolve(Long.toString(pid)).resolve("fd"))) {
            for (Path fd : (Iterable<Path>) list::iterator) {
                long inode = socketInode(fd);
                if (inode > 0) {
                    fds.put(inode, Integer.parseInt(fd.getFileName().toString()));
                }
            }
        } catch (NoSuchFileException e) {
            return Map.of(); // the process is gone
        }
        return fds;
    }

    /** The inode of the socket {@code fdLink} points to ({@code socket:[123]}), or -1. */
    static long socketInode(Path fdLink) {
        try {
            String target = Files.readSymbolicLink(fdLink).toString();
            return target.startsWith("socket:[") && target.endsWith("]")
                    ? Long.parseLong(target.substring(8, target.length() - 1)) : -1;
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }
}
