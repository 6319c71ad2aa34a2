package dev.updater.core.download;

import dev.updater.core.ErrorCode;
import dev.updater.core.UpdaterException;
import dev.updater.core.signature.SignedManifest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

import static dev.updater.core.download.DownloaderTest.assertFails;
import static dev.updater.core.download.DownloaderTest.sleep;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(30)
class ManifestFetcherTest {
    private static final byte[] MANIFEST = "{\"version\":\"1.3.0\"}".getBytes(StandardCharsets.UTF_8);
    private static final byte[] SIGNATURE = "c2lnbmF0dXJl".getBytes(StandardCharsets.US_ASCII);
    private static final String DATE = "Sat, 07 Feb 2026 12:00:00 GMT";

    private final List<AutoCloseable> servers = new ArrayList<>();

    @AfterEach
    void closeServers() throws Exception {
        for (AutoCloseable server : servers) {
            server.close();
        }
    }

    @Test
    void fetch_returnsManifestSignatureAndEtag_thenNotModifiedForTheSameEtag() throws Exception {
        LoopbackHttpServer server = server()
                .file("/app/manifest.json", MANIFEST, "\"m1\"", DATE)
                .file("/app/manifest.json.sig", SIGNATURE, "\"s1\"", null);
        ManifestFetcher fetcher = fetcher();

        ManifestFetcher.Fetched first = assertInstanceOf(ManifestFetcher.Fetched.class,
                fetcher.fetch(server.uri("/app/manifest.json"), Validators.NONE));

        assertArrayEquals(MANIFEST, first.manifest());
        assertArrayEquals(SIGNATURE, first.signatureOrNull());
        assertEquals(new Validators("\"m1\"", DATE), first.validators());
        assertNull(server.seen().get(0).header("If-None-Match"));

        ManifestFetcher.Result second = fetcher.fetch(server.uri("/app/manifest.json"), first.validators());

        assertEquals(new ManifestFetcher.NotModified(), second);
        assertEquals("\"m1\"", server.seen().get(2).header("If-None-Match"));
        assertEquals(3, server.seen().size(), "no signature fetched for an unchanged manifest");
    }

    @Test
    void fetch_withOnlyLastModified_sendsIfModifiedSinceAndGetsNotModified() throws Exception {
        LoopbackHttpServer server = server()
                .file("/manifest.json", MANIFEST, null, DATE)
                .file("/manifest.json.sig", SIGNATURE, null, null);
        ManifestFetcher fetcher = fetcher();

        ManifestFetcher.Fetched first = (ManifestFetcher.Fetched) fetcher.fetch(server.uri("/manifest.json"), Validators.NONE);
        assertEquals(new Validators(null, DATE), first.validators());

        ManifestFetcher.Result second = fetcher.fetch(server.uri("/manifest.json"), first.validators());

        assertInstanceOf(ManifestFetcher.NotModified.class, second);
        assertEquals(DATE, server.seen().get(2).header("If-Modified-Since"));
        assertNull(server.seen().get(2).header("If-None-Match"));
    }

    @Test
    void fetch_changedManifest_isFetchedAgainWithNewValidators() throws Exception {
        LoopbackHttpServer server = server()
                .file("/manifest.json", MANIFEST, "\"m2\"", null)
                .file("/manifest.json.sig", SIGNATURE, null, null);

        ManifestFetcher.Result result = fetcher().fetch(server.uri("/manifest.json"), new Validators("\"m1\"", null));

        assertEquals(new Validators("\"m2\"", null), assertInstanceOf(ManifestFetcher.Fetched.class, result).validators());
    }

    @Test
    void fetch_withoutSignatureFile_returnsNullSignature() throws Exception {
        LoopbackHttpServer server = server().file("/manifest.json", MANIFEST, "\"m1\"", null).status("/manifest.json.sig", 404);

        ManifestFetcher.Fetched fetched = (ManifestFetcher.Fetched) fetcher().fetch(server.uri("/manifest.json"), Validators.NONE);

        assertArrayEquals(MANIFEST, fetched.manifest());
        assertNull(fetched.signatureOrNull());
    }

