package dev.updater.sidecar.serve;

import dev.updater.core.text.HumanUnits;
import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import dev.updater.core.text.Printable;
import dev.updater.sidecar.channel.PrivateKeyFiles;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Answers one request for a file of the release directory, in the order RFC 9110 evaluates
 * things: method, file, validators (304), range (206/416), then the bytes, streamed.
 */
final class ReleaseFileResponder implements HttpHandler {
    static final String ALLOWED_METHODS = "GET, HEAD";

    /** Large enough to keep a loopback socket busy, small enough for many downloads at once. */
    private static final int BUFFER_SIZE = 256 * 1024;

    private final ReleaseDirectory directory;
    private final Consumer<String> log;
    private final Object inFlightLock = new Object();
    private int inFlight;
    private volatile boolean draining;

    ReleaseFileResponder(ReleaseDirectory directory, Consumer<String> log) {
        this.directory = Objects.requireNonNull(directory, "directory");
        this.log = Objects.requireNonNull(log, "log");
    }

    @Override
    public void handle(HttpExchange exchange) {
        long started = System.nanoTime();
        Response response = new Response(exchange);
        enter();
        try {
            if (draining) {
                exchange.getResponseHeaders().set("Connection", "close");
                response.error(503, "Service Unavailable");
            } else {
                respond(exchange, response);
            }
        } catch (IOException e) {
            // The client went away (or the file vanished mid-transfer): nothing left to tell it.
            response.aborted = true;
        } catch (RuntimeException e) {
            response.failure = e.getClass().getName();
            if (exchange.getResponseCode() < 0) {
                try {
                    response.error(500, "Internal Server Error");
                } catch (IOException ignored) {
                    // the client is gone as well
                }
            }
        } finally {
            exchange.close();
            leave();
            log.accept(logLine(exchange, response, Duration.ofNanos(System.nanoTime() - started)));
        }
    }

    /** From now on, new requests get 503 and their connection closed; responses in progress go on. */
    void beginDraining() {
        draining = true;
    }

