package dev.updater.agent.bind;

import java.io.IOException;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The listening TCP sockets this process opened before the bind hook was in, read once from
 * {@code /proc} right after the hook is installed (Linux only; elsewhere none are found). A host
 * binds within milliseconds of its main, the hook takes hundreds on the agent's thread, so without
 * this a fast host would never be reported as listening unless it started in overlap mode (where
 * {@code premain} waits for the hook).
 *
 * <p>How: the socket inodes of {@code /proc/self/fd} matched against the LISTEN entries of
 * {@code /proc/self/net/tcp} and {@code tcp6}. Such a listener is recorded with
 * {@code reusePort=false}: the hook did not set the option on it, so a second JVM cannot join its
 * port, which is exactly what the sidecar needs to know. Its close is not seen.
 */
final class ListenersBeforeHook {
    private static final String LISTEN = "0A";

    private ListenersBeforeHook() {
    }

    static List<InetSocketAddress> find() {
        Set<String> sockets = socketInodes();
        List<InetSocketAddress> found = new ArrayList<>();
        if (sockets.isEmpty()) {
            return found;
        }
        for (String table : new String[] {"/proc/self/net/tcp", "/proc/self/net/tcp6"}) {
            try {
                List<String> lines = Files.readAllLines(Path.of(table));
                for (int i = 1; i < lines.size(); i++) {
                    String[] fields = lines.get(i).trim().split("\\s+");
                    if (fields.length > 9 && LISTEN.equals(fields[3]) && sockets.contains(fields[9])) {
                        InetSocketAddress address = parse(fields[1]);
                        if (address != null) {
                            found.add(address);
                        }
                    }
                }
            } catch (IOException e) {
                // the table is absent (no IPv6, not Linux): look at the other one
            }
        }
        return found;
    }

    /**
     * {@code 0100007F:1F90} is 127.0.0.1:8080: the address is hex in the kernel's byte order, one
     * 32-bit word (IPv4) or four (IPv6), each little-endian on the machines the JDK runs on.
     */
    static InetSocketAddress parse(String field) {
        int colon = field.indexOf(':');
        if (colon < 0 || (colon != 8 && colon != 32)) {
            return null;
        }
        try {
            byte[] address = new byte[colon / 2];
            for (int word = 0; word < address.length / 4; word++) {
                for (int b = 0; b < 4; b++) {
                    int at = word * 8 + (3 - b) * 2;
                    address[word * 4 + b] = (byte) Integer.parseInt(field.substring(at, at + 2), 16);
                }
            }
            int port = new BigInteger(field.substring(colon + 1), 16).intValueExact();
            InetAddress ip = InetAddress.getByAddress(address);
            if (ip.isAnyLocalAddress()) {
                // A Java socket bound to the wildcard is an IPv6 "::" socket on a dual-stack system, which
                // the JDK, and so the hook, reports as 0.0.0.0: the same listener is written the same way.
                ip = InetAddress.getByAddress(new byte[4]);
            }
            return port > 0 ? new InetSocketAddress(ip, port) : null;
        } catch (NumberFormatException | ArithmeticException | UnknownHostException | IndexOutOfBoundsException e) {
            return null;
        }
    }

    private static Set<String> socketInodes() {
        Set<String> inodes = new HashSet<>();
        try (DirectoryStream<Path> fds = Files.newDirectoryStream(Path.of("/proc/self/fd"))) {
            for (Path fd : fds) {
                try {
                    String link = Files.readSymbolicLink(fd).toString();
                    if (link.startsWith("socket:[")) {
                        inodes.add(link.substring(8, link.length() - 1));
                    }
                } catch (IOException e) {
                    // the descriptor closed while listing
                }
            }
        } catch (IOException | UnsupportedOperationException e) {
            return Set.of();
        }
        return inodes;
    }
}
