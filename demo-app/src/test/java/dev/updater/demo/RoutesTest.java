package dev.updater.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import dev.updater.demo.release.DarkThemeRelease;
import dev.updater.demo.release.FirstRelease;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link Routes} behind a real HttpServer on loopback. */
class RoutesTest {
    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final AtomicBoolean stopping = new AtomicBoolean();
    private final List<String> log = new CopyOnWriteArrayList<>();

    @TempDir
    Path temp;

    private HttpServer server;
    private DataFile data;

    @AfterEach
    void stopServer() {
        if (server != null) {
            server.stop(0);
        }
    }

    @Test
    void getRoot_countsAVisitAndShowsTheNewCount() throws Exception {
        URI base = serve(new FirstRelease(), temp.resolve("data.properties"));

        get(base);
        HttpResponse<String> second = get(base);

        assertEquals(200, second.statusCode());
        assertEquals(Optional.of("text/html; charset=utf-8"), second.headers().firstValue("Content-Type"));
        assertEquals(Optional.of("no-store"), second.headers().firstValue("Cache-Control"));
        assertTrue(second.body().contains("<dd id=\"visits\">2</dd>"), second.body());
        assertEquals(2, DataFile.open(temp.resolve("data.properties")).visits());
    }

    @Test
    void headRoot_answersWithoutCountingAVisit() throws Exception {
        URI base = serve(new FirstRelease(), temp.resolve("data.properties"));

        HttpResponse<String> head = client.send(
                HttpRequest.newBuilder(base).method("HEAD", HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.ofString());

        assertEquals(200, head.statusCode());
        assertEquals("", head.body());
        assertEquals(0, data.visits());
    }

    @Test
    void otherPaths_areNotFoundAndDoNotCount() throws Exception {
        URI base = serve(new FirstRelease(), temp.resolve("data.properties"));

        HttpResponse<String> favicon = get(base.resolve("/favicon.ico"));
        HttpResponse<String> stats = get(base.resolve("/api/stats"));

        assertEquals(404, favicon.statusCode());
        assertEquals("not found: /favicon.ico\n", favicon.body());
        assertEquals(404, stats.statusCode());
        assertEquals(0, data.visits());
    }

    @Test
    void otherMethods_areNotAllowed() throws Exception {
        URI base = serve(new FirstRelease(), temp.resolve("data.properties"));

        HttpResponse<String> post = client.send(
                HttpRequest.newBuilder(base).POST(HttpRequest.BodyPublishers.ofString("x")).build(),
                HttpResponse.BodyHandlers.ofString());

        assertEquals(405, post.statusCode());
        assertEquals(Optional.of("GET, HEAD"), post.headers().firstValue("Allow"));
        assertEquals("method not allowed: POST\n", post.body());
        assertEquals(0, data.visits());
    }

    @Test
    void health_isOkUntilStopping() throws Exception {
        URI base = serve(new FirstRelease(), temp.resolve("data.properties"));

        HttpResponse<String> ready = get(base.resolve("/health"));
        stopping.set(true);
        HttpResponse<String> leaving = get(base.resolve("/health"));

        assertEquals(200, ready.statusCode());
        assertEquals("ok\n", ready.body());
        assertEquals(503, leaving.statusCode());
        assertEquals("stopping\n", leaving.body());
    }

    @Test
    void version_isPlainText() throws Exception {
        URI base = serve(new FirstRelease(), temp.resolve("data.properties"));

        HttpResponse<String> version = get(base.resolve("/version"));

        assertEquals(200, version.statusCode());
        assertEquals(Optional.of("text/plain; charset=utf-8"), version.headers().firstValue("Content-Type"));
        assertEquals("9.9.9\n", version.body());
    }

    @Test
    void pathsTheReleaseAdds_areAnswered() throws Exception {
        URI base = serve(new DarkThemeRelease(), temp.resolve("data.properties"));
        get(base);

        HttpResponse<String> stats = get(base.resolve("/api/stats"));

        assertEquals(200, stats.statusCode());
        assertEquals(Optional.of("application/json; charset=utf-8"), stats.headers().firstValue("Content-Type"));
        assertTrue(stats.body().startsWith("{\"version\":\"9.9.9\",\"uptimeSeconds\":7,\"visits\":1,"), stats.body());
    }

    @Test
    void aCounterThatCannotBeSaved_isLoggedAndThePageStillServed() throws Exception {
        Files.writeString(temp.resolve("file"), "");
        Path unwritable = temp.resolve("file/data.properties");
        URI base = serve(new FirstRelease(), unwritable);

        HttpResponse<String> page = get(base);

        assertEquals(200, page.statusCode());
        assertTrue(page.body().contains("<dd id=\"visits\">1</dd>"), page.body());
        assertEquals(1, log.size(), log.toString());
        assertTrue(log.get(0).startsWith("cannot save the visit counter to " + unwritable.toAbsolutePath() + ": "),
                log.toString());
    }

    private URI serve(Release release, Path dataFile) throws Exception {
        data = DataFile.open(dataFile);
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", new Routes(release, "9.9.9", data, () -> Duration.ofSeconds(7), stopping::get, log::add));
        server.start();
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/");
    }

    private HttpResponse<String> get(URI uri) throws Exception {
        return client.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