    @Test
    void fetch_signatureServerError_failsWithHttpStatus() throws Exception {
        LoopbackHttpServer server = server().file("/manifest.json", MANIFEST, "\"m1\"", null).status("/manifest.json.sig", 503);

        UpdaterException e = assertFails(ErrorCode.HTTP_STATUS, () -> fetcher().fetch(server.uri("/manifest.json"), Validators.NONE));

        assertEquals("The server answered HTTP 503 for the manifest signature " + server.uri("/manifest.json.sig")
                + "; the server failed; it is retried at the next check.", e.getMessage());
    }

    @Test
    void fetch_signatureLargerThan4KiB_failsAsMalformedSignature() throws Exception {
        LoopbackHttpServer server = server().file("/manifest.json", MANIFEST, null, null)
                .file("/manifest.json.sig", new byte[4097], null, null);

        UpdaterException e = assertFails(ErrorCode.SIGNATURE_MALFORMED, () -> fetcher().fetch(server.uri("/manifest.json"), Validators.NONE));

        assertTrue(e.getMessage().contains("over the limit of 4,096 bytes"), e.getMessage());
    }

    @Test
    void fetch_signedManifest_isOneGetCarryingManifestAndSignature_thenOneNotModified() throws Exception {
        byte[] signature = (Base64.getEncoder().encodeToString(new byte[64]) + "\n").getBytes(StandardCharsets.US_ASCII);
        LoopbackHttpServer server = server()
                .file("/app/manifest.signed", SignedManifest.write(MANIFEST, signature), "\"m1\"", DATE);
        ManifestFetcher fetcher = fetcher();

        ManifestFetcher.Fetched first = assertInstanceOf(ManifestFetcher.Fetched.class,
                fetcher.fetch(server.uri("/app/manifest.signed"), Validators.NONE));

        assertArrayEquals(MANIFEST, first.manifest());
        assertArrayEquals(signature, first.signatureOrNull());
        assertEquals(new Validators("\"m1\"", DATE), first.validators());
        assertEquals(1, server.seen().size(), "no second GET for a signature");

        assertEquals(new ManifestFetcher.NotModified(), fetcher.fetch(server.uri("/app/manifest.signed"), first.validators()));
        assertEquals(2, server.seen().size());
        assertEquals("\"m1\"", server.seen().get(1).header("If-None-Match"));
    }

    @Test
    void fetch_signedManifestNotFound_saysToResignTheChannelOrUseManifestJson() throws Exception {
        LoopbackHttpServer server = server().status("/stable/manifest.signed", 404);

        UpdaterException e = assertFails(ErrorCode.HTTP_STATUS,
                () -> fetcher().fetch(server.uri("/stable/manifest.signed"), Validators.NONE));

        assertEquals("The server answered HTTP 404 for the manifest " + server.uri("/stable/manifest.signed") + "; a channel"
                + " published before manifest.signed existed has only manifest.json and its .sig: re-sign it with"
                + " 'updater-sidecar publish --resign' (which writes manifest.signed beside them), or set manifest= to its"
                + " manifest.json.", e.getMessage());
        assertEquals(1, server.seen().size());
    }

    @Test
    void fetchIfPublished_aManifestTheServerDoesNotHave_isNull_afterOneRequest() throws Exception {
        LoopbackHttpServer server = server().status("/stable/manifest.signed", 404).status("/stable/manifest.json", 404);

        assertNull(fetcher().fetchIfPublished(server.uri("/stable/manifest.signed")));
        assertNull(fetcher().fetchIfPublished(server.uri("/stable/manifest.json")));

        assertEquals(List.of("/stable/manifest.signed", "/stable/manifest.json"),
                server.seen().stream().map(LoopbackHttpServer.Seen::path).toList(), "no .sig asked for a missing manifest");
    }

    @Test
    void fetchIfPublished_keepsTheAgentsLimitsAndErrors() throws Exception {
        byte[] signature = (Base64.getEncoder().encodeToString(new byte[64]) + "\n").getBytes(StandardCharsets.US_ASCII);
        LoopbackHttpServer server = server()
                .file("/a/manifest.signed", SignedManifest.write(MANIFEST, signature), "\"m1\"", null)
                .file("/b/manifest.signed", new byte[ManifestFetcher.MAX_SIGNED_MANIFEST_BYTES + 1], null, null)
                .status("/c/manifest.signed", 500);

        ManifestFetcher.Fetched fetched = fetcher().fetchIfPublished(server.uri("/a/manifest.signed"));
        assertArrayEquals(MANIFEST, fetched.manifest());
        assertArrayEquals(signature, fetched.signatureOrNull());
        assertFails(ErrorCode.MANIFEST_TOO_LARGE, () -> fetcher().fetchIfPublished(server.uri("/b/manifest.signed")));
        assertFails(ErrorCode.HTTP_STATUS, () -> fetcher().fetchIfPublished(server.uri("/c/manifest.signed")));
    }

