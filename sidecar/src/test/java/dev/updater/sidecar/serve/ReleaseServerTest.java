package dev.updater.sidecar.serve;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.updater.core.ErrorCode;
import dev.updater.core.UpdaterException;
import dev.updater.core.testing.ChildProcess;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class ReleaseServerTest {
    private static final String NO_LINKS = "symbolic links cannot be made here (Windows without the privilege)";
    private static final Instant MODIFIED = Instant.parse("2026-02-07T12:00:00Z");

    @TempDir
    Path temp;

    private Path releases;
    private Path secretFile;
    private String secret;
    private byte[] artifact;
    private final ConcurrentLinkedQueue<String> log = new ConcurrentLinkedQueue<>();
    private ReleaseServer server;
    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @BeforeEach
    void startServer() throws Exception {
        releases = Files.createDirectory(temp.resolve("releases"));
        Path outside = Files.createDirectory(temp.resolve("outside"));
        secret = "TOP-SECRET-" + UUID.randomUUID();
        secretFile = Files.writeString(outside.resolve("secret.txt"), secret);

        artifact = randomBytes(100_000, 1);
        write("app-1.3.0.jar", artifact);
        write("manifest.json", "{\"version\":\"1.3.0\"}".getBytes(UTF_8));
        write("manifest.json.sig", "c2lnbmF0dXJl\n".getBytes(UTF_8));
        write("notes.bin", new byte[] {1, 2, 3});
        write("app.jar", new byte[] {4, 5});
        write("empty-1.0.0.bin", new byte[0]);
        Files.createDirectories(releases.resolve("sub"));
        write("sub/inner-1.0.0.txt", "inner".getBytes(UTF_8));

        server = ReleaseServer.start(releases, new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), log::add);
    }

    @AfterEach
    void stopServer() {
        server.close();
    }

    @Test
    void start_onPortZero_reportsTheChosenPortInItsUri() {
        assertTrue(server.port() > 0);
        assertEquals(URI.create("http://127.0.0.1:" + server.port() + "/"), server.uri());
        assertEquals(releases, server.directory());
    }

    @Test
    void get_wholeFile_returnsItsBytesWithLengthTypeAndValidators() throws Exception {
        HttpResponse<byte[]> response = get("/app-1.3.0.jar");

        assertEquals(200, response.statusCode());
        assertArrayEquals(artifact, response.body());
        assertAll(
                () -> assertEquals("100000", header(response, "Content-Length")),
                () -> assertEquals("application/java-archive", header(response, "Content-Type")),
                () -> assertEquals("Sat, 07 Feb 2026 12:00:00 GMT", header(response, "Last-Modified")),
                () -> assertTrue(header(response, "ETag").matches("\"186a0-[0-9a-f]+\\.[0-9a-f]+\""),
                        header(response, "ETag")),
                () -> assertEquals("bytes", header(response, "Accept-Ranges")),
                () -> assertEquals("nosniff", header(response, "X-Content-Type-Options")));
    }

    @Test
    void get_emptyFile_returnsZeroLengthBody() throws Exception {
        HttpResponse<byte[]> response = get("/empty-1.0.0.bin");

        assertEquals(200, response.statusCode());
        assertEquals(0, response.body().length);
        assertEquals("0", header(response, "Content-Length"));
    }

    @Test
    void get_withQueryString_ignoresTheQuery() throws Exception {
        HttpResponse<byte[]> response = get("/manifest.json?nocache=123");

        assertEquals(200, response.statusCode());
        assertEquals("{\"version\":\"1.3.0\"}", new String(response.body(), UTF_8));
    }

    @Test
    void head_returnsTheHeadersOfGetAndNoBody() throws Exception {
        HttpResponse<byte[]> get = get("/app-1.3.0.jar");
        HttpResponse<byte[]> head = send(request("/app-1.3.0.jar").method("HEAD", HttpRequest.BodyPublishers.noBody()));

        assertEquals(200, head.statusCode());
        assertEquals(0, head.body().length);
        for (String name : List.of("Content-Length", "Content-Type", "ETag", "Last-Modified", "Cache-Control")) {
            assertEquals(header(get, name), header(head, name), name);
        }
    }

    @Test
    void head_overARawConnection_sendsNoBodyBytes() throws Exception {
        String response = rawRequest("HEAD /app-1.3.0.jar HTTP/1.1");

        assertTrue(response.startsWith("HTTP/1.1 200"), response);
        assertTrue(response.toLowerCase().contains("content-length: 100000\r\n"), response);
        assertTrue(response.endsWith("\r\n\r\n"), "no byte after the headers: " + response);
    }

    @Test
    void ifNoneMatch_withTheCurrentTag_returns304WithValidatorsAndNoBody() throws Exception {
        String tag = header(get("/manifest.json"), "ETag");

        HttpResponse<byte[]> response = send(request("/manifest.json").header("If-None-Match", tag));

        assertEquals(304, response.statusCode());
        assertEquals(0, response.body().length);
        assertEquals(tag, header(response, "ETag"));
        assertEquals("no-cache", header(response, "Cache-Control"));
    }

    @Test
    void ifNoneMatch_withAWeakFormOfTheTagAmongOthers_returns304() throws Exception {
        String tag = header(get("/manifest.json"), "ETag");

        HttpResponse<byte[]> response = send(request("/manifest.json").header("If-None-Match", "\"old\", W/" + tag));

        assertEquals(304, response.statusCode());
    }

    @Test
    void ifNoneMatch_withAnOldTag_returns200EvenIfTheDateWouldMatch() throws Exception {
        HttpResponse<byte[]> response = send(request("/manifest.json")
                .header("If-None-Match", "\"0-0.0\"")
                .header("If-Modified-Since", "Sat, 07 Feb 2026 12:00:00 GMT"));

        assertEquals(200, response.statusCode());
    }

    @Test
    void ifModifiedSince_atLastModified_returns304() throws Exception {
        HttpResponse<byte[]> response =
                send(request("/manifest.json").header("If-Modified-Since", "Sat, 07 Feb 2026 12:00:00 GMT"));

        assertEquals(304, response.statusCode());
        assertEquals(0, response.body().length);
    }

    @Test
    void ifModifiedSince_beforeLastModified_returns200() throws Exception {
        HttpResponse<byte[]> response =
                send(request("/manifest.json").header("If-Modified-Since", "Sat, 07 Feb 2026 11:59:59 GMT"));

        assertEquals(200, response.statusCode());
    }

    @Test
    void conditionalGet_afterThePublisherReplacesTheManifest_returnsTheNewOne() throws Exception {
        HttpResponse<byte[]> first = get("/manifest.json");
        Path next = Files.writeString(temp.resolve("next.json"), "{\"version\":\"1.4.0\"}");
        Files.setLastModifiedTime(next, FileTime.from(MODIFIED.plusSeconds(60)));
        Files.move(next, releases.resolve("manifest.json"), StandardCopyOption.REPLACE_EXISTING,
                StandardCopyOption.ATOMIC_MOVE);

        HttpResponse<byte[]> second = send(request("/manifest.json").header("If-None-Match", header(first, "ETag")));

        assertEquals(200, second.statusCode());
        assertEquals("{\"version\":\"1.4.0\"}", new String(second.body(), UTF_8));
        assertFalse(header(first, "ETag").equals(header(second, "ETag")));
    }

    @ParameterizedTest
    @CsvSource({
            "bytes=10-19, 10, 19",
            "bytes=99990-, 99990, 99999",
            "bytes=-25, 99975, 99999",
            "bytes=99990-200000, 99990, 99999",
            "bytes=0-0, 0, 0"
    })
    void range_returns206WithExactlyThoseBytes(String range, int first, int last) throws Exception {
        HttpResponse<byte[]> response = send(request("/app-1.3.0.jar").header("Range", range));

        assertEquals(206, response.statusCode());
        assertArrayEquals(Arrays.copyOfRange(artifact, first, last + 1), response.body());
        assertEquals("bytes " + first + "-" + last + "/100000", header(response, "Content-Range"));
        assertEquals(Integer.toString(last - first + 1), header(response, "Content-Length"));
    }

    @Test
    void range_withCurl_resumesAPartialDownloadToTheExactFile() throws Exception {
        assumeTrue(curlAvailable(), "curl is not installed");
        Path partial = temp.resolve("partial.jar");
        Files.write(partial, Arrays.copyOf(artifact, 40_000));

        ChildProcess.Finished curl = curl("-s", "-C", "-", "-o", partial.toString(), url("/app-1.3.0.jar"));

        assertEquals(0, curl.exitCode(), curl.toString());
        assertArrayEquals(artifact, Files.readAllBytes(partial));
        await().until(() -> log.stream().anyMatch(line -> line.startsWith("GET /app-1.3.0.jar 206 60000 bytes")));
    }

    @ParameterizedTest
    @ValueSource(strings = {"bytes=100000-", "bytes=200000-300000", "bytes=-0"})
    void range_outsideTheFile_returns416WithTheSize(String range) throws Exception {
        HttpResponse<byte[]> response = send(request("/app-1.3.0.jar").header("Range", range));

        assertEquals(416, response.statusCode());
        assertEquals("bytes */100000", header(response, "Content-Range"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"bytes=0-1,5-6", "bytes=9-5", "items=0-5", "bytes=abc"})
    void range_thatMayBeIgnored_returnsTheWholeFile(String range) throws Exception {
        HttpResponse<byte[]> response = send(request("/app-1.3.0.jar").header("Range", range));

        assertEquals(200, response.statusCode());
        assertArrayEquals(artifact, response.body());
    }

    @Test
    void ifRange_withTheCurrentTag_honoursTheRange() throws Exception {
        String tag = header(get("/app-1.3.0.jar"), "ETag");

        HttpResponse<byte[]> response =
                send(request("/app-1.3.0.jar").header("Range", "bytes=0-9").header("If-Range", tag));

        assertEquals(206, response.statusCode());
        assertArrayEquals(Arrays.copyOf(artifact, 10), response.body());
    }

    @Test
    void ifRange_withTheLastModifiedDate_honoursTheRange() throws Exception {
        HttpResponse<byte[]> response = send(request("/app-1.3.0.jar")
                .header("Range", "bytes=0-9").header("If-Range", "Sat, 07 Feb 2026 12:00:00 GMT"));

        assertEquals(206, response.statusCode());
    }

    @ParameterizedTest
    @ValueSource(strings = {"\"186a0-0.0\"", "Sat, 07 Feb 2026 11:00:00 GMT"})
    void ifRange_thatNamesAnotherVersion_returnsTheWholeFile(String ifRange) throws Exception {
        HttpResponse<byte[]> response =
                send(request("/app-1.3.0.jar").header("Range", "bytes=0-9").header("If-Range", ifRange));

        assertEquals(200, response.statusCode());
        assertArrayEquals(artifact, response.body());
    }

    @Test
    void ifRange_withAWeakTag_returnsTheWholeFile() throws Exception {
        String tag = header(get("/app-1.3.0.jar"), "ETag");

        HttpResponse<byte[]> response =
                send(request("/app-1.3.0.jar").header("Range", "bytes=0-9").header("If-Range", "W/" + tag));

        assertEquals(200, response.statusCode());
    }

    @ParameterizedTest
    @CsvSource({
            "/manifest.json, application/json",
            "/manifest.json.sig, text/plain; charset=utf-8",
            "/app-1.3.0.jar, application/java-archive",
            "/notes.bin, application/octet-stream"
    })
    void contentType_followsTheExtension(String path, String type) throws Exception {
        assertEquals(type, header(get(path), "Content-Type"));
    }

    @ParameterizedTest
    @CsvSource({
            "/manifest.json, no-cache",
            "/manifest.json.sig, no-cache",
            "/app-1.3.0.jar, 'public, max-age=31536000, immutable'",
            "/sub/inner-1.0.0.txt, 'public, max-age=31536000, immutable'",
            "/app.jar, 'public, max-age=60'"
    })
    void cacheControl_revalidatesTheManifestAndKeepsVersionedArtifacts(String path, String cacheControl)
            throws Exception {
        assertEquals(cacheControl, header(get(path), "Cache-Control"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"/", "/sub", "/sub/", "/missing.jar", "/.hidden", "/sub//inner-1.0.0.txt"})
    void get_ofADirectoryOrMissingFile_returns404(String path) throws Exception {
        Files.writeString(releases.resolve(".hidden"), "dot file");

        HttpResponse<byte[]> response = get(path);

        assertEquals(404, response.statusCode());
        assertEquals("no-store", header(response, "Cache-Control"));
    }

    @Test
    void get_throughASymlinkThatStaysInside_servesTheTarget() throws Exception {
        assumeTrue(createSymlink(releases.resolve("latest.jar"), Path.of("app-1.3.0.jar")), NO_LINKS);

        HttpResponse<byte[]> response = get("/latest.jar");

        assertEquals(200, response.statusCode());
        assertArrayEquals(artifact, response.body());
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "/../outside/secret.txt",
            "/sub/../../outside/secret.txt",
            "/%2e%2e/outside/secret.txt",
            "/%2E%2E%2Foutside%2Fsecret.txt",
            "/%2e%2e%2f%2e%2e%2foutside%2fsecret.txt",
            "/..%5Coutside%5Csecret.txt",
            "/%2e%2e%5coutside%5csecret.txt",
            "/..\\outside\\secret.txt",
            "/%252e%252e/outside/secret.txt",
            "/manifest.json%00/../../outside/secret.txt",
            "/%c0%ae%c0%ae/outside/secret.txt",
            "/./../outside/secret.txt",
            "ABSOLUTE",
            "ABSOLUTE_ENCODED",
            "/escape.txt",
            "/escape-dir/secret.txt"
    })
    void traversalAttempt_neverReturnsAByteOfTheOutsideFile(String target) throws Exception {
        createSymlink(releases.resolve("escape.txt"), secretFile);
        createSymlink(releases.resolve("escape-dir"), secretFile.getParent());
        String absolute = secretFile.toAbsolutePath().toString().replace('\\', '/');
        String requestTarget = switch (target) {
            case "ABSOLUTE" -> "/" + absolute; // "//tmp/…/secret.txt"
            case "ABSOLUTE_ENCODED" -> "/" + absolute.replace("/", "%2F");
            default -> target;
        };

        String response = rawRequest("GET " + requestTarget + " HTTP/1.1");

        assertFalse(response.contains(secret), response);
        assertTrue(response.startsWith("HTTP/1.1 404") || response.startsWith("HTTP/1.1 400"), response);
    }

    @ParameterizedTest
    @ValueSource(strings = {"/../outside/secret.txt", "/%2e%2e/outside/secret.txt", "/escape.txt"})
    void traversalAttempt_withCurl_getsNotFound(String target) throws Exception {
        assumeTrue(curlAvailable(), "curl is not installed");
        createSymlink(releases.resolve("escape.txt"), secretFile);
        Path body = temp.resolve("body");

        ChildProcess.Finished curl = curl("-s", "--path-as-is", "-o", body.toString(), "-w", "%{http_code}", url(target));

        assertEquals("404", curl.out(), curl.toString());
        assertFalse(Files.readString(body).contains(secret));
    }

    @ParameterizedTest
    @ValueSource(strings = {"POST", "PUT", "DELETE", "PATCH", "OPTIONS"})
    void otherMethods_get405WithAllow(String method) throws Exception {
        HttpResponse<byte[]> response =
                send(request("/manifest.json").method(method, HttpRequest.BodyPublishers.ofString("x")));

        assertEquals(405, response.statusCode());
        assertEquals("GET, HEAD", header(response, "Allow"));
        assertEquals("{\"version\":\"1.3.0\"}", Files.readString(releases.resolve("manifest.json")));
    }

    @Test
    void twentyConcurrentDownloads_allReceiveTheExactFile() throws Exception {
        assumeTrue(curlAvailable(), "curl is not installed");
        byte[] big = randomBytes(6 * 1024 * 1024, 2);
        write("big-2.0.0.bin", big);
        List<ChildProcess> downloads = new ArrayList<>();
        try {
            for (int i = 0; i < 20; i++) {
                downloads.add(ChildProcess.start(List.of("curl", "-s", "-f", "-o", temp.resolve("download-" + i).toString(),
                        url("/big-2.0.0.bin"))));
            }

            String expected = sha256(big);
            for (int i = 0; i < downloads.size(); i++) {
                assertEquals(0, downloads.get(i).awaitExit(Duration.ofSeconds(60)), "curl exit code of download " + i);
                assertEquals(expected, sha256(Files.readAllBytes(temp.resolve("download-" + i))), "download " + i);
            }
        } finally {
            downloads.forEach(ChildProcess::close);
        }
    }

    @Test
    void everyRequest_logsOneLineWithMethodTargetStatusBytesAndTime() throws Exception {
        get("/manifest.json");
        get("/missing.jar");

        await().until(() -> log.size() == 2);
        List<String> lines = new ArrayList<>(log);
        assertTrue(lines.get(0).matches("GET /manifest\\.json 200 19 bytes \\d+ ms \\(127\\.0\\.0\\.1\\)"), lines.get(0));
        assertTrue(lines.get(1).matches("GET /missing\\.jar 404 14 bytes \\d+ ms \\(127\\.0\\.0\\.1\\)"), lines.get(1));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "updater.key | anything at all | its name ends in .key",
            "TLS.KEY | anything at all | its name ends in .key",
            "signing.pem | -----BEGIN PRIVATE KEY-----\\nMC4CAQAwBQYDK2VwBCIEI\\n-----END PRIVATE KEY----- | it holds a PEM private"
                    + " key (-----BEGIN PRIVATE KEY-----)",
            "ci.pem | -----BEGIN ENCRYPTED PRIVATE KEY-----\\nMIGbMFcGCSqGSIb3\\n | it holds a PEM private key (-----BEGIN"
                    + " ENCRYPTED PRIVATE KEY-----)",
            "id_ed25519 | -----BEGIN OPENSSH PRIVATE KEY-----\\nb3BlbnNzaC1rZXktdjEA\\n | it holds a PEM private key"
                    + " (-----BEGIN OPENSSH PRIVATE KEY-----)",
            "bundle.pem | -----BEGIN CERTIFICATE-----\\nMIIB\\n-----END CERTIFICATE-----\\n-----BEGIN RSA PRIVATE"
                    + " KEY-----\\nMIIE\\n | it holds a PEM private key (-----BEGIN RSA PRIVATE KEY-----)",
            "release.asc | -----BEGIN PGP PRIVATE KEY BLOCK-----\\n\\nlFgE\\n | it holds a PEM private key (-----BEGIN PGP"
                    + " PRIVATE KEY BLOCK-----)",
            "server.ppk | PuTTY-User-Key-File-3: ssh-ed25519\\n | it holds a PuTTY private key"
    })
    void privateKeyFiles_areNeverServed_andEachRefusalIsLoggedWithItsReason(String name, String content, String why)
            throws Exception {
        write(name, content.replace("\\n", "\n").getBytes(UTF_8));

        HttpResponse<byte[]> got = get("/" + name);
        HttpResponse<byte[]> head = send(request("/" + name).method("HEAD", HttpRequest.BodyPublishers.noBody()));

        assertEquals(404, got.statusCode());
        assertEquals("404 Not Found\n", new String(got.body(), UTF_8), "not a byte of the key");
        assertEquals(404, head.statusCode());
        await().until(() -> log.size() == 2);
        for (String line : log) {
            assertTrue(line.matches("(GET|HEAD) /" + java.util.regex.Pattern.quote(name) + " 404 \\d+ bytes \\d+ ms"
                    + " \\(127\\.0\\.0\\.1, refused: " + java.util.regex.Pattern.quote(name + " is a private key file (" + why
                    + "); private keys are never served, move it out of the served directory") + "\\)"), line);
        }
        assertEquals(200, get("/manifest.json").statusCode(), "everything else is still served");
    }

    @Test
    void aSymlinkWithAnInnocentName_toAPrivateKey_isNotServed() throws Exception {
        write("updater.key", "-----BEGIN PRIVATE KEY-----\nMC4CAQAwBQYDK2VwBCIEI\n".getBytes(UTF_8));
        assumeTrue(createSymlink(releases.resolve("readme.txt"), Path.of("updater.key")), NO_LINKS);

        assertEquals(404, get("/readme.txt").statusCode());
    }

    @Test
    void aPublicKeyAndAFileThatOnlyMentionsPrivateKeys_areServed() throws Exception {
        write("updater.pub", "-----BEGIN PUBLIC KEY-----\nMCowBQYDK2VwAyEA\n-----END PUBLIC KEY-----\n".getBytes(UTF_8));
        write("notes.txt", "Never publish a PRIVATE KEY; keep BEGIN PRIVATE KEY files apart.\n".getBytes(UTF_8));

        assertEquals(200, get("/updater.pub").statusCode());
        assertEquals(200, get("/notes.txt").statusCode());
    }

    @Test
    void close_refusesFurtherConnections() throws Exception {
        int port = server.port();
        server.close();

        assertThrows(ConnectException.class,
                () -> new Socket(InetAddress.getLoopbackAddress(), port).close());
    }

    @Test
    void stop_withNothingInProgress_returnsWithoutWaitingOutTheGrace() {
        long started = System.nanoTime();

        server.stop(Duration.ofSeconds(10));

        assertTrue(System.nanoTime() - started < TimeUnit.SECONDS.toNanos(3));
    }

    @Test
    void stop_letsADownloadInProgressFinishAndAnswersNewRequestsWith503() throws Exception {
        int size = 32 * 1024 * 1024; // more than loopback socket buffers hold: the server is still writing
        write("big-2.0.0.bin", randomBytes(size, 3));
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), server.port())) {
            socket.getOutputStream().write(
                    "GET /big-2.0.0.bin HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".getBytes(ISO_8859_1));
            InputStream in = socket.getInputStream();
            byte[] head = in.readNBytes(1024); // the response has started
            Thread stopper = new Thread(() -> server.stop(Duration.ofSeconds(30)));
            stopper.start();

            await().until(() -> rawRequest("GET /manifest.json HTTP/1.1").startsWith("HTTP/1.1 503"));
            byte[] rest = in.readAllBytes();
            stopper.join(30_000);

            String headers = new String(head, ISO_8859_1);
            int bodyInHead = head.length - (headers.indexOf("\r\n\r\n") + 4);
            assertEquals(size, bodyInHead + rest.length, "body bytes received");
            assertFalse(stopper.isAlive());
        }
    }

    @Test
    void start_onAMissingDirectory_failsWithOneClearSentence() {
        Path missing = temp.resolve("nope");

        UpdaterException e = assertThrows(UpdaterException.class, () -> ReleaseServer.start(missing,
                new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), log::add));

        assertEquals(ErrorCode.IO, e.code());
        assertEquals("Cannot serve " + missing + ": no such directory; pass the directory that 'publish --out' wrote.",
                e.getMessage());
    }

    @Test
    void start_onAFile_failsWithOneClearSentence() {
        Path file = releases.resolve("manifest.json");

        UpdaterException e = assertThrows(UpdaterException.class, () -> ReleaseServer.start(file,
                new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), log::add));

        assertEquals("Cannot serve " + file
                + ": it is a file, not a directory; pass the directory that holds manifest.json.", e.getMessage());
    }

    @Test
    void start_onAPortInUse_failsNamingTheAddress() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            UpdaterException e = assertThrows(UpdaterException.class, () -> ReleaseServer.start(releases,
                    new InetSocketAddress(InetAddress.getLoopbackAddress(), taken.getLocalPort()), log::add));

            assertEquals(ErrorCode.IO, e.code());
            assertTrue(e.getMessage().startsWith("Cannot listen on 127.0.0.1:" + taken.getLocalPort() + " ("),
                    e.getMessage());
            assertTrue(e.getMessage().endsWith("; choose a free port (0 picks one) and an address of this machine."),
                    e.getMessage());
        }
    }

    // --- helpers ---

    private void write(String name, byte[] content) throws IOException {
        Path file = Files.write(releases.resolve(name), content);
        Files.setLastModifiedTime(file, FileTime.from(MODIFIED));
    }

    private String url(String path) {
        return "http://127.0.0.1:" + server.port() + path;
    }

    private HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(URI.create(url(path))).timeout(Duration.ofSeconds(30));
    }

    private HttpResponse<byte[]> get(String path) throws Exception {
        return send(request(path));
    }

    private HttpResponse<byte[]> send(HttpRequest.Builder request) throws Exception {
        return client.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    private static String header(HttpResponse<?> response, String name) {
        return response.headers().firstValue(name).orElse(null);
    }

    /** Sends one request line exactly as written, which no client library would. */
    private String rawRequest(String requestLine) throws IOException {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), server.port())) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(
                    (requestLine + "\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n").getBytes(UTF_8));
            return new String(socket.getInputStream().readAllBytes(), ISO_8859_1);
        }
    }

    private static ChildProcess.Finished curl(String... arguments) throws Exception {
        List<String> command = new ArrayList<>();
        command.add("curl");
        command.addAll(List.of(arguments));
        return ChildProcess.run(command, Duration.ofSeconds(30));
    }

    private static boolean curlAvailable() {
        return ChildProcess.available("curl", "--version");
    }

    private static boolean createSymlink(Path link, Path target) {
        try {
            Files.createSymbolicLink(link, target);
            return true;
        } catch (IOException | UnsupportedOperationException e) {
            return false; // Windows without the privilege: the other attempts still run
        }
    }

    private static byte[] randomBytes(int size, long seed) {
        byte[] bytes = new byte[size];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }

    private static String sha256(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }
}
