package dev.updater.core.download;

import dev.updater.core.text.HumanUnits;
import dev.updater.core.ErrorCode;
import dev.updater.core.UpdaterException;
import dev.updater.core.signature.SignedManifest;
import dev.updater.core.text.Printable;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Fetches a release manifest and its detached signature ({@code manifest.json.sig} beside it) with a
 * conditional GET, so an unchanged manifest costs one {@code 304}. A URL ending with
 * {@code manifest.signed} ({@link SignedManifest}) is one file holding both: one GET, a {@code 200}
 * carries manifest and signature.
 *
 * <pre>{@code
 * ManifestFetcher fetcher = new ManifestFetcher(DownloadOptions.defaults());
 * if (fetcher.fetch(manifestUri, lastValidators) instanceof ManifestFetcher.Fetched fetched) {
 *     verifyAndParse(fetched.manifest(), fetched.signatureOrNull()); // else NotModified: nothing new
 *     lastValidators = fetched.validators();
 * }
 * }</pre>
 *
 * It reads at most {@value #MAX_MANIFEST_BYTES} bytes of manifest and {@value #MAX_SIGNATURE_BYTES}
 * of signature, within {@link #DEFAULT_DEADLINE} for both, with the same stall timeout and the same
 * HTTPS and redirect rules as {@link Downloader}. It does not judge the bytes: the caller verifies
 * the signature (a missing one is {@code null}) and parses the manifest.
 */
public final class ManifestFetcher {
    /** Threat: a hostile or broken server streaming an endless "manifest" into memory. */
    public static final int MAX_MANIFEST_BYTES = 1024 * 1024;
    public static final int MAX_SIGNATURE_BYTES = 4 * 1024;
    /** A {@code manifest.signed}: the manifest's limit and its two header lines; {@code verify} reads the same. */
    public static final int MAX_SIGNED_MANIFEST_BYTES = MAX_MANIFEST_BYTES + SignedManifest.MAX_HEADER_BYTES;
    public static final Duration DEFAULT_DEADLINE = Duration.ofSeconds(30);

    /** What a fetch found. */
    public sealed interface Result permits NotModified, Fetched {
    }

    /** The server confirmed that the manifest has not changed since the validators sent. */
    public record NotModified() implements Result {
    }

    /**
     * A manifest and its signature, exactly as served (arrays owned by the caller).
     *
     * @param signatureOrNull the bytes of {@code <manifest>.sig}, or null when the server has none (404)
     * @param validators      to send with the next fetch
     */
    public record Fetched(byte[] manifest, byte[] signatureOrNull, Validators validators) implements Result {
        public Fetched {
            Objects.requireNonNull(manifest, "manifest");
            Objects.requireNonNull(validators, "validators");
        }
    }

    private final DownloadOptions options;
    private final Duration deadline;
    private final HttpTransport transport;

    public ManifestFetcher(DownloadOptions options) {
        this(options, DEFAULT_DEADLINE);
    }

    /** @param deadline the longest one {@link #fetch} may take, manifest and signature together */
    public ManifestFetcher(DownloadOptions options, Duration deadline) {
        this.options = Objects.requireNonNull(options, "options");
        this.deadline = Objects.requireNonNull(deadline, "deadline");
        this.transport = new HttpTransport(options.connectTimeout(), options.allowInsecureHttp());
    }

    /** Fetches the manifest unless it is unchanged since {@code previous}; see the class comment. */
    public Result fetch(URI manifestUri, Validators previous) throws UpdaterException {
        return fetch(manifestUri, previous, Cancellation.none());
    }

    public Result fetch(URI manifestUri, Validators previous, Cancellation cancellation) throws UpdaterException {
        return fetch(manifestUri, previous, cancellation, false);
    }

    /**
     * For {@code verify}, which looks for a channel's other copy of its manifest ({@code manifest.signed}
     * beside {@code manifest.json}, or the reverse): an unconditional fetch, with the same limits, where a
     * {@code 404} for the manifest means "not published in this form" and returns null instead of failing.
     */
    public Fetched fetchIfPublished(URI manifestUri) throws UpdaterException {
        return (Fetched) fetch(manifestUri, Validators.NONE, Cancellation.none(), true);
    }

    private Result fetch(URI manifestUri, Validators previous, Cancellation cancellation, boolean absentIsNull)
            throws UpdaterException {
        Objects.requireNonNull(manifestUri, "manifestUri");
        Objects.requireNonNull(previous, "previous");
        Watchdog watchdog = new Watchdog(options.stallTimeout(), deadline, cancellation, reason -> explain(reason, manifestUri));
        Map<String, String> conditions = new LinkedHashMap<>();
        if (previous.etag() != null) {
            conditions.put("If-None-Match", previous.etag());
        }
        // RFC 9110 §13.1.3: a server ignores If-Modified-Since beside If-None-Match; sending both only
        // costs bytes on every poll of a fleet (DESIGN §11: an unchanged poll is a few hundred bytes).
        if (previous.etag() == null && previous.lastModified() != null) {
            conditions.put("If-Modified-Since", previous.lastModified());
        }
        boolean signed = SignedManifest.isSignedManifest(manifestUri);
        byte[] manifest;
        Validators validators;
        try (HttpTransport.Exchange exchange = transport.get(manifestUri, conditions, watchdog)) {
            if (exchange.status() == 304 && !previous.isEmpty()) {
                awaitEnd(exchange, watchdog);
                return new NotModified();
            }
            if (exchange.status() == 404 && absentIsNull) {
                return null;
            }
            if (exchange.status() == 404 && signed) {
                throw new UpdaterException(ErrorCode.HTTP_STATUS, "The server answered HTTP 404 for the manifest "
                        + Printable.of(manifestUri) + "; a channel published before manifest.signed existed has only"
                        + " manifest.json and its .sig: re-sign it with 'updater-sidecar publish --resign' (which writes"
                        + " manifest.signed beside them), or set manifest= to its manifest.json.");
            }
            if (exchange.status() != 200) {
                throw HttpTransport.statusError(exchange, "the manifest");
            }
            manifest = readLimited(exchange, signed ? MAX_SIGNED_MANIFEST_BYTES : MAX_MANIFEST_BYTES,
                    watchdog, ErrorCode.MANIFEST_TOO_LARGE, "manifest");
            validators = new Validators(exchange.header("ETag"), exchange.header("Last-Modified"));
        }
        if (signed) {
            // One GET carries both: a changed manifest costs a fleet one request per host, not two.
            SignedManifest.Parts parts = SignedManifest.read(manifest, manifestUri.toString());
            return new Fetched(parts.manifest(), parts.signatureFile(), validators);
        }
        return new Fetched(manifest, fetchSignature(signatureUri(manifestUri), watchdog), validators);
    }

    /**
     * Waits for the client to end a 304's empty body, which it does after handing the connection back to its
     * pool. The client's headers can arrive before it has even subscribed the body; closing the exchange then
     * cancelled the body and closed the connection, so the next poll opened a new one (JDK 25, HTTP/1.1:
     * 3 connections for 6 polls 200 ms apart in bench/poll-bytes; JDK 17 rarely lost that race).
     */
    private static void awaitEnd(HttpTransport.Exchange exchange, Watchdog watchdog) throws UpdaterException {
        try {
            while (exchange.body().next(watchdog) != null) {
                // A 304 has no body (RFC 9110 §15.4.5; the client reads none); nothing to keep.
            }
        } catch (IOException e) {
            // The answer is complete; a connection that broke after it costs only the next poll a new one.
        }
    }

    /** {@code <manifest URL>.sig}: the same directory, the manifest's file name plus {@code .sig}. */
    static URI signatureUri(URI manifestUri) {
        // Raw parts, so escapes in the path or query survive unchanged.
        String query = manifestUri.getRawQuery() == null ? "" : "?" + manifestUri.getRawQuery();
        return URI.create(manifestUri.getScheme() + "://" + manifestUri.getRawAuthority() + manifestUri.getRawPath() + ".sig" + query);
    }

    private byte[] fetchSignature(URI signatureUri, Watchdog watchdog) throws UpdaterException {
        try (HttpTransport.Exchange exchange = transport.get(signatureUri, Map.of(), watchdog)) {
            if (exchange.status() == 404) {
                return null;
            }
            if (exchange.status() != 200) {
                throw HttpTransport.statusError(exchange, "the manifest signature");
            }
            return readLimited(exchange, MAX_SIGNATURE_BYTES, watchdog, ErrorCode.SIGNATURE_MALFORMED, "signature");
        }
    }

    private static byte[] readLimited(HttpTransport.Exchange exchange, int limit, Watchdog watchdog, ErrorCode tooLarge, String what)
            throws UpdaterException {
        long declared = exchange.contentLength().orElse(-1);
        if (declared > limit) {
            throw new UpdaterException(tooLarge, "The " + what + " at " + Printable.of(exchange.uri()) + " is " + HumanUnits.bytes(declared)
                    + " (Content-Length), over the limit of " + HumanUnits.bytes(limit) + "; check that the URL points to a " + what + ".");
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(declared >= 0 ? (int) declared : 8192);
        while (true) {
            List<ByteBuffer> chunk;
            try {
                chunk = exchange.body().next(watchdog);
            } catch (IOException e) {
                throw HttpTransport.networkError(exchange.uri(), e, " while reading the " + what);
            }
            if (chunk == null) {
                return out.toByteArray();
            }
            for (ByteBuffer buffer : chunk) {
                if (out.size() + buffer.remaining() > limit) {
                    throw new UpdaterException(tooLarge, "The " + what + " at " + Printable.of(exchange.uri()) + " is larger than the limit of "
                            + HumanUnits.bytes(limit) + "; reading stopped there, check that the URL points to a " + what + ".");
                }
                byte[] bytes = new byte[buffer.remaining()];
                buffer.get(bytes);
                out.write(bytes, 0, bytes.length);
            }
        }
    }

    private UpdaterException explain(Watchdog.Reason reason, URI manifestUri) {
        return switch (reason) {
            case CANCELLED -> new UpdaterException(ErrorCode.DOWNLOAD_CANCELLED,
                    "Fetching the manifest " + manifestUri + " was cancelled.");
            case STALLED -> new UpdaterException(ErrorCode.DOWNLOAD_STALLED,
                    "Fetching the manifest " + manifestUri + " stalled: nothing arrived for " + HumanUnits.duration(options.stallTimeout())
                            + "; check the network or the server, it is tried again at the next check.");
            case TOO_SLOW -> new UpdaterException(ErrorCode.DOWNLOAD_TOO_SLOW,
                    "Fetching the manifest " + manifestUri + " took longer than its deadline of " + HumanUnits.duration(deadline)
                            + "; check the network or the server, it is tried again at the next check.");
        };
    }
}
