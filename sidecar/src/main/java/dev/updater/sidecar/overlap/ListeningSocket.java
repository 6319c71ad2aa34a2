package dev.updater.sidecar.overlap;

import java.net.InetAddress;
import java.net.InetSocketAddress;

/**
 * One listening TCP socket of a process, as {@code /proc} shows it.
 *
 * @param inode the socket's inode: {@code /proc/net/tcp{,6}} and {@code /proc/<pid>/fd/N -> socket:[inode]} agree on it
 * @param address the local address it listens on ({@code 0.0.0.0}, {@code ::}, {@code 127.0.0.1})
 * @param port the local port
 * @param fd its file descriptor number in the process, or -1 when only the network table was read
 * @param acceptQueue connections accepted by the kernel and not yet by the process ({@code rx_queue} of a LISTEN line)
 */
public record ListeningSocket(long inode, InetAddress address, int port, int fd, int acceptQueue) {
    /** Address and port: what a reuse-port group is keyed by, so what B must bind to share A's. */
    public InetSocketAddress local() {
        return new InetSocketAddress(address, port);
    }

    /** {@code 127.0.0.1:8080}, {@code [::]:8080}. */
    public String label() {
        String host = address.getHostAddress();
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
    }
}
