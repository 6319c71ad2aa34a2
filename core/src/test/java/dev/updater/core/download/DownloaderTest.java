package dev.updater.core.download;

import dev.updater.core.ErrorCode;
import dev.updater.core.Sha256;
import dev.updater.core.UpdaterException;
import dev.updater.core.text.Printable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(30)
class DownloaderTest {
    private static final String ETAG = "\"v1\"";
    private static final byte[] BODY = randomBytes(200_000, 1);

    @TempDir
    Path home;

    private final List<AutoCloseable> servers = new ArrayList<>();

    @AfterEach
    void closeServers() throws Exception {
        for (AutoCloseable server : servers) {
            server.close();
        }
    }

    // ---- the happy paths ----

    @Test
    void download_writesVerifiedFileAndLeavesNoPartBehind() throws Exception {
        LoopbackHttpServer server = server().file("/app.jar", BODY, ETAG, null);
        DownloadRequest request = request(server.uri("/app.jar"), BODY);

        VerifiedFile file = downloader(options()).download(request, DownloadListener.NONE, Cancellation.none());

        assertEquals(new VerifiedFile(downloads().resolve("app.jar"), BODY.length, Sha256.ofBytes(BODY)), file);
        assertArrayEquals(BODY, Files.readAllBytes(file.path()));
        assertEquals(List.of("app.jar"), listDownloads());
    }

    @Test
    void download_ofSeveralMegabytes_isByteForByteIdentical() throws Exception {
        byte[] big = randomBytes(9 * 1024 * 1024 + 17, 2);
        LoopbackHttpServer server = server().file("/big.bin", big, ETAG, null);

        VerifiedFile file = downloader(options()).download(request(server.uri("/big.bin"), big), DownloadListener.NONE, Cancellation.none());

        assertArrayEquals(big, Files.readAllBytes(file.path()));
    }

    @Test
    void download_reportsIncreasingProgressEndingAtTotal() throws Exception {
        LoopbackHttpServer server = server().handle("/app.jar", exchange -> {
            exchange.sendResponseHeaders(200, BODY.length);
            try (OutputStream out = exchange.getResponseBody()) {
                int piece = BODY.length / 5;
                for (int i = 0; i < 5; i++) {
                    out.write(BODY, i * piece, i == 4 ? BODY.length - i * piece : piece);
                    out.flush();
                    sleep(250);
                }
            }
        });
        RecordingListener listener = new RecordingListener();

        downloader(options()).download(request(server.uri("/app.jar"), BODY), listener, Cancellation.none());

        List<long[]> progress = listener.progress;
        assertTrue(progress.size() >= 3, "a report per interval, got " + progress.size());
        assertTrue(progress.size() <= 20, "reports are throttled, got " + progress.size());
        for (int i = 1; i < progress.size(); i++) {
            assertTrue(progress.get(i)[0] >= progress.get(i - 1)[0], "bytes never go back: " + listener.describe());
        }
        assertTrue(progress.stream().allMatch(p -> p[1] == BODY.length));
        assertEquals(BODY.length, progress.get(progress.size() - 1)[0]);
        assertTrue(progress.get(progress.size() - 1)[2] > 0, "a rate is measured");
    }

    @Test
    void download_followsPlainHttpRedirectsOnLoopback() throws Exception {
        LoopbackHttpServer server = server().file("/files/app.jar", BODY, ETAG, null);
        server.redirect("/latest", 302, "http://localhost:" + server.port() + "/moved");
        server.redirect("/moved", 301, "files/app.jar");

        VerifiedFile file = downloader(options()).download(request(server.uri("/latest"), BODY), DownloadListener.NONE, Cancellation.none());

        assertArrayEquals(BODY, Files.readAllBytes(file.path()));
        assertEquals(List.of("/latest", "/moved", "/files/app.jar"), server.seen().stream().map(LoopbackHttpServer.Seen::path).toList());
    }