    @Test
    void fetch_signedManifestInAnotherFormat_failsAsMalformed_withoutFetchingMore() throws Exception {
        LoopbackHttpServer server = server().file("/manifest.signed", MANIFEST, "\"m1\"", null);

        UpdaterException e = assertFails(ErrorCode.MANIFEST_MALFORMED,
                () -> fetcher().fetch(server.uri("/manifest.signed"), Validators.NONE));

        assertTrue(e.getMessage().startsWith("The signed manifest " + server.uri("/manifest.signed")
                + " does not start with the line \"updater-signed-manifest 1\""), e.getMessage());
        assertEquals(1, server.seen().size());
    }

    @Test
    void fetch_signedManifestLargerThanTheLimits_failsAsTooLarge() throws Exception {
        byte[] huge = new byte[ManifestFetcher.MAX_SIGNED_MANIFEST_BYTES + 1];
        LoopbackHttpServer server = server().file("/manifest.signed", huge, null, null);

        assertFails(ErrorCode.MANIFEST_TOO_LARGE, () -> fetcher().fetch(server.uri("/manifest.signed"), Validators.NONE));
    }

    @Test
    void fetch_missingManifest_failsWithHttpStatusAndFetchesNoSignature() throws Exception {
        LoopbackHttpServer server = server().status("/manifest.json", 404);

        UpdaterException e = assertFails(ErrorCode.HTTP_STATUS, () -> fetcher().fetch(server.uri("/manifest.json"), Validators.NONE));

        assertEquals("The server answered HTTP 404 for the manifest " + server.uri("/manifest.json")
                + "; check the URL and that the release was published completely.", e.getMessage());
        assertEquals(1, server.seen().size());
    }

    @Test
    void fetch_notModifiedThoughNothingWasAsked_failsWithHttpStatus() throws Exception {
        LoopbackHttpServer server = server().status("/manifest.json", 304);

        assertFails(ErrorCode.HTTP_STATUS, () -> fetcher().fetch(server.uri("/manifest.json"), Validators.NONE));
    }

    @Test
    void fetch_manifestDeclaredLargerThan1MiB_isRefusedBeforeReadingTheBody() throws Exception {
        RawSocketServer server = raw((request, out, socket) -> {
            RawSocketServer.head(out, 200, "Content-Length", "1048577");
            RawSocketServer.waitForClientToHangUp(socket); // no body ever comes: refusing must not wait for it
        });
        URI uri = server.uri("/manifest.json");

        UpdaterException e = assertFails(ErrorCode.MANIFEST_TOO_LARGE, () -> fetcher().fetch(uri, Validators.NONE));

        assertEquals("The manifest at " + uri + " is 1,048,577 bytes (Content-Length), over the limit of 1,048,576 bytes;"
                + " check that the URL points to a manifest.", e.getMessage());
    }

    @Test
    void fetch_chunkedManifestLargerThan1MiB_isRefusedWhenTheLimitIsCrossed() throws Exception {
        LoopbackHttpServer server = server().handle("/manifest.json", exchange -> {
            exchange.sendResponseHeaders(200, 0); // chunked: no Content-Length
            try (OutputStream out = exchange.getResponseBody()) {
                byte[] piece = new byte[64 * 1024];
                for (int i = 0; i < 1000; i++) {
                    out.write(piece); // far more than 1 MiB, until the client hangs up
                }
            }
        });
        URI uri = server.uri("/manifest.json");

        UpdaterException e = assertFails(ErrorCode.MANIFEST_TOO_LARGE, () -> fetcher().fetch(uri, Validators.NONE));

        assertEquals("The manifest at " + uri + " is larger than the limit of 1,048,576 bytes; reading stopped there,"
                + " check that the URL points to a manifest.", e.getMessage());
    }

