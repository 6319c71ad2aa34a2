package dev.updater.core.download;

import dev.updater.core.ErrorCode;
import dev.updater.core.UpdaterException;
import dev.updater.core.text.Printable;

import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.Locale;

/**
 * Which URLs the updater talks to, decided from the URLs alone, before any connection or DNS lookup.
 * Threat: a manifest or artifact fetched over plain HTTP can be replaced by anyone on the path; the
 * signature protects the manifest, but a downgrade to HTTP by redirect also leaks what is polled.
 */
final class UrlPolicy {
    static final int MAX_REDIRECTS = 5;

    private UrlPolicy() {
    }

    /** Refuses anything but https, and http to a loopback host unless insecure HTTP was allowed. */
    static void checkTarget(URI uri, boolean allowInsecureHttp) throws UpdaterException {
        String scheme = scheme(uri);
        if (!scheme.equals("https") && !scheme.equals("http")) {
            throw new UpdaterException(ErrorCode.HTTP_INSECURE,
                    "Refusing " + Printable.of(uri) + ": only https URLs (or http to this machine) are supported; publish the release over https.");
        }
        if (uri.getHost() == null) {
            throw new UpdaterException(ErrorCode.HTTP_INSECURE,
                    "Refusing " + Printable.of(uri) + ": the URL has no valid host name; check the configured or published URL.");
        }
        if (scheme.equals("http") && !allowInsecureHttp && !isLoopback(uri.getHost())) {
            throw new UpdaterException(ErrorCode.HTTP_INSECURE,
                    "Refusing plain-HTTP URL " + Printable.of(uri) + " because anyone on the network could change what it serves;"
                            + " use an https URL, or allow insecure HTTP explicitly (DownloadOptions.allowInsecureHttp) if you accept that risk.");
        }
    }

    /** Refuses a redirect from https to http (always), then applies {@link #checkTarget} to the new URL. */
    static void checkRedirect(URI from, URI to, boolean allowInsecureHttp) throws UpdaterException {
        if (scheme(from).equals("https") && scheme(to).equals("http")) {
            throw new UpdaterException(ErrorCode.HTTP_REDIRECT,
                    "Refusing the redirect from " + Printable.of(from) + " to " + Printable.of(to) + " because it downgrades HTTPS to plain HTTP;"
                            + " fix the server's redirect or publish an https URL.");
        }
        String scheme = scheme(to);
        if (!scheme.equals("https") && !scheme.equals("http")) {
            throw new UpdaterException(ErrorCode.HTTP_REDIRECT,
                    "Refusing the redirect from " + Printable.of(from) + " to " + Printable.of(to) + ": only https and http are followed; fix the server's redirect.");
        }
        checkTarget(to, allowInsecureHttp);
    }

    /**
     * True for {@code localhost}, 127.0.0.0/8 and ::1, recognised from the text alone: resolving a
     * name would both leak it to DNS and let DNS decide what counts as local. A trailing dot makes a
     * name fully qualified, resolved by DNS, so {@code localhost.} and {@code 127.0.0.1.} do not count.
     */
    static boolean isLoopback(String host) {
        String h = host.toLowerCase(Locale.ROOT);
        if (h.equals("localhost")) {
            return true;
        }
        if (h.startsWith("[") && h.endsWith("]")) {
            h = h.substring(1, h.length() - 1);
        }
        if (h.indexOf(':') >= 0) {
            return isIpv6Loopback(h);
        }
        return isIpv4Loopback(h);
    }

    private static boolean isIpv4Loopback(String h) {
        String[] parts = h.split("\\.", -1);
        if (parts.length != 4) {
            return false;
        }
        for (String part : parts) {
            if (part.isEmpty() || part.length() > 3 || !part.chars().allMatch(c -> c >= '0' && c <= '9')
                    || Integer.parseInt(part) > 255) {
                return false;
            }
        }
        return Integer.parseInt(parts[0]) == 127;
    }

    private static boolean isIpv6Loopback(String h) {
        if (!h.chars().allMatch(c -> Character.digit(c, 16) >= 0 || c == ':' || c == '.')) {
            return false;
        }
        try {
            // A string with ':' is parsed as an IPv6 literal; it never reaches DNS.
            return InetAddress.getByName(h).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }

    private static String scheme(URI uri) {
        return uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    }
}