    @Test
    void download_overHttps_isVerifiedLikeOverHttp() throws Exception {
        LoopbackHttpServer server = track(LoopbackHttpServer.https()).file("/app.jar", BODY, ETAG, null);

        VerifiedFile file = new Downloader(options(), SelfSignedTls.client())
                .download(request(server.uri("/app.jar"), BODY), DownloadListener.NONE, Cancellation.none());

        assertArrayEquals(BODY, Files.readAllBytes(file.path()));
    }

    @Test
    void download_redirectFromHttpsToHttpOnTheSameHost_isRefusedWithoutFollowingIt() throws Exception {
        LoopbackHttpServer plain = server().file("/app.jar", BODY, ETAG, null);
        LoopbackHttpServer tls = track(LoopbackHttpServer.https()).redirect("/app.jar", 302, plain.uri("/app.jar").toString());

        UpdaterException e = assertFails(ErrorCode.HTTP_REDIRECT, () -> new Downloader(options(), SelfSignedTls.client())
                .download(request(tls.uri("/app.jar"), BODY), DownloadListener.NONE, Cancellation.none()));

        assertEquals("Refusing the redirect from " + tls.uri("/app.jar") + " to " + plain.uri("/app.jar")
                + " because it downgrades HTTPS to plain HTTP; fix the server's redirect or publish an https URL.", e.getMessage());
        assertEquals(List.of(), plain.seen());
        assertEquals(List.of(), listDownloads());
    }

    @Test
    void download_fromHttpsServerWithUntrustedCertificate_failsWithNetwork() throws Exception {
        LoopbackHttpServer server = track(LoopbackHttpServer.https()).file("/app.jar", BODY, ETAG, null);

        UpdaterException e = assertFails(ErrorCode.NETWORK, () -> download(request(server.uri("/app.jar"), BODY)));

        assertTrue(e.getMessage().startsWith("The TLS connection to " + server.uri("").toString().replaceAll("/$", "") + " failed"), e.getMessage());
        assertTrue(e.getMessage().endsWith("; check the server's certificate and this JVM's trust store."), e.getMessage());
    }

    // ---- HTTP errors and URL rules ----

    @Test
    void download_404_failsWithHttpStatusAndWritesNothing() throws Exception {
        LoopbackHttpServer server = server().status("/app.jar", 404);
        URI uri = server.uri("/app.jar");

        UpdaterException e = assertFails(ErrorCode.HTTP_STATUS, () -> download(request(uri, BODY)));

        assertEquals("The server answered HTTP 404 for the download " + uri
                + "; check the URL and that the release was published completely.", e.getMessage());
        assertEquals(List.of(), listDownloads());
    }

    @Test
    void download_500_failsWithHttpStatusWithoutRetrying() throws Exception {
        LoopbackHttpServer server = server().status("/app.jar", 500);

        UpdaterException e = assertFails(ErrorCode.HTTP_STATUS, () -> downloader(options().withRetries(2))
                .download(request(server.uri("/app.jar"), BODY), DownloadListener.NONE, Cancellation.none()));

        assertTrue(e.getMessage().contains("HTTP 500"), e.getMessage());
        assertEquals(1, server.seen().size());
        assertEquals(List.of(), listDownloads());
    }

    @Test
    void download_plainHttpToRemoteHost_isRefusedBeforeAnyConnection() throws Exception {
        // updates.invalid cannot resolve: reaching the network would fail differently.
        URI uri = URI.create("http://updates.invalid/app.jar");

        UpdaterException e = assertFails(ErrorCode.HTTP_INSECURE, () -> download(request(uri, BODY)));

        assertTrue(e.getMessage().startsWith("Refusing plain-HTTP URL http://updates.invalid/app.jar"), e.getMessage());
        assertTrue(e.getMessage().contains("DownloadOptions.allowInsecureHttp"), e.getMessage());
        assertEquals(List.of(), listDownloads());
    }

