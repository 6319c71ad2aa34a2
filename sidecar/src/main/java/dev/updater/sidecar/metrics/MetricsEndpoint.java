package dev.updater.sidecar.metrics;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import dev.updater.core.UpdaterException;
import dev.updater.core.home.UpdateHome;
import dev.updater.sidecar.supervise.ApplyPolicy;
import dev.updater.sidecar.supervise.SupervisionCounters;
import io.prometheus.metrics.exporter.httpserver.MetricsHandler;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

import java.io.IOException;
import java.io.OutputStream;
import java.net.BindException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The HTTP endpoint of {@code run} and {@code watch --metrics-port}: {@code /metrics} (Prometheus text
 * format, {@link HomeMetrics}), {@code /status} (exactly what {@code status --json} prints) and
 * {@code /healthz} (the sidecar itself, for a liveness probe). Reads only; anything but GET and HEAD
 * gets 405. One thread answers, one accepts: a scrape never competes with the supervision loop for
 * more. An endpoint that cannot listen (the port is in use) is logged once and left off: the sidecar
 * goes on supervising, since an update must never wait for a dashboard.
 *
 * <pre>{@code
 * try (MetricsEndpoint endpoint = MetricsEndpoint.open(address, home, policy, loop.counters()::snapshot,
 *         "0.1.0", statusJson, Clock.systemUTC(), log)) {
 *     return loop.run();
 * }
 * }</pre>
 */
public final class MetricsEndpoint implements AutoCloseable {
    /** What {@code status --json} prints for the home, made by the command that prints it (one implementation). */
    @FunctionalInterface
    public interface StatusJson {
        String read() throws UpdaterException;
    }

    private static final String NO_DELAY = "sun.net.httpserver.nodelay";

    private final MetricsAddress address;
    private final HttpServer server;
    private final ExecutorService executor;
    private final String problem;

    private MetricsEndpoint(MetricsAddress address, HttpServer server, ExecutorService executor, String problem) {
        this.address = address;
        this.server = server;
        this.executor = executor;
        this.problem = problem;
    }

    /** No endpoint: {@code --metrics-port} was not given. */
    public static MetricsEndpoint none() {
        return new MetricsEndpoint(null, null, null, null);
    }

    /** Listens at {@code address}; when it cannot, says so in one line and returns an endpoint with {@link #problem}. */
    public static MetricsEndpoint open(MetricsAddress address, UpdateHome home, ApplyPolicy policy,
                                       Supplier<SupervisionCounters.Snapshot> counters, String sidecarVersion,
                                       StatusJson status, Clock clock, Consumer<String> log) {
        PrometheusRegistry registry = new PrometheusRegistry();
        registry.register(new HomeMetrics(home, policy, counters, sidecarVersion, clock));
        // The JDK's server writes headers and body apart; with Nagle's algorithm and the scraper's delayed
        // ACK each answer then waits 40 ms. Read once, when the JDK's server classes load: set it first.
        if (System.getProperty(NO_DELAY) == null) {
            System.setProperty(NO_DELAY, "true");
        }
        HttpServer server;
        try {
            server = HttpServer.create(address.socketAddress(), 16);
        } catch (BindException e) {
            return refused(address, log, e.getMessage()); // "Address already in use", "Permission denied"
        } catch (IOException e) {
            return refused(address, log, e.toString());
        }
        ExecutorService executor = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "updater-sidecar-metrics");
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(executor);
        server.createContext("/metrics", only("/metrics", new MetricsHandler(registry)));
        server.createContext("/status", only("/status", exchange -> statusOf(exchange, status)));
        server.createContext("/healthz", only("/healthz", exchange ->
                send(exchange, 200, "text/plain; charset=utf-8", "ok\n")));
        server.createContext("/", exchange -> {
            try (exchange) {
                send(exchange, 404, "text/plain; charset=utf-8", "Not found; this endpoint serves /metrics, /status"
                        + " and /healthz.\n");
            }
        });
        server.start();
        log.accept("metrics: serving " + address.url() + "/metrics, /status and /healthz");
        return new MetricsEndpoint(address, server, executor, null);
    }

    private static MetricsEndpoint refused(MetricsAddress address, Consumer<String> log, String why) {
        String sentence = "cannot listen on " + address.url() + " (--metrics-port " + address.port() + "): " + why
                + "; /metrics, /status and /healthz are off, and the sidecar goes on supervising. Free the port or"
                + " give another --metrics-port, then restart the sidecar.";
        log.accept("metrics: " + sentence);
        return new MetricsEndpoint(address, null, null, sentence);
    }

    /** Where /metrics answers, or empty when the endpoint could not listen. */
    public Optional<String> metricsUrl() {
        return server == null ? Optional.empty() : Optional.of(address.url() + "/metrics");
    }

    /** Why the endpoint is off, or empty when it listens. */
    public Optional<String> problem() {
        return Optional.ofNullable(problem);
    }

    /** Threat: a scraper or a browser on the network must not be able to change anything; this endpoint only reads. */
    private static HttpHandler only(String path, HttpHandler handler) {
        return exchange -> {
            try (exchange) {
                String method = exchange.getRequestMethod();
                if (!exchange.getRequestURI().getPath().equals(path)) {
                    send(exchange, 404, "text/plain; charset=utf-8", "Not found; this endpoint serves /metrics,"
                            + " /status and /healthz.\n");
                } else if (!method.equals("GET") && !method.equals("HEAD")) {
                    exchange.getResponseHeaders().set("Allow", "GET, HEAD");
                    send(exchange, 405, "text/plain; charset=utf-8", "Method " + method + " is not allowed on "
                            + path + "; it only reads: use GET or HEAD.\n");
                } else {
                    handler.handle(exchange);
                }
            }
        };
    }

    private static void statusOf(HttpExchange exchange, StatusJson status) throws IOException {
        String json;
        try {
            json = status.read();
        } catch (UpdaterException | RuntimeException e) {
            send(exchange, 500, "text/plain; charset=utf-8", "Cannot read the update home: " + e.getMessage() + "\n");
            return;
        }
        send(exchange, 200, "application/json; charset=utf-8", json);
    }

    private static void send(HttpExchange exchange, int code, String type, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", type);
        if (exchange.getRequestMethod().equals("HEAD")) {
            exchange.getResponseHeaders().set("Content-Length", Integer.toString(bytes.length));
            exchange.sendResponseHeaders(code, -1);
            return;
        }
        exchange.sendResponseHeaders(code, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    /** Stops listening at once: a scrape cut short is retried by Prometheus, while the sidecar should exit promptly. */
    @Override
    public void close() {
        if (server != null) {
            server.stop(0);
            executor.shutdownNow();
        }
    }
}
