package dev.updater.core.download;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/** A well-behaved static server on 127.0.0.1 (the JDK's own), recording the headers of every request. */
public final class LoopbackHttpServer implements AutoCloseable {
    /** @param clientPort the client's port: requests with the same one came over the same connection */
    record Seen(String method, String path, Headers headers, int clientPort) {
        String header(String name) {
            return headers.getFirst(name);
        }
    }

    private final HttpServer server;
    private final String scheme;
    private final ExecutorService executor = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "loopback-http-server");
        t.setDaemon(true);
        return t;
    });
    private final List<Seen> seen = new CopyOnWriteArrayList<>();

    public LoopbackHttpServer() throws IOException {
        this(HttpServer.create(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0), 50), "http");
    }

    private LoopbackHttpServer(HttpServer server, String scheme) {
        this.server = server;
        this.scheme = scheme;
        server.setExecutor(executor);
        server.start();
    }

    /** The same over TLS, with the certificate of {@link SelfSignedTls}. */
    public static LoopbackHttpServer https() throws IOException {
        HttpsServer server = HttpsServer.create(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0), 50);
        server.setHttpsConfigurator(new HttpsConfigurator(SelfSignedTls.server()));
        return new LoopbackHttpServer(server, "https");
    }

    public URI uri(String path) {
        return URI.create(scheme + "://127.0.0.1:" + server.getAddress().getPort() + path);
    }

    public int port() {
        return server.getAddress().getPort();
    }

    List<Seen> seen() {
        return seen;
    }

    /** Serves {@code handler} at exactly {@code path}, recording each request first. */
    LoopbackHttpServer handle(String path, HttpHandler handler) {
        server.createContext(path, exchange -> {
            try (exchange) {
                seen.add(new Seen(exchange.getRequestMethod(), exchange.getRequestURI().getPath(), exchange.getRequestHeaders(),
                        exchange.getRemoteAddress().getPort()));
                if (!exchange.getRequestURI().getPath().equals(path)) {
                    exchange.sendResponseHeaders(404, -1);
                    return;
                }
                handler.handle(exchange);
            }
        });
        return this;
    }

    /**
     * Serves {@code body} like a static file server: ETag, Last-Modified, {@code Range} with
     * {@code If-Range}, and {@code If-None-Match}/{@code If-Modified-Since} answered with 304.
     */
    public LoopbackHttpServer file(String path, byte[] body, String etag, String lastModified) {
        return handle(path, exchange -> {
            Headers in = exchange.getRequestHeaders();
            Headers out = exchange.getResponseHeaders();
            if (etag != null) {
                out.set("ETag", etag);
            }
            if (lastModified != null) {
                out.set("Last-Modified", lastModified);
            }
            String ifNoneMatch = in.getFirst("If-None-Match");
            String ifModifiedSince = in.getFirst("If-Modified-Since");
            if (ifNoneMatch != null && ifNoneMatch.equals(etag)
                    || ifNoneMatch == null && ifModifiedSince != null && ifModifiedSince.equals(lastModified)) {
                exchange.sendResponseHeaders(304, -1);
                return;
            }
            String range = in.getFirst("Range");
            String ifRange = in.getFirst("If-Range");
            boolean rangeApplies = range != null && (ifRange == null || ifRange.equals(etag) || ifRange.equals(lastModified));
            if (rangeApplies) {
                int from = Integer.parseInt(range.substring("bytes=".length(), range.indexOf('-')));
                if (from >= body.length) {
                    out.set("Content-Range", "bytes */" + body.length);
                    exchange.sendResponseHeaders(416, -1);
                    return;
                }
                out.set("Content-Range", "bytes " + from + "-" + (body.length - 1) + "/" + body.length);
                send(exchange, 206, body, from, body.length - from);
                return;
            }
            send(exchange, 200, body, 0, body.length);
        });
    }

    /** Answers every request at {@code path} with {@code status} and no body. */
    LoopbackHttpServer status(String path, int status) {
        return handle(path, exchange -> exchange.sendResponseHeaders(status, -1));
    }

    /** Answers every request at {@code path} with {@code status}, these headers (name, value, …) and no body. */
    public LoopbackHttpServer status(String path, int status, String... headers) {
        return handle(path, exchange -> {
            for (int i = 0; i + 1 < headers.length; i += 2) {
                exchange.getResponseHeaders().set(headers[i], headers[i + 1]);
            }
            exchange.sendResponseHeaders(status, -1);
        });
    }

    /** How many requests reached exactly {@code path}. */
    public long requests(String path) {
        return seen.stream().filter(s -> s.path().equals(path)).count();
    }

    /** Redirects {@code path} to {@code location} with {@code status}. */
    public LoopbackHttpServer redirect(String path, int status, String location) {
        return handle(path, exchange -> {
            exchange.getResponseHeaders().set("Location", location);
            exchange.sendResponseHeaders(status, -1);
        });
    }

    static void send(HttpExchange exchange, int status, byte[] body, int offset, int length) throws IOException {
        if (exchange.getRequestMethod().equals("HEAD")) {
            exchange.getResponseHeaders().set("Content-Length", String.valueOf(length));
            exchange.sendResponseHeaders(status, -1);
            return;
        }
        exchange.sendResponseHeaders(status, length == 0 ? -1 : length);
        try (OutputStream os = exchange.getResponseBody()) {
            os.write(body, offset, length);
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