    @Test
    void download_redirectToRemotePlainHttp_isRefused() throws Exception {
        LoopbackHttpServer server = server().redirect("/app.jar", 302, "http://mirror.invalid/app.jar");

        UpdaterException e = assertFails(ErrorCode.HTTP_INSECURE, () -> download(request(server.uri("/app.jar"), BODY)));

        assertTrue(e.getMessage().contains("http://mirror.invalid/app.jar"), e.getMessage());
        assertEquals(List.of(), listDownloads());
    }

    @Test
    void download_redirectLoop_stopsAfterFiveRedirects() throws Exception {
        LoopbackHttpServer server = server().redirect("/loop", 307, "/loop");

        UpdaterException e = assertFails(ErrorCode.HTTP_REDIRECT, () -> download(request(server.uri("/loop"), BODY)));

        assertTrue(e.getMessage().startsWith("Gave up on " + server.uri("/loop") + " after 5 redirects"), e.getMessage());
        assertEquals(6, server.seen().size());
    }

    @Test
    void download_redirectWithTerminalControlsInItsLocation_showsThemEscaped() throws Exception {
        // ESC [1A ESC [2K: cursor up, erase the line; the JDK client refuses the header and quotes it
        LoopbackHttpServer server = server().redirect("/app.jar", 302, "/x\u001b[1A\u001b[2Kapp.jar");

        UpdaterException e = assertFails(ErrorCode.NETWORK, () -> download(request(server.uri("/app.jar"), BODY)));

        assertEquals("The connection to http://127.0.0.1:" + server.port() + " failed while fetching "
                + server.uri("/app.jar") + " (ProtocolException: Invalid header value \"Location: /x\\e[1A\\e[2Kapp.jar\")"
                + "; check the network and the server.", e.getMessage());
        assertEquals(List.of(), listDownloads());
    }

    @Test
    void download_redirectToAnInvalidUrlWithAC1Control_quotesItEscaped_andCut() throws Exception {
        // U+009B is a one-character CSI: "CSI 2 J" clears an 8-bit terminal; the client passes it on
        String location = "/x\u009b2J" + "A".repeat(5000);
        LoopbackHttpServer server = server().redirect("/app.jar", 302, location);

        UpdaterException e = assertFails(ErrorCode.HTTP_REDIRECT, () -> download(request(server.uri("/app.jar"), BODY)));

        String shown = "/x\\u009b2J" + "A".repeat(Printable.MAX_LENGTH - 3 - 10) + "...";
        assertEquals(Printable.MAX_LENGTH, shown.length());
        assertEquals("The server redirected " + server.uri("/app.jar") + " to an invalid URL \"" + shown
                + "\"; fix the server's redirect.", e.getMessage());
        assertEquals(List.of(), listDownloads());
    }

    @Test
    void download_connectionRefused_failsWithNetwork() throws Exception {
        URI uri;
        try (RawSocketServer closed = new RawSocketServer(RawSocketServer.full(BODY, ETAG))) {
            uri = closed.uri("/app.jar");
        }

        UpdaterException e = assertFails(ErrorCode.NETWORK, () -> download(request(uri, BODY)));

        assertTrue(e.getMessage().startsWith("Could not connect to http://127.0.0.1:"), e.getMessage());
        assertEquals(List.of(), listDownloads());
    }

    // ---- resuming ----

