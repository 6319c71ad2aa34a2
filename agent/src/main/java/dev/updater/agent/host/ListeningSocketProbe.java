package dev.updater.agent.host;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Tells whether this process listens on a TCP socket, the agent's sign that the host is ready, by
 * matching the socket inodes of {@code /proc/self/fd} against the LISTEN entries of
 * {@code /proc/self/net/tcp*}. Linux only; elsewhere it never reports ready and the sidecar's gate
 * relies on {@code --min-uptime} and {@code --health-url}. A Byte Buddy hook on bind will replace it.
 */
public final class ListeningSocketProbe {
    private static final String LISTEN = "0A";

    private ListeningSocketProbe() {
    }

    public static boolean isSupported() {
        return Files.isDirectory(Path.of("/proc/self/fd")) && Files.isReadable(Path.of("/proc/self/net/tcp"));
    }

    public static boolean isListening() {
        Set<String> sockets = socketInodes();
        if (sockets.isEmpty()) {
            return false;
        }
        for (String table : new String[] {"/proc/self/net/tcp", "/proc/self/net/tcp6"}) {
            try {
                List<String> lines = Files.readAllLines(Path.of(table));
                for (int i = 1; i < lines.size(); i++) {
                    String[] fields = lines.get(i).trim().split("\\s+");
                    if (fields.length > 9 && LISTEN.equals(fields[3]) && sockets.contains(fields[9])) {
                        return true;
                    }
                }
            } catch (IOException e) {
                // the table is absent (no IPv6): look at the other one
            }
        }
        return false;
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
        } catch (IOException e) {
            return Set.of();
        }
        return inodes;
    }
}
