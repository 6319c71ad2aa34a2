package dev.updater.core.download;

import dev.updater.core.text.HumanUnits;
import dev.updater.core.ErrorCode;
import dev.updater.core.Sha256;
import dev.updater.core.UpdaterException;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;

/**
 * Downloads one artifact into a directory and returns it only once its size and SHA-256 match:
 *
 * <pre>{@code
 * Downloader downloader = new Downloader(DownloadOptions.defaults());
 * VerifiedFile file = downloader.download(
 *         new DownloadRequest(uri, 12_457_600, new Sha256(hex), home.resolve("downloads"), "app-1.3.0.jar"),
 *         DownloadListener.NONE, Cancellation.none());
 * }</pre>
 *
 * <p>While it runs the bytes go to {@code fileName.part}; the final name appears only after the
 * hash matched, the file was fsynced and renamed atomically. A dropped connection is resumed with
 * {@code Range}/{@code If-Range}, within the call ({@link DownloadOptions#retries()}) and by the
 * next call. Every failure is an {@link UpdaterException} whose {@link ErrorCode} tells what to do
 * with the part: kept for resume (network, stall, deadline, truncation, cancellation) or deleted
 * (too many bytes, wrong hash).
 *
 * <p>One instance may serve many downloads, also concurrently (for different files); its HTTP
 * client is created on first use.
 */
public final class Downloader {
    private static final Pattern CONTENT_RANGE = Pattern.compile("bytes\\s+(\\d+)-(\\d+)/(\\d+|\\*)");

    private final DownloadOptions options;
    private final HttpTransport transport;

    public Downloader(DownloadOptions options) {
        this(options, null);
    }

    /** For tests: HTTPS trusting {@code sslContext} instead of the JVM's default trust. */
    Downloader(DownloadOptions options, SSLContext sslContext) {
        this.options = Objects.requireNonNull(options, "options");
        this.transport = new HttpTransport(options.connectTimeout(), options.allowInsecureHttp(), sslContext);
    }

    public DownloadOptions options() {
        return options;
    }

    /**
     * Downloads {@code request.uri()} to {@code request.target()}, verifying size and SHA-256.
     *
     * @throws UpdaterException with {@code DISK_SPACE}, {@code HTTP_*}, {@code NETWORK}, {@code DOWNLOAD_*}
     *                          or {@code IO}; the final file then does not exist
     */
    public VerifiedFile download(DownloadRequest request, DownloadListener listener, Cancellation cancellation)
            throws UpdaterException {
        Objects.requireNonNull(request, "request");
        Objects.requireNonNull(listener, "listener");
        Objects.requireNonNull(cancellation, "cancellation");
        checkFreeSpace(request);
        try (PartialDownload part = resumePart(request, listener)) {
            Watchdog watchdog = new Watchdog(options.stallTimeout(), options.totalDeadline(request.expectedSize()),
                    cancellation, reason -> explain(reason, request, part));
            ProgressMeter progress = new ProgressMeter(listener, request.expectedSize());
            progress.start(part.bytes());
            int attempts = options.retries() + 1;
            for (int attempt = 1; ; attempt++) {
                try {
                    if (part.bytes() < request.expectedSize()) {
                        fetchRest(request, part, watchdog, progress, listener);
                    }
                    VerifiedFile file = verifyAndRename(request, part);
                    progress.finish(file.size());
                    return file;
                } catch (UpdaterException e) {
                    if (!isTransient(e.code()) || attempt >= attempts) {
                        throw e;
                    }
                    listener.retrying(attempt, attempts, e);
                    watchdog.pause(Duration.ofMillis(250L * attempt));
                }
            }
        } catch (IOException e) {
            // Only closing the part's channel gets here.
            throw ioError(request, e);
        }
    }

