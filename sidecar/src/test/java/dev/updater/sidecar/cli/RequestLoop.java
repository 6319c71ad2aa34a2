package dev.updater.sidecar.cli;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A client that keeps asking {@code GET /version} on one port, each request on a new connection, from
 * its start to {@link #close}, and keeps every failure (no answer, a reset, a status other than 200)
 * and how often each version answered. The load generator replaces it for the benchmark.
 */
final class RequestLoop implements AutoCloseable {
    private final int port;
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final List<String> failures = Collections.synchronizedList(new ArrayList<>());
    private final Map<String, Integer> versions = Collections.synchronizedMap(new TreeMap<>());
    private final Thread thread;

    RequestLoop(int port) {
        this.port = port;
        this.thread = new Thread(this::loop, "request-loop");
        thread.setDaemon(true);
        thread.start();
    }

    private void loop() {
        while (running.get()) {
            String answer = request();
            if (answer.startsWith("200 ")) {
                versions.merge(answer.substring(4), 1, Integer::sum);
            } else {
                failures.add(answer);
            }
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /** {@code 200 1.1.0}, or what went wrong. */
    private String request() {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 2_000);
            socket.setSoTimeout(5_000);
            socket.getOutputStream().write(("GET /version HTTP/1.1\r\nHost: 127.0.0.1:" + port
                    + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            InputStream in = socket.getInputStream();
            in.transferTo(bytes);
            String response = bytes.toString(StandardCharsets.US_ASCII);
            int body = response.indexOf("\r\n\r\n");
            String[] status = response.split(" ", 3);
            return status.length < 2 || body < 0 ? "incomplete answer: " + response
                    : status[1] + " " + response.substring(body + 4);
        } catch (IOException e) {
            return e.toString();
        }
    }

    /** How often {@code version} answered so far. */
    int answeredBy(String version) {
        return versions.getOrDefault(version, 0);
    }

    Map<String, Integer> versions() {
        synchronized (versions) {
            return new TreeMap<>(versions);
        }
    }

    List<String> failures() {
        synchronized (failures) {
            return List.copyOf(failures);
        }
    }

    @Override
    public void close() throws InterruptedException {
        running.set(false);
        thread.join(10_000);
    }
}
