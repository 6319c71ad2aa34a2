package dev.updater.sidecar.load;

import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;

/**
 * What the {@link LoadGenerator} sends: {@code GET path} to {@code address}, {@code ratePerSecond}
 * requests a second on a fixed schedule, each failing after {@code timeout} without a complete answer.
 */
public record LoadSettings(InetSocketAddress address, String path, int ratePerSecond, Duration timeout) {
    public LoadSettings {
        if (address == null || address.isUnresolved()) {
            throw new IllegalArgumentException("the load generator needs a resolved address, not " + address);
        }
        if (path == null || !path.startsWith("/")) {
            throw new IllegalArgumentException("the request path must start with '/', not " + path);
        }
        if (ratePerSecond < 1 || ratePerSecond > 100_000) {
            throw new IllegalArgumentException("the rate must be 1 to 100000 requests a second, not " + ratePerSecond);
        }
        if (timeout == null || timeout.isNegative() || timeout.isZero() || timeout.toMillis() > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("the timeout must be positive, not " + timeout);
        }
    }

    /** {@code http://host:port/path} at {@code ratePerSecond}, 5 s timeout. */
    public static LoadSettings of(URI url, int ratePerSecond) {
        if (!"http".equals(url.getScheme()) || url.getHost() == null || url.getPort() < 0) {
            throw new IllegalArgumentException("give an http URL with a host and a port, such as "
                    + "http://127.0.0.1:8080/health, not " + url);
        }
        String path = url.getRawPath() == null || url.getRawPath().isEmpty() ? "/" : url.getRawPath();
        if (url.getRawQuery() != null) {
            path += "?" + url.getRawQuery();
        }
        return new LoadSettings(new InetSocketAddress(url.getHost(), url.getPort()), path, ratePerSecond,
                Duration.ofSeconds(5));
    }

    String hostHeader() {
        return address.getHostString() + ":" + address.getPort();
    }
}