    @Test
    void download_droppedConnectionWithoutRetries_keepsPart_thenNextCallResumesWithRangeAndIfRange() throws Exception {
        RawSocketServer server = raw(RawSocketServer.dropsAfter(BODY, 70_000, ETAG), RawSocketServer.partial(BODY, ETAG));
        DownloadRequest request = request(server.uri("/app.jar"), BODY);

        UpdaterException e = assertFails(ErrorCode.NETWORK, () -> download(request));

        assertTrue(e.getMessage().contains("after 70,000 bytes of 200,000 bytes (the partial file is kept"), e.getMessage());
        assertFalse(Files.exists(request.target()));
        assertArrayEquals(Arrays.copyOf(BODY, 70_000), Files.readAllBytes(part(request)));

        RecordingListener listener = new RecordingListener();
        VerifiedFile file = downloader(options()).download(request, listener, Cancellation.none());

        assertArrayEquals(BODY, Files.readAllBytes(file.path()));
        RawSocketServer.Request resumed = server.requests().get(1);
        assertEquals("bytes=70000-", resumed.header("Range"));
        assertEquals(ETAG, resumed.header("If-Range"));
        assertEquals(List.of("resumed 70000"), listener.events);
        assertEquals(List.of("app.jar"), listDownloads());
    }

    @Test
    void download_droppedConnectionWithRetries_isResumedWithinOneCall() throws Exception {
        RawSocketServer server = raw(RawSocketServer.dropsAfter(BODY, 50_000, ETAG), RawSocketServer.partial(BODY, ETAG));
        RecordingListener listener = new RecordingListener();

        VerifiedFile file = downloader(options().withRetries(2)).download(request(server.uri("/app.jar"), BODY), listener, Cancellation.none());

        assertArrayEquals(BODY, Files.readAllBytes(file.path()));
        assertEquals(Arrays.asList(null, "bytes=50000-"), RawSocketServer.ranges(server.requests()));
        assertEquals(List.of("retrying 1/3 NETWORK"), listener.events);
    }

    @Test
    void download_serverIgnoringRange_restartsFromZeroAndSucceeds() throws Exception {
        RawSocketServer server = raw(RawSocketServer.dropsAfter(BODY, 50_000, ETAG), RawSocketServer.full(BODY, ETAG));
        RecordingListener listener = new RecordingListener();

        VerifiedFile file = downloader(options().withRetries(1)).download(request(server.uri("/app.jar"), BODY), listener, Cancellation.none());

        assertArrayEquals(BODY, Files.readAllBytes(file.path()));
        assertEquals(Arrays.asList(null, "bytes=50000-"), RawSocketServer.ranges(server.requests()));
        assertEquals(List.of("retrying 1/2 NETWORK", "restarted"), listener.events);
    }

    @Test
    void download_changedArtifactOnServer_ifRangeMismatchGets200AndRestarts() throws Exception {
        LoopbackHttpServer server = server().file("/app.jar", BODY, "\"v2\"", null);
        DownloadRequest request = request(server.uri("/app.jar"), BODY);
        leavePart(request, Arrays.copyOf(BODY, 1000), ETAG);

        VerifiedFile file = downloader(options()).download(request, DownloadListener.NONE, Cancellation.none());

        assertArrayEquals(BODY, Files.readAllBytes(file.path()));
        assertEquals(ETAG, server.seen().get(0).header("If-Range"));
    }

    @Test
    void download_416ForTheRange_restartsWithoutRange() throws Exception {
        RawSocketServer server = raw(
                RawSocketServer.dropsAfter(BODY, 50_000, ETAG),
                (request, out, socket) -> RawSocketServer.head(out, 416, "Content-Range", "bytes */40000", "Content-Length", "0"),
                RawSocketServer.full(BODY, ETAG));
        RecordingListener listener = new RecordingListener();

        VerifiedFile file = downloader(options().withRetries(1)).download(request(server.uri("/app.jar"), BODY), listener, Cancellation.none());

        assertArrayEquals(BODY, Files.readAllBytes(file.path()));
        assertEquals(Arrays.asList(null, "bytes=50000-", null), RawSocketServer.ranges(server.requests()));
        assertEquals(List.of("retrying 1/2 NETWORK", "restarted"), listener.events);
    }

