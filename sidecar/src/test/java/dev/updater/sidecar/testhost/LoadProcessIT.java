package dev.updater.sidecar.testhost;

import com.sun.net.httpserver.HttpServer;

import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The load generator's command, as the overlap tests run it in a child JVM: marks in, a parsed report out. */
class LoadProcessIT {
    @Test
    void failuresAreCountedByReason_andEachMarkStartsAWindow() throws Exception {
        AtomicInteger served = new AtomicInteger();
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 100);
        server.createContext("/", exchange -> {
            // 200 until the test says otherwise, then 503: a server going bad under load
            exchange.sendResponseHeaders(served.get() < 0 ? 503 : 200, -1);
            exchange.close();
        });
        server.start();
        try (LoadProcess load = LoadProcess.start(null, URI.create("http://127.0.0.1:" + server.getAddress().getPort()
                + "/"), 200)) {
            load.mark("good");
            Thread.sleep(700); // the length of the window under test
            load.mark("bad"); // returns once the generator has named the moment, so "good" saw only 200s
            served.set(-1);
            Thread.sleep(700);
            LoadProcess.Result result = load.stop();

            assertEquals(List.of("good", "bad"), List.copyOf(result.windows().keySet()), result.toString());
            assertEquals(0, result.windows().get("good").failed(), result.toString());
            LoadProcess.Window bad = result.windows().get("bad");
            // the server flips just after the mark: the requests of those few milliseconds still get 200
            assertTrue(bad.requests() > 50 && bad.failed() >= bad.requests() - 10, result.toString());
            assertEquals(Map.of("status", (long) result.failed()), result.reasons(), result.toString());
            assertTrue(result.output().contains("FAILED STATUS status 503"), result.toString());
        } finally {
            server.stop(0);
        }
    }
}