    /** Step 1: enough room for the rest of the artifact plus the margin, checked before anything is written. */
    private void checkFreeSpace(DownloadRequest request) throws UpdaterException {
        long still = request.expectedSize() - PartialDownload.bytesOnDisk(request);
        long needed = still + options.freeSpaceMarginBytes();
        Path dir = nearestExisting(request.directory());
        long available;
        try {
            available = options.freeSpaceProbe().usableBytes(dir);
        } catch (IOException e) {
            throw new UpdaterException(ErrorCode.IO, "Could not measure the free space in " + dir + " ("
                    + HttpTransport.describe(e) + "); check that the download directory is accessible.", e);
        }
        if (available < needed) {
            throw new UpdaterException(ErrorCode.DISK_SPACE,
                    "Not enough disk space in " + request.directory() + " to download " + request.uri() + ": it needs "
                            + HumanUnits.bytes(needed) + " (" + HumanUnits.bytes(still) + " still to download plus a "
                            + HumanUnits.bytes(options.freeSpaceMarginBytes()) + " margin) but only " + HumanUnits.bytes(available)
                            + " are free; free some space or move the update home to a larger disk.");
        }
    }

    /** Step 2: continue what an earlier call left, its bytes re-hashed, or start empty. */
    private static PartialDownload resumePart(DownloadRequest request, DownloadListener listener) throws UpdaterException {
        try {
            dev.updater.core.home.HomeFiles.createPrivateDirectories(request.directory());
            PartialDownload part = PartialDownload.resume(request);
            if (part.bytes() > 0) {
                listener.resumed(part.bytes());
            }
            return part;
        } catch (IOException e) {
            throw ioError(request, e);
        }
    }

    /**
     * Step 3: one request for the bytes still missing, streamed into the part. A server that ignores
     * the range (200) or no longer has it (416, or a 206 for the wrong range) costs one restart from 0.
     */
    private void fetchRest(DownloadRequest request, PartialDownload part, Watchdog watchdog, ProgressMeter progress,
                           DownloadListener listener) throws UpdaterException {
        boolean mayRestart = true;
        while (true) {
            long from = part.bytes();
            Map<String, String> headers = from > 0 ? part.resumeHeaders() : Map.of();
            try (HttpTransport.Exchange exchange = transport.get(request.uri(), headers, watchdog)) {
                int status = exchange.status();
                if (status == 200 && from > 0) {
                    part.reset();
                    listener.restarted();
                } else if (from > 0 && (status == 416 || status == 206 && contentRangeStart(exchange) != from) && mayRestart) {
                    mayRestart = false;
                    part.reset();
                    listener.restarted();
                    continue;
                } else if (status != 200 && !(status == 206 && from > 0 && contentRangeStart(exchange) == from)) {
                    throw HttpTransport.statusError(exchange, "the download");
                }
                checkDeclaredLength(request, part, exchange);
                part.rememberValidators(exchange.header("ETag"), exchange.header("Last-Modified"));
                stream(request, part, exchange, watchdog, progress);
                return;
            } catch (IOException e) {
                throw ioError(request, e);
            }
        }
    }

    private void stream(DownloadRequest request, PartialDownload part, HttpTransport.Exchange exchange, Watchdog watchdog,
                        ProgressMeter progress) throws UpdaterException, IOException {
        long expected = request.expectedSize();
        while (true) {
            List<ByteBuffer> chunk;
            try {
                chunk = exchange.body().next(watchdog);
            } catch (IOException e) {
                throw HttpTransport.networkError(exchange.uri(), e,
                        " after " + HumanUnits.bytes(part.bytes()) + " of " + HumanUnits.bytes(expected)
                                + " (the partial file is kept and the download resumes from there)");
            }
            if (chunk == null) {
                return;
            }
            long length = 0;
            for (ByteBuffer buffer : chunk) {
                length += buffer.remaining();
            }
            if (part.bytes() + length > expected) {
                // Threat: an endless or oversized body filling the disk; stop at the first extra byte.
                exchange.close();
                part.discard();
                throw tooLarge(request, "sent more than");
            }
            part.append(chunk);
            progress.update(part.bytes());
        }
    }