    @Test
    void download_206ForAnotherRange_restartsWithoutRange() throws Exception {
        RawSocketServer server = raw(
                RawSocketServer.dropsAfter(BODY, 50_000, ETAG),
                (request, out, socket) -> {
                    RawSocketServer.head(out, 206, "Content-Range", "bytes 0-99/" + BODY.length, "Content-Length", "100");
                    out.write(BODY, 0, 100);
                },
                RawSocketServer.full(BODY, ETAG));

        VerifiedFile file = downloader(options().withRetries(1)).download(request(server.uri("/app.jar"), BODY), DownloadListener.NONE, Cancellation.none());

        assertArrayEquals(BODY, Files.readAllBytes(file.path()));
        assertEquals(Arrays.asList(null, "bytes=50000-", null), RawSocketServer.ranges(server.requests()));
    }

    @Test
    void download_completePartFromEarlierCall_isVerifiedWithoutAnyRequest() throws Exception {
        LoopbackHttpServer server = server().status("/app.jar", 500);
        DownloadRequest request = request(server.uri("/app.jar"), BODY);
        leavePart(request, BODY, ETAG);

        VerifiedFile file = downloader(options()).download(request, DownloadListener.NONE, Cancellation.none());

        assertArrayEquals(BODY, Files.readAllBytes(file.path()));
        assertEquals(List.of(), server.seen());
    }

    @Test
    void download_partOfAnotherArtifact_isDiscardedAndNotResumed() throws Exception {
        LoopbackHttpServer server = server().file("/app.jar", BODY, ETAG, null);
        DownloadRequest request = request(server.uri("/app.jar"), BODY);
        byte[] other = randomBytes(BODY.length, 99);
        leavePart(new DownloadRequest(request.uri(), other.length, Sha256.ofBytes(other), request.directory(), "app.jar"),
                Arrays.copyOf(other, 5000), ETAG);

        VerifiedFile file = downloader(options()).download(request, DownloadListener.NONE, Cancellation.none());

        assertArrayEquals(BODY, Files.readAllBytes(file.path()));
        assertNull(server.seen().get(0).header("Range"));
    }

    // ---- bad bodies ----

    @Test
    void download_moreBytesThanDeclaredByContentLength_failsTooLargeBeforeReadingAndDeletesPart() throws Exception {
        byte[] longer = Arrays.copyOf(BODY, BODY.length + 1);
        LoopbackHttpServer server = server().file("/app.jar", longer, ETAG, null);

        UpdaterException e = assertFails(ErrorCode.DOWNLOAD_TOO_LARGE, () -> download(request(server.uri("/app.jar"), BODY)));

        assertEquals("The server of " + server.uri("/app.jar") + " declares a Content-Length of 200,001 bytes for the rest,"
                + " more than the published size of 200,000 bytes; the download was stopped and deleted,"
                + " check that the manifest and the artifact belong to the same release.", e.getMessage());
        assertEquals(List.of(), listDownloads());
    }

    @Test
    void download_endlessBodyWithoutContentLength_stopsAtFirstExtraByteAndDeletesPart() throws Exception {
        RawSocketServer server = raw((request, out, socket) -> {
            RawSocketServer.head(out, 200, "Connection", "close");
            out.write(BODY);
            byte[] more = new byte[64 * 1024];
            for (int i = 0; i < 10_000; i++) {
                out.write(more); // until the client hangs up
            }
        });

        UpdaterException e = assertFails(ErrorCode.DOWNLOAD_TOO_LARGE, () -> download(request(server.uri("/app.jar"), BODY)));

        assertTrue(e.getMessage().contains("sent more than the published size of 200,000 bytes"), e.getMessage());
        assertEquals(List.of(), listDownloads());
    }

