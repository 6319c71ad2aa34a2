package dev.updater.core.download;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A misbehaving HTTP/1.1 server on 127.0.0.1 for fault tests: each connection reads one request and
 * runs the next {@link Script} (the last one repeats), which writes whatever bytes it likes — a
 * body cut short, too long, dripped, or nothing at all.
 */
final class RawSocketServer implements AutoCloseable {
    /** @param bytes the length of the request's head on the wire: request line, headers and the blank line */
    record Request(String method, String target, Map<String, String> headers, int bytes) {
        String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }
    }

    @FunctionalInterface
    interface Script {
        void respond(Request request, OutputStream out, Socket socket) throws Exception;
    }

    private final ServerSocket serverSocket;
    private final List<Script> scripts;
    private final List<Request> requests = new CopyOnWriteArrayList<>();
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private final Thread acceptor;

    RawSocketServer(Script... scripts) throws IOException {
        this.scripts = List.of(scripts);
        this.serverSocket = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"));
        this.acceptor = new Thread(this::acceptLoop, "raw-socket-server");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    URI uri(String path) {
        return URI.create("http://127.0.0.1:" + serverSocket.getLocalPort() + path);
    }

    List<Request> requests() {
        return requests;
    }

    // ---- building blocks for scripts ----

    /** Writes a status line and headers; {@code headers} alternate name and value. */
    static void head(OutputStream out, int status, String... headers) throws IOException {
        StringBuilder s = new StringBuilder("HTTP/1.1 ").append(status).append(' ').append(reason(status)).append("\r\n");
        for (int i = 0; i < headers.length; i += 2) {
            s.append(headers[i]).append(": ").append(headers[i + 1]).append("\r\n");
        }
        s.append("\r\n");
        out.write(s.toString().getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
    }

    /** Blocks until the client closes the connection (or the server is closed): a server that went silent. */
    static void waitForClientToHangUp(Socket socket) {
        try {
            InputStream in = socket.getInputStream();
            while (in.read() >= 0) {
                // discard
            }
        } catch (IOException ignored) {
            // closed
        }
    }

    /** A script that serves {@code body} in full with an ETag, honouring nothing. */
    static Script full(byte[] body, String etag) {
        return (request, out, socket) -> {
            head(out, 200, "Content-Length", String.valueOf(body.length), "ETag", etag, "Connection", "close");
            out.write(body);
        };
    }

    /** A script that promises all of {@code body} but sends only {@code sent} bytes, then drops the connection. */
    static Script dropsAfter(byte[] body, int sent, String etag) {
        return (request, out, socket) -> {
            head(out, 200, "Content-Length", String.valueOf(body.length), "ETag", etag, "Connection", "close");
            out.write(body, 0, sent);
            out.flush();
        };
    }

    /** A script that answers a {@code Range: bytes=N-} request with 206 and the rest of {@code body}. */
    static Script partial(byte[] body, String etag) {
        return (request, out, socket) -> {
            String range = request.header("Range");
            int from = Integer.parseInt(range.substring("bytes=".length(), range.length() - 1));
            head(out, 206, "Content-Length", String.valueOf(body.length - from), "ETag", etag,
                    "Content-Range", "bytes " + from + "-" + (body.length - 1) + "/" + body.length, "Connection", "close");
            out.write(body, from, body.length - from);
        };
    }

    @Override
    public void close() throws IOException {
        serverSocket.close();
        for (Socket socket : sockets) {
            socket.close();
        }
    }

    private void acceptLoop() {
        int index = 0;
        while (!serverSocket.isClosed()) {
            Socket socket;
            try {
                socket = serverSocket.accept();
            } catch (IOException e) {
                return;
            }
            sockets.add(socket);
            Script script = scripts.get(Math.min(index++, scripts.size() - 1));
            Thread worker = new Thread(() -> serve(socket, script), "raw-socket-server-connection");
            worker.setDaemon(true);
            worker.start();
        }
    }

    private void serve(Socket socket, Script script) {
        try (socket) {
            Request request = readRequest(socket.getInputStream());
            if (request == null) {
                return;
            }
            requests.add(request);
            OutputStream out = socket.getOutputStream();
            script.respond(request, out, socket);
            out.flush();
        } catch (Exception ignored) {
            // the client hung up: that is what many of these tests provoke
        }
    }

    private static Request readRequest(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        int b;
        byte[] end = {'\r', '\n', '\r', '\n'};
        while (matched < 4 && (b = in.read()) >= 0) {
            head.write(b);
            matched = b == end[matched] ? matched + 1 : (b == '\r' ? 1 : 0);
        }
        if (matched < 4) {
            return null;
        }
        String[] lines = head.toString(StandardCharsets.ISO_8859_1).split("\r\n");
        String[] requestLine = lines[0].split(" ");
        Map<String, String> headers = new LinkedHashMap<>();
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            if (colon > 0) {
                headers.put(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT), lines[i].substring(colon + 1).trim());
            }
        }
        return new Request(requestLine[0], requestLine[1], headers, head.size());
    }

    private static String reason(int status) {
        return switch (status) {
            case 200 -> "OK";
            case 206 -> "Partial Content";
            case 302 -> "Found";
            case 304 -> "Not Modified";
            case 404 -> "Not Found";
            case 416 -> "Range Not Satisfiable";
            case 500 -> "Internal Server Error";
            default -> "Status";
        };
    }

    static List<String> ranges(List<Request> requests) {
        List<String> ranges = new ArrayList<>();
        for (Request r : requests) {
            ranges.add(r.header("Range"));
        }
        return ranges;
    }
}
