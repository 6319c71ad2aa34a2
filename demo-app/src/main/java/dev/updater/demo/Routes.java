package dev.updater.demo;

import static java.nio.charset.StandardCharsets.UTF_8;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Duration;
import java.util.Objects;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Every path the app answers: {@code /} (counts a visit on {@code GET}), {@code /health},
 * {@code /version}, {@code /recent} (the times of the last visits, kept in memory), then whatever the
 * release adds; {@code GET} and {@code HEAD} only.
 */
final class Routes implements HttpHandler {
    private final Release release;
    private final String version;
    private final DataFile data;
    private final Supplier<Duration> uptime;
    private final BooleanSupplier stopping;
    private final Consumer<String> log;
    private final RecentVisits recent;

    Routes(Release release, String version, DataFile data, Supplier<Duration> uptime, BooleanSupplier stopping,
            Consumer<String> log) {
        this(release, version, data, uptime, stopping, log, new RecentVisits(log));
    }

    Routes(Release release, String version, DataFile data, Supplier<Duration> uptime, BooleanSupplier stopping,
            Consumer<String> log, RecentVisits recent) {
        this.release = Objects.requireNonNull(release, "release");
        this.version = Objects.requireNonNull(version, "version");
        this.data = Objects.requireNonNull(data, "data");
        this.uptime = Objects.requireNonNull(uptime, "uptime");
        this.stopping = Objects.requireNonNull(stopping, "stopping");
        this.log = Objects.requireNonNull(log, "log");
        this.recent = Objects.requireNonNull(recent, "recent");
    }

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            if (stopping.getAsBoolean()) {
                exchange.getResponseHeaders().set("Connection", "close"); // the client's next request goes elsewhere
            }
            String method = exchange.getRequestMethod();
            boolean head = method.equals("HEAD");
            if (!head && !method.equals("GET")) {
                exchange.getResponseHeaders().set("Allow", "GET, HEAD");
                send(exchange, new Response(405, "text/plain", "method not allowed: " + method + "\n"), false);
                return;
            }
            send(exchange, answer(exchange.getRequestURI().getPath(), head), head);
        } catch (RuntimeException e) {
            log.accept("internal error answering " + exchange.getRequestURI() + ": " + e);
            throw e;
        }
    }

    private Response answer(String path, boolean head) {
        switch (path) {
            case "/":
                if (!head) {
                    countVisit();
                }
                return new Response(200, "text/html", release.homePage(status()));
            case "/health":
                return stopping.getAsBoolean()
                        ? new Response(503, "text/plain", "stopping\n")
                        : new Response(200, "text/plain", "ok\n");
            case "/version":
                return new Response(200, "text/plain", version + "\n");
            case "/recent":
                return new Response(200, "text/plain", recent.save());
            default:
                return release.answer(path, status())
                        .orElseGet(() -> new Response(404, "text/plain", "not found: " + path + "\n"));
        }
    }

    private void countVisit() {
        recent.add(java.time.Instant.now());
        try {
            data.countVisit();
        } catch (IOException e) {
            // The page still shows the visit; the next successful write saves it.
            log.accept("cannot save the visit counter to " + data.path().toAbsolutePath() + ": " + e);
        }
    }

    private Status status() {
        return new Status(version, uptime.get(), data.visits(), data.lastChange());
    }

    private static void send(HttpExchange exchange, Response response, boolean head) throws IOException {
        byte[] body = response.body().getBytes(UTF_8);
        exchange.getResponseHeaders().set("Content-Type", response.contentType() + "; charset=utf-8");
        exchange.getResponseHeaders().set("Cache-Control", "no-store");
        if (head) {
            exchange.getResponseHeaders().set("Content-Length", Integer.toString(body.length));
            exchange.sendResponseHeaders(response.status(), -1);
            return;
        }
        exchange.sendResponseHeaders(response.status(), body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }
}