    @Test
    void download_fewerBytesThanExpected_failsTruncatedAndKeepsPart() throws Exception {
        byte[] shorter = Arrays.copyOf(BODY, 150_000);
        LoopbackHttpServer server = server().file("/app.jar", shorter, ETAG, null);
        DownloadRequest request = request(server.uri("/app.jar"), BODY);

        UpdaterException e = assertFails(ErrorCode.DOWNLOAD_TRUNCATED, () -> download(request));

        assertEquals("The download of " + request.uri() + " ended after 150,000 bytes of 200,000 bytes;"
                + " the partial file is kept and the next attempt resumes it (if this repeats, the published size may be wrong).", e.getMessage());
        assertArrayEquals(shorter, Files.readAllBytes(part(request)));
        assertFalse(Files.exists(request.target()));
    }

    @Test
    void download_hashMismatch_failsAndDeletesPart() throws Exception {
        byte[] tampered = BODY.clone();
        tampered[12345] ^= 1;
        LoopbackHttpServer server = server().file("/app.jar", tampered, ETAG, null);
        DownloadRequest request = request(server.uri("/app.jar"), BODY);

        UpdaterException e = assertFails(ErrorCode.DOWNLOAD_HASH_MISMATCH, () -> download(request));

        assertEquals("The download of " + request.uri() + " does not match its published SHA-256: expected "
                + Sha256.ofBytes(BODY).hex() + " but got " + Sha256.ofBytes(tampered).hex()
                + "; the file was deleted, check that the manifest and the artifact belong to the same release.", e.getMessage());
        assertEquals(List.of(), listDownloads());
    }

    // ---- slow, silent and cancelled ----

    @Test
    void download_serverGoingSilentMidBody_failsStalledAndKeepsPart() throws Exception {
        RawSocketServer server = raw((request, out, socket) -> {
            RawSocketServer.head(out, 200, "Content-Length", String.valueOf(BODY.length), "ETag", ETAG);
            out.write(BODY, 0, 1000);
            out.flush();
            RawSocketServer.waitForClientToHangUp(socket);
        });
        DownloadRequest request = request(server.uri("/app.jar"), BODY);
        long start = System.nanoTime();

        UpdaterException e = assertFails(ErrorCode.DOWNLOAD_STALLED,
                () -> downloader(options().withStallTimeout(Duration.ofSeconds(1))).download(request, DownloadListener.NONE, Cancellation.none()));

        assertElapsedBetween(start, 900, 5000);
        assertEquals("The download of " + request.uri() + " stalled: nothing arrived for 1 s after 1,000 bytes of 200,000 bytes;"
                + " the partial file is kept for the next attempt, check the network or the server.", e.getMessage());
        assertEquals(1000, Files.size(part(request)));
        assertFalse(Files.exists(request.target()));
    }

    @Test
    void download_serverNeverAnswering_failsStalled() throws Exception {
        RawSocketServer server = raw((request, out, socket) -> RawSocketServer.waitForClientToHangUp(socket));
        long start = System.nanoTime();

        assertFails(ErrorCode.DOWNLOAD_STALLED, () -> downloader(options().withStallTimeout(Duration.ofSeconds(1)))
                .download(request(server.uri("/app.jar"), BODY), DownloadListener.NONE, Cancellation.none()));

        assertElapsedBetween(start, 900, 5000);
        assertEquals(List.of(), listDownloads());
    }

    @Test
    void download_dripFeedingServer_failsTooSlowAtTheDeadline() throws Exception {
        byte[] small = randomBytes(100, 3);
        RawSocketServer server = raw((request, out, socket) -> {
            RawSocketServer.head(out, 200, "Content-Length", String.valueOf(small.length), "ETag", ETAG);
            for (byte b : small) {
                out.write(b);
                out.flush();
                sleep(100);
            }
        });
        // Deadline: 1 s + 100 bytes at 100 bytes/s = 2 s; dripping all would take 10 s.
        DownloadOptions patient = options().withStallTimeout(Duration.ofSeconds(1)).withDeadlineBase(Duration.ofSeconds(1))
                .withMinThroughputBytesPerSecond(100);
        DownloadRequest request = request(server.uri("/app.jar"), small);
        long start = System.nanoTime();

        UpdaterException e = assertFails(ErrorCode.DOWNLOAD_TOO_SLOW,
                () -> downloader(patient).download(request, DownloadListener.NONE, Cancellation.none()));

        assertElapsedBetween(start, 1900, 6000);
        assertTrue(e.getMessage().startsWith("The download of " + request.uri() + " missed its deadline of 2 s (1 s plus 100 bytes per second) with "),
                e.getMessage());
        assertTrue(Files.exists(part(request)), "the part is kept");
        assertFalse(Files.exists(request.target()));
    }