    /** Waits until no response is in progress, or {@code timeout} passed; true if none is. */
    boolean awaitIdle(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (inFlightLock) {
            while (inFlight > 0) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                TimeUnit.NANOSECONDS.timedWait(inFlightLock, left);
            }
            return true;
        }
    }

    private void enter() {
        synchronized (inFlightLock) {
            inFlight++;
        }
    }

    private void leave() {
        synchronized (inFlightLock) {
            inFlight--;
            if (inFlight == 0) {
                inFlightLock.notifyAll();
            }
        }
    }

    private void respond(HttpExchange exchange, Response response) throws IOException {
        String method = exchange.getRequestMethod();
        if (!method.equals("GET") && !method.equals("HEAD")) {
            exchange.getResponseHeaders().set("Allow", ALLOWED_METHODS);
            response.error(405, "Method Not Allowed");
            return;
        }
        Optional<OpenedFile> opened = directory.open(exchange.getRequestURI());
        if (opened.isEmpty()) {
            response.error(404, "Not Found");
            return;
        }
        try (OpenedFile file = opened.get()) {
            String privateKey = privateKeyReason(file);
            if (privateKey != null) {
                // Threat: 'keygen --out ch; serve ch' hands the key every host trusts to anyone who asks.
                response.refused = file.fileName() + " is a private key file (" + privateKey + "); private keys are"
                        + " never served, move it out of the served directory";
                response.error(404, "Not Found");
                return;
            }
            Headers request = exchange.getRequestHeaders();
            Headers headers = exchange.getResponseHeaders();
            String entityTag = file.entityTag();
            headers.set("ETag", entityTag);
            headers.set("Last-Modified", HttpDate.format(file.lastModified()));
            headers.set("Cache-Control", FileTypes.cacheControl(file.fileName()));
            headers.set("Accept-Ranges", "bytes");

            if (ConditionalRequest.notModified(request.get("If-None-Match"), request.getFirst("If-Modified-Since"),
                    entityTag, file.lastModified())) {
                response.notModified();
                return;
            }

            RequestedRange range = new RequestedRange.Whole();
            // Range is defined for GET only (RFC 9110 §14.2); HEAD describes the whole file.
            if (method.equals("GET")
                    && ConditionalRequest.rangeStillValid(request.getFirst("If-Range"), entityTag, file.lastModified())) {
                range = RequestedRange.parse(request.getFirst("Range"), file.size());
            }
            if (range instanceof RequestedRange.Unsatisfiable) {
                headers.set("Content-Range", "bytes */" + file.size());
                response.error(416, "Range Not Satisfiable");
                return;
            }
            headers.set("Content-Type", FileTypes.contentType(file.fileName()));
            headers.set("X-Content-Type-Options", "nosniff");
            if (range instanceof RequestedRange.Part part) {
                headers.set("Content-Range", "bytes " + part.first() + "-" + part.last() + "/" + file.size());
                response.file(206, file, part.first(), part.length());
            } else {
                response.file(200, file, 0, file.size());
            }
        }
    }

    /** Why the opened file is a private key ({@link PrivateKeyFiles}), or null; reads only its head. */
    private static String privateKeyReason(OpenedFile file) throws IOException {
        ByteBuffer head = ByteBuffer.allocate((int) Math.min(PrivateKeyFiles.HEAD_BYTES, file.size()));
        while (head.hasRemaining()) {
            if (file.channel().read(head, head.position()) < 0) {
                break;
            }
        }
        return PrivateKeyFiles.reason(file.fileName(), head.array(), head.position());
    }

    private static String logLine(HttpExchange exchange, Response response, Duration took) {
        InetSocketAddress client = exchange.getRemoteAddress();
        String from = client == null ? "?" : client.getAddress().getHostAddress();
        return exchange.getRequestMethod() + " " + Printable.of(exchange.getRequestURI().toString()) + " "
                + exchange.getResponseCode() + " " + response.bytesSent + " bytes " + HumanUnits.millis(took) + " (" + from
                + (response.aborted ? ", aborted" : "")
                + (response.refused != null ? ", refused: " + Printable.of(response.refused) : "")
                + (response.failure != null ? ", failed: " + Printable.of(response.failure) : "") + ")";
    }

    /** Sends the status line, headers and body of one exchange, and counts the body bytes sent. */
    private static final class Response {
        private final HttpExchange exchange;
        private final boolean head;
        long bytesSent;
        boolean aborted;
        String failure;
        String refused;

        Response(HttpExchange exchange) {
            this.exchange = exchange;
            this.head = exchange.getRequestMethod().equals("HEAD");
        }

        void notModified() throws IOException {
            exchange.sendResponseHeaders(304, -1);
        }

        void error(int status, String reason) throws IOException {
            byte[] body = (status + " " + reason + "\n").getBytes(StandardCharsets.UTF_8);
            Headers headers = exchange.getResponseHeaders();
            headers.set("Content-Type", "text/plain; charset=utf-8");
            // A cache must not keep a 404 of a file that the next publish creates.
            headers.set("Cache-Control", "no-store");
            if (head) {
                headers.set("Content-Length", Long.toString(body.length));
                exchange.sendResponseHeaders(status, -1);
                return;
            }
            exchange.sendResponseHeaders(status, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
                bytesSent = body.length;
            }
        }

        /** Streams {@code length} bytes of {@code file} from {@code offset}, never the whole file at once. */
        void file(int status, OpenedFile file, long offset, long length) throws IOException {
            if (head) {
                // HttpServer leaves a Content-Length set by hand on HEAD alone; passed as an argument it would send 0.
                exchange.getResponseHeaders().set("Content-Length", Long.toString(length));
                exchange.sendResponseHeaders(status, -1);
                return;
            }
            if (length == 0) {
                exchange.sendResponseHeaders(status, -1); // "Content-length: 0", no chunked encoding
                return;
            }
            exchange.sendResponseHeaders(status, length);
            ByteBuffer buffer = ByteBuffer.allocate((int) Math.min(BUFFER_SIZE, length));
            long position = offset;
            long end = offset + length;
            try (OutputStream out = exchange.getResponseBody()) {
                while (position < end) {
                    buffer.clear().limit((int) Math.min(buffer.capacity(), end - position));
                    int read = file.channel().read(buffer, position);
                    if (read < 0) {
                        throw new IOException("File " + file.path() + " shrank while being sent");
                    }
                    out.write(buffer.array(), 0, read);
                    position += read;
                    bytesSent += read;
                }
            }
        }
    }
}