    /** Step 4: fail closed. The part is renamed to its final name only when size and hash match. */
    private static VerifiedFile verifyAndRename(DownloadRequest request, PartialDownload part) throws UpdaterException {
        if (part.bytes() < request.expectedSize()) {
            throw new UpdaterException(ErrorCode.DOWNLOAD_TRUNCATED,
                    "The download of " + request.uri() + " ended after " + HumanUnits.bytes(part.bytes()) + " of "
                            + HumanUnits.bytes(request.expectedSize()) + "; the partial file is kept and the next attempt resumes it"
                            + " (if this repeats, the published size may be wrong).");
        }
        Sha256 actual = part.sha256();
        try {
            if (!actual.equals(request.expectedSha256())) {
                part.discard();
                throw new UpdaterException(ErrorCode.DOWNLOAD_HASH_MISMATCH,
                        "The download of " + request.uri() + " does not match its published SHA-256: expected "
                                + request.expectedSha256().hex() + " but got " + actual.hex()
                                + "; the file was deleted, check that the manifest and the artifact belong to the same release.");
            }
            part.commit(request.target());
        } catch (IOException e) {
            throw ioError(request, e);
        }
        return new VerifiedFile(request.target(), request.expectedSize(), actual);
    }

    private static void checkDeclaredLength(DownloadRequest request, PartialDownload part, HttpTransport.Exchange exchange)
            throws UpdaterException, IOException {
        long declared = exchange.contentLength().orElse(-1);
        if (declared > request.expectedSize() - part.bytes()) {
            exchange.close();
            part.discard();
            throw tooLarge(request, "declares a Content-Length of " + HumanUnits.bytes(declared) + " for the rest, more than");
        }
    }

    private static long contentRangeStart(HttpTransport.Exchange exchange) {
        String range = exchange.header("Content-Range");
        Matcher m = range == null ? null : CONTENT_RANGE.matcher(range.trim());
        return m != null && m.matches() ? Long.parseLong(m.group(1)) : -1;
    }

    private static UpdaterException tooLarge(DownloadRequest request, String what) {
        return new UpdaterException(ErrorCode.DOWNLOAD_TOO_LARGE,
                "The server of " + request.uri() + " " + what + " the published size of " + HumanUnits.bytes(request.expectedSize())
                        + "; the download was stopped and deleted, check that the manifest and the artifact belong to the same release.");
    }

    private UpdaterException explain(Watchdog.Reason reason, DownloadRequest request, PartialDownload part) {
        String progress = HumanUnits.bytes(part.bytes()) + " of " + HumanUnits.bytes(request.expectedSize());
        return switch (reason) {
            case CANCELLED -> new UpdaterException(ErrorCode.DOWNLOAD_CANCELLED,
                    "The download of " + request.uri() + " was cancelled after " + progress
                            + "; the partial file is kept and the next download resumes it.");
            case STALLED -> new UpdaterException(ErrorCode.DOWNLOAD_STALLED,
                    "The download of " + request.uri() + " stalled: nothing arrived for " + HumanUnits.duration(options.stallTimeout())
                            + " after " + progress + "; the partial file is kept for the next attempt, check the network or the server.");
            case TOO_SLOW -> new UpdaterException(ErrorCode.DOWNLOAD_TOO_SLOW,
                    "The download of " + request.uri() + " missed its deadline of "
                            + HumanUnits.duration(options.totalDeadline(request.expectedSize())) + " (" + HumanUnits.duration(options.deadlineBase())
                            + " plus " + HumanUnits.bytes(options.minThroughputBytesPerSecond()) + " per second) with " + progress
                            + " done; the partial file is kept for the next attempt, check the network or lower the minimum throughput.");
        };
    }

    private static boolean isTransient(ErrorCode code) {
        return code == ErrorCode.NETWORK || code == ErrorCode.DOWNLOAD_TRUNCATED || code == ErrorCode.DOWNLOAD_STALLED;
    }

    private static UpdaterException ioError(DownloadRequest request, IOException e) {
        return new UpdaterException(ErrorCode.IO, "Could not write the download of " + request.uri() + " to "
                + request.directory() + " (" + HttpTransport.describe(e) + "); check that the directory is writable and has free space.", e);
    }

    private static Path nearestExisting(Path dir) {
        Path p = dir.toAbsolutePath();
        while (p != null && !Files.isDirectory(p)) {
            p = p.getParent();
        }
        return p == null ? dir.toAbsolutePath().getRoot() : p;
    }
}
