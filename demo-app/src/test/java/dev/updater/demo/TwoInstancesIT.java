package dev.updater.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.Reader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/**
 * An update in overlap mode runs the old and the new release at once for a moment, on one data file:
 * two real JVMs counting visits concurrently must add up to exactly the visits served.
 */
class TwoInstancesIT {
    private static final int CLIENTS_PER_INSTANCE = 4;
    private static final int VISITS_PER_CLIENT = 150;

    @TempDir
    Path temp;

    @Test
    @DisabledOnOs(value = OS.WINDOWS, disabledReason = "Process.destroy() is not a signal there: no shutdown hooks run")
    void twoReleasesServingAtOnce_countEveryVisitExactlyOnce() throws Exception {
        Path data = temp.resolve("data.properties");
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).build();
        ExecutorService clients = Executors.newFixedThreadPool(2 * CLIENTS_PER_INSTANCE);
        // 1.1.0 starts once 1.0.0 serves, as in an overlap update; so the file says it came from 1.0.0
        try (DemoProcess old = DemoProcess.start(temp, "1.0.0", "--port", "0", "--data", data.toString())) {
            URI oldUri = old.awaitListening();
            try (DemoProcess next = DemoProcess.start(temp, "1.1.0", "--port", "0", "--data", data.toString())) {
                serveBoth(client, clients, old, next, List.of(oldUri, next.awaitListening()));
            }
        } finally {
            clients.shutdownNow();
        }

        Properties saved = new Properties();
        try (Reader in = Files.newBufferedReader(data, StandardCharsets.UTF_8)) {
            saved.load(in);
        }
        assertEquals(String.valueOf(2 * CLIENTS_PER_INSTANCE * VISITS_PER_CLIENT), saved.getProperty("visits"),
                "no visit lost or counted twice");
        assertEquals("1.0.0", saved.getProperty("updated-from"));
    }

    /** Both answer visits at once, then stop gracefully; every visit is answered 200. */
    private static void serveBoth(HttpClient client, ExecutorService clients, DemoProcess old, DemoProcess next,
                                  List<URI> instances) throws Exception {
        List<Future<Integer>> served = new ArrayList<>();
        for (URI uri : instances) {
            for (int c = 0; c < CLIENTS_PER_INSTANCE; c++) {
                served.add(clients.submit(() -> visit(client, uri)));
            }
        }
        int total = 0;
        for (Future<Integer> f : served) {
            total += f.get();
        }
        assertEquals(2 * CLIENTS_PER_INSTANCE * VISITS_PER_CLIENT, total, "every visit answered 200");

        old.terminate();
        next.terminate();
        old.awaitExit();
        next.awaitExit();
        assertEquals(List.of(), old.stderr());
        assertEquals(List.of(), next.stderr());
    }

    private static int visit(HttpClient client, URI uri) throws Exception {
        int ok = 0;
        for (int i = 0; i < VISITS_PER_CLIENT; i++) {
            HttpResponse<Void> response = client.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).build(),
                    HttpResponse.BodyHandlers.discarding());
            if (response.statusCode() == 200) {
                ok++;
            }
        }
        return ok;
    }
}
