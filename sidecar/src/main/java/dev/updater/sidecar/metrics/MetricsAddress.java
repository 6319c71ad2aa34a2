package dev.updater.sidecar.metrics;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.UnknownHostException;

/**
 * Where the metrics endpoint listens: {@code --metrics-bind} (default loopback) and {@code --metrics-port}.
 * {@link #localAddress} refuses an address this machine does not have at parse time: binding to it could
 * only fail later, after the sidecar started supervising.
 *
 * @param address an address of this machine, or the wildcard ({@code 0.0.0.0}, {@code ::})
 * @param port 1 to 65535
 */
public record MetricsAddress(InetAddress address, int port) {
    public static final String DEFAULT_BIND = "127.0.0.1";

    public MetricsAddress {
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException(port + " is not a TCP port; give 1 to 65535, such as 9400");
        }
    }

    /**
     * Parses {@code bind}, an IP literal (a host name is refused, so no name lookup happens at start), and
     * checks it belongs to this machine.
     *
     * @throws IllegalArgumentException with the sentence to show as a usage error
     */
    public static InetAddress localAddress(String bind) {
        InetAddress address = literal(bind);
        if (!address.isAnyLocalAddress() && !address.isLoopbackAddress() && !onThisMachine(address)) {
            throw new IllegalArgumentException("'" + bind + "' is not an address of this machine; give 127.0.0.1 (the"
                    + " default), 0.0.0.0 for every interface, or one of this machine's own addresses");
        }
        return address;
    }

    private static InetAddress literal(String bind) {
        String text = bind == null ? "" : bind.strip();
        if (text.startsWith("[") && text.endsWith("]")) {
            text = text.substring(1, text.length() - 1);
        }
        // an IP literal only: InetAddress.getByName would resolve a host name through DNS
        boolean ipv4 = text.matches("(25[0-5]|2[0-4]\\d|1?\\d?\\d)(\\.(25[0-5]|2[0-4]\\d|1?\\d?\\d)){3}");
        boolean ipv6 = text.contains(":") && text.matches("[0-9A-Fa-f:.]+"); // a colon makes getByName parse, never resolve
        if (!ipv4 && !ipv6) {
            throw new IllegalArgumentException("'" + bind + "' is not an IP address; give one of this machine's"
                    + " addresses, such as 127.0.0.1 (the default) or 0.0.0.0");
        }
        try {
            return InetAddress.getByName(text);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("'" + bind + "' is not an IP address; give one of this machine's"
                    + " addresses, such as 127.0.0.1 (the default) or 0.0.0.0");
        }
    }

    private static boolean onThisMachine(InetAddress address) {
        try {
            return NetworkInterface.getByInetAddress(address) != null;
        } catch (SocketException e) {
            return false;
        }
    }

    InetSocketAddress socketAddress() {
        return new InetSocketAddress(address, port);
    }

    /** {@code http://127.0.0.1:9400}, {@code http://[::1]:9400}. */
    public String url() {
        String host = address.getHostAddress();
        return "http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
    }
}