    @Test
    void download_cancelledFromAnotherThread_endsPromptlyAndKeepsPart() throws Exception {
        RawSocketServer server = raw((request, out, socket) -> {
            RawSocketServer.head(out, 200, "Content-Length", String.valueOf(BODY.length), "ETag", ETAG);
            out.write(BODY, 0, 4000);
            out.flush();
            RawSocketServer.waitForClientToHangUp(socket);
        });
        DownloadRequest request = request(server.uri("/app.jar"), BODY);
        Cancellation cancellation = new Cancellation();
        CompletableFuture<VerifiedFile> running = CompletableFuture.supplyAsync(() -> {
            try {
                return downloader(options()).download(request, DownloadListener.NONE, cancellation);
            } catch (UpdaterException e) {
                throw new java.util.concurrent.CompletionException(e);
            }
        });
        await().atMost(Duration.ofSeconds(5)).until(() -> Files.exists(part(request)) && Files.size(part(request)) == 4000);

        cancellation.cancel();

        await().atMost(Duration.ofSeconds(1)).until(running::isDone);
        UpdaterException e = assertFails(ErrorCode.DOWNLOAD_CANCELLED, () -> {
            try {
                running.join();
            } catch (java.util.concurrent.CompletionException wrapped) {
                throw wrapped.getCause();
            }
        });
        assertEquals("The download of " + request.uri() + " was cancelled after 4,000 bytes of 200,000 bytes;"
                + " the partial file is kept and the next download resumes it.", e.getMessage());
        assertEquals(4000, Files.size(part(request)));
        assertFalse(Files.exists(request.target()));
    }

    @Test
    void download_alreadyCancelled_sendsNothing() throws Exception {
        LoopbackHttpServer server = server().file("/app.jar", BODY, ETAG, null);
        Cancellation cancellation = new Cancellation();
        cancellation.cancel();

        assertFails(ErrorCode.DOWNLOAD_CANCELLED,
                () -> downloader(options()).download(request(server.uri("/app.jar"), BODY), DownloadListener.NONE, cancellation));

        assertEquals(List.of(), server.seen());
    }

    // ---- disk space ----

    @Test
    void download_notEnoughDiskSpace_failsBeforeWritingOrConnecting() throws Exception {
        LoopbackHttpServer server = server().file("/app.jar", BODY, ETAG, null);
        List<Path> probed = new CopyOnWriteArrayList<>();
        DownloadOptions tight = options().withFreeSpaceMarginBytes(1000).withFreeSpaceProbe(dir -> {
            probed.add(dir);
            return 150_000;
        });
        DownloadRequest request = request(server.uri("/app.jar"), BODY);

        UpdaterException e = assertFails(ErrorCode.DISK_SPACE,
                () -> downloader(tight).download(request, DownloadListener.NONE, Cancellation.none()));

        assertEquals("Not enough disk space in " + downloads() + " to download " + request.uri() + ": it needs 201,000 bytes"
                + " (200,000 bytes still to download plus a 1,000 bytes margin) but only 150,000 bytes are free;"
                + " free some space or move the update home to a larger disk.", e.getMessage());
        assertEquals(List.of(home), probed, "the nearest existing directory is probed");
        assertFalse(Files.exists(downloads()), "nothing is created");
        assertEquals(List.of(), server.seen());
    }