    @Test
    void fetch_chunkedManifestOfExactly1MiB_isAccepted() throws Exception {
        byte[] big = DownloaderTest.randomBytes(ManifestFetcher.MAX_MANIFEST_BYTES, 5);
        LoopbackHttpServer server = server().handle("/manifest.json", exchange -> {
            exchange.sendResponseHeaders(200, 0);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(big);
            }
        }).status("/manifest.json.sig", 404);

        ManifestFetcher.Fetched fetched = (ManifestFetcher.Fetched) fetcher().fetch(server.uri("/manifest.json"), Validators.NONE);

        assertArrayEquals(big, fetched.manifest());
    }

    @Test
    void fetch_emptyManifest_isReturnedAsEmpty() throws Exception {
        LoopbackHttpServer server = server().file("/manifest.json", new byte[0], null, null).status("/manifest.json.sig", 404);

        ManifestFetcher.Fetched fetched = (ManifestFetcher.Fetched) fetcher().fetch(server.uri("/manifest.json"), Validators.NONE);

        assertEquals(0, fetched.manifest().length);
    }

    @Test
    void fetch_redirectedManifest_isFollowedAndSignatureIsTakenBesideTheConfiguredUrl() throws Exception {
        LoopbackHttpServer server = server()
                .redirect("/latest/manifest.json", 302, "/releases/7/manifest.json")
                .file("/releases/7/manifest.json", MANIFEST, null, null)
                .file("/latest/manifest.json.sig", SIGNATURE, null, null);

        ManifestFetcher.Fetched fetched = (ManifestFetcher.Fetched) fetcher().fetch(server.uri("/latest/manifest.json"), Validators.NONE);

        assertArrayEquals(MANIFEST, fetched.manifest());
        assertArrayEquals(SIGNATURE, fetched.signatureOrNull());
    }

    @Test
    void fetch_plainHttpToRemoteHost_isRefused() {
        assertFails(ErrorCode.HTTP_INSECURE, () -> fetcher().fetch(URI.create("http://releases.invalid/manifest.json"), Validators.NONE));
    }

    @Test
    void fetch_silentServer_failsStalled() throws Exception {
        RawSocketServer server = raw((request, out, socket) -> RawSocketServer.waitForClientToHangUp(socket));
        ManifestFetcher fetcher = new ManifestFetcher(DownloadOptions.defaults().withStallTimeout(Duration.ofSeconds(1)));

        UpdaterException e = assertFails(ErrorCode.DOWNLOAD_STALLED, () -> fetcher.fetch(server.uri("/manifest.json"), Validators.NONE));

        assertEquals("Fetching the manifest " + server.uri("/manifest.json") + " stalled: nothing arrived for 1 s;"
                + " check the network or the server, it is tried again at the next check.", e.getMessage());
    }

    @Test
    void fetch_dripFeedingServer_failsAtTheDeadline() throws Exception {
        RawSocketServer server = raw((request, out, socket) -> {
            RawSocketServer.head(out, 200, "Content-Length", String.valueOf(MANIFEST.length));
            for (byte b : MANIFEST) {
                out.write(b);
                out.flush();
                sleep(100);
            }
        });
        ManifestFetcher fetcher = new ManifestFetcher(DownloadOptions.defaults(), Duration.ofSeconds(1));

        UpdaterException e = assertFails(ErrorCode.DOWNLOAD_TOO_SLOW, () -> fetcher.fetch(server.uri("/manifest.json"), Validators.NONE));

        assertTrue(e.getMessage().contains("took longer than its deadline of 1 s"), e.getMessage());
    }

    @Test
    void signatureUri_appendsSigToTheFileNameAndKeepsTheQuery() {
        assertEquals(URI.create("https://r.example.com/app/manifest.json.sig"),
                ManifestFetcher.signatureUri(URI.create("https://r.example.com/app/manifest.json")));
        assertEquals(URI.create("https://r.example.com:8443/a%20b/manifest.json.sig?channel=beta&x=%2F"),
                ManifestFetcher.signatureUri(URI.create("https://r.example.com:8443/a%20b/manifest.json?channel=beta&x=%2F#frag")));
    }

    @Test
    void fetch_unchangedPoll_isOneConditionalGet_ofAFewHundredBytes_withOnlyTheETag() throws Exception {
        // DESIGN §11: a fleet polls every 15 minutes; each unchanged poll is one small request answered 304.
        RawSocketServer server = raw((request, out, socket) ->
                RawSocketServer.head(out, 304, "ETag", "\"6762a9d0-1f4\"", "Connection", "close"));
        String path = "/releases/app/stable/manifest.json";

        ManifestFetcher.Result result = fetcher().fetch(server.uri(path), new Validators("\"6762a9d0-1f4\"", "Wed, 18 Dec 2024 10:24:16 GMT"));

        assertInstanceOf(ManifestFetcher.NotModified.class, result);
        assertEquals(1, server.requests().size(), "no signature fetched for an unchanged manifest");
        RawSocketServer.Request poll = server.requests().get(0);
        java.util.Set<String> names = new java.util.TreeSet<>(poll.headers().keySet());
        // JDK 17's client adds "Content-Length: 0" to every GET (a restricted header: it cannot be removed); later JDKs do not.
        if (names.remove("content-length")) {
            assertEquals("0", poll.header("Content-Length"));
        }
        assertEquals(java.util.Set.of("host", "user-agent", "if-none-match"), names,
                "If-Modified-Since is redundant beside If-None-Match (RFC 9110 §13.1.3)");
        assertEquals("updater", poll.header("User-Agent"));
        assertTrue(poll.bytes() <= 150, "the request head is " + poll.bytes() + " bytes");
    }

    @Test
    void fetch_pushbackWithRetryAfter_reportsTheWaitAsked() throws Exception {
        LoopbackHttpServer server = server().status("/manifest.json", 429, "Retry-After", "120");

        UpdaterException e = assertFails(ErrorCode.HTTP_STATUS, () -> fetcher().fetch(server.uri("/manifest.json"), Validators.NONE));

        ServerPushback pushback = assertInstanceOf(ServerPushback.class, e);
        assertEquals(java.util.Optional.of(java.time.Duration.ofSeconds(120)), pushback.retryAfter());
        assertEquals(429, pushback.status());
        assertEquals("The server answered HTTP 429 for the manifest " + server.uri("/manifest.json") + " and asked to retry after"
                + " 2 min (Retry-After: 120); the agent waits that long, within its maximum; the server is shedding load;"
                + " it is retried after a back-off.", e.getMessage());
    }

    @Test
    void fetch_pushbackWithADate_countsFromTheServersOwnClock() throws Exception {
        // The server's clock says 10:00 and asks for 10:05; the local clock (2026 or whatever) does not matter.
        RawSocketServer server = raw((request, out, socket) -> RawSocketServer.head(out, 503, "Date", "Mon, 30 Nov 2026 10:00:00 GMT",
                "Retry-After", "Mon, 30 Nov 2026 10:05:00 GMT", "Content-Length", "0", "Connection", "close"));

        ServerPushback pushback = assertInstanceOf(ServerPushback.class,
                assertFails(ErrorCode.HTTP_STATUS, () -> fetcher().fetch(server.uri("/manifest.json"), Validators.NONE)));

        assertEquals(java.util.Optional.of(java.time.Duration.ofMinutes(5)), pushback.retryAfter());
    }

    @Test
    void fetch_pushbackWithGarbageRetryAfter_saysItIsIgnored() throws Exception {
        LoopbackHttpServer server = server().status("/manifest.json", 503, "Retry-After", "-30");

        ServerPushback pushback = assertInstanceOf(ServerPushback.class,
                assertFails(ErrorCode.HTTP_STATUS, () -> fetcher().fetch(server.uri("/manifest.json"), Validators.NONE)));

        assertEquals(java.util.Optional.empty(), pushback.retryAfter());
        assertEquals("The server answered HTTP 503 for the manifest " + server.uri("/manifest.json") + " with an unusable"
                + " Retry-After \"-30\", which is ignored; the server failed; it is retried at the next check.", pushback.getMessage());
    }

    private static ManifestFetcher fetcher() {
        return new ManifestFetcher(DownloadOptions.defaults().withStallTimeout(Duration.ofSeconds(5)));
    }

    private LoopbackHttpServer server() throws IOException {
        LoopbackHttpServer server = new LoopbackHttpServer();
        servers.add(server);
        return server;
    }

    private RawSocketServer raw(RawSocketServer.Script... scripts) throws IOException {
        RawSocketServer server = new RawSocketServer(scripts);
        servers.add(server);
        return server;
    }
}