    @Test
    void download_freeSpaceCheck_countsBytesAlreadyDownloaded() throws Exception {
        LoopbackHttpServer server = server().file("/app.jar", BODY, ETAG, null);
        DownloadRequest request = request(server.uri("/app.jar"), BODY);
        leavePart(request, Arrays.copyOf(BODY, 150_000), ETAG);
        DownloadOptions tight = options().withFreeSpaceMarginBytes(1000).withFreeSpaceProbe(dir -> 51_000);

        VerifiedFile file = downloader(tight).download(request, DownloadListener.NONE, Cancellation.none());

        assertArrayEquals(BODY, Files.readAllBytes(file.path()));
        assertEquals("bytes=150000-", server.seen().get(0).header("Range"));
    }

    // ---- helpers ----

    private static DownloadOptions options() {
        return DownloadOptions.defaults().withRetries(0).withStallTimeout(Duration.ofSeconds(5));
    }

    private Downloader downloader(DownloadOptions options) {
        return new Downloader(options);
    }

    private VerifiedFile download(DownloadRequest request) throws UpdaterException {
        return downloader(options()).download(request, DownloadListener.NONE, Cancellation.none());
    }

    private DownloadRequest request(URI uri, byte[] body) {
        return new DownloadRequest(uri, body.length, Sha256.ofBytes(body), downloads(), "app.jar");
    }

    private Path downloads() {
        return home.resolve("downloads");
    }

    private static Path part(DownloadRequest request) {
        return request.directory().resolve(request.fileName() + ".part");
    }

    /** What an interrupted earlier call leaves: a part and its meta. */
    private static void leavePart(DownloadRequest request, byte[] prefix, String etag) throws IOException {
        Files.createDirectories(request.directory());
        try (PartialDownload part = PartialDownload.resume(request)) {
            part.rememberValidators(etag, null);
            part.append(List.of(ByteBuffer.wrap(prefix)));
        }
    }

    private List<String> listDownloads() throws IOException {
        if (!Files.exists(downloads())) {
            return List.of();
        }
        try (var files = Files.list(downloads())) {
            return files.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    private LoopbackHttpServer server() throws IOException {
        return track(new LoopbackHttpServer());
    }

    private <T extends AutoCloseable> T track(T server) {
        servers.add(server);
        return server;
    }

    private RawSocketServer raw(RawSocketServer.Script... scripts) throws IOException {
        RawSocketServer server = new RawSocketServer(scripts);
        servers.add(server);
        return server;
    }

    static UpdaterException assertFails(ErrorCode code, Executable call) {
        UpdaterException e = assertThrows(UpdaterException.class, call);
        assertEquals(code, e.code(), () -> "message: " + e.getMessage());
        return e;
    }

    private static void assertElapsedBetween(long startNanos, long minMillis, long maxMillis) {
        long millis = (System.nanoTime() - startNanos) / 1_000_000;
        assertTrue(millis >= minMillis && millis <= maxMillis, "took " + millis + " ms, expected " + minMillis + ".." + maxMillis);
    }

    static byte[] randomBytes(int n, long seed) {
        byte[] bytes = new byte[n];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }

    /** Servers may be slow on purpose; tests never sleep. */
    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    static final class RecordingListener implements DownloadListener {
        final List<long[]> progress = new CopyOnWriteArrayList<>();
        final List<String> events = new CopyOnWriteArrayList<>();

        @Override
        public void progress(long bytesDone, long totalBytes, long bytesPerSecond) {
            progress.add(new long[] {bytesDone, totalBytes, bytesPerSecond});
        }

        @Override
        public void resumed(long fromByte) {
            events.add("resumed " + fromByte);
        }

        @Override
        public void restarted() {
            events.add("restarted");
        }

        @Override
        public void retrying(int attempt, int attempts, UpdaterException reason) {
            events.add("retrying " + attempt + "/" + attempts + " " + reason.code());
        }

        String describe() {
            return progress.stream().map(Arrays::toString).toList().toString();
        }
    }
}
