package dev.updater.sidecar.testhost.apps;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import javax.management.ObjectName;

/**
 * Test only: a host on the JDK's {@code HttpServer} that keeps its visits in memory ({@code /visit} adds
 * one, {@code /visits} lists them, one time a line) and, as {@code docs/state-handoff.md} shows, hands
 * them over with its own {@code dev.updater:type=StateHandoff} MXBean, importing nothing of updater's.
 * {@code handoff=} in its {@code /test-host.properties} says how: {@code keeps} (the visits), {@code throws},
 * {@code hangs}, {@code huge} (10 MiB), or {@code none} (no MBean at all, the default). Under overlap mode
 * ({@code UPDATER_REUSE_PORT=true}) the real agent's bind hook sets {@code SO_REUSEPORT}.
 */
public final class HandoffApp {
    private static final List<String> VISITS = new ArrayList<>(); // guarded by itself

    private HandoffApp() {
    }

    /** What a host declares: any MXBean interface of its own with these two operations. */
    public interface VisitsMXBean {
        String save();

        void restore(String state);
    }

    private record Visits(String mode, AppRelease release) implements VisitsMXBean {
        @Override
        public String save() {
            switch (mode) {
                case "throws":
                    throw new IllegalStateException("the visits are being compacted");
                case "hangs":
                    try {
                        Thread.sleep(Long.MAX_VALUE);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    throw new IllegalStateException("interrupted");
                case "huge":
                    return "x".repeat(10 << 20);
                default:
                    synchronized (VISITS) {
                        return String.join("\n", VISITS);
                    }
            }
        }

        @Override
        public void restore(String state) {
            synchronized (VISITS) {
                List<String> before = new ArrayList<>(VISITS);
                VISITS.clear();
                VISITS.addAll(state.isEmpty() ? List.of() : List.of(state.split("\n")));
                VISITS.addAll(before);
                release.log("restored " + (VISITS.size() - before.size()) + " visits");
            }
        }
    }

    public static void main(String[] args) throws Exception {
        AppRelease release = AppRelease.load("handoff");
        int port = AppRelease.port(args);
        String mode = handoffMode();
        if (!"none".equals(mode)) {
            ManagementFactory.getPlatformMBeanServer().registerMBean(new Visits(mode, release),
                    new ObjectName("dev.updater:type=StateHandoff"));
        }
        release.beforeListening();
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 50);
        server.createContext("/visit", exchange -> {
            synchronized (VISITS) {
                VISITS.add(Instant.now().toString());
                respond(exchange, 200, String.valueOf(VISITS.size()));
            }
        });
        server.createContext("/visits", exchange -> {
            synchronized (VISITS) {
                respond(exchange, 200, String.join("\n", VISITS));
            }
        });
        server.createContext("/", exchange -> {
            AppRelease.Answer answer = release.answer(exchange.getRequestURI().getPath(), null);
            respond(exchange, answer.status(), answer.body());
        });
        Runtime.getRuntime().addShutdownHook(new Thread(() -> server.stop(0), "stop"));
        server.start();
        release.listening(server.getAddress().getPort());
    }

    private static String handoffMode() throws IOException {
        Properties p = new Properties();
        try (InputStream in = HandoffApp.class.getResourceAsStream("/test-host.properties")) {
            p.load(in);
        }
        return p.getProperty("handoff", "none");
    }

    private static void respond(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        if (bytes.length > 0) {
            exchange.getResponseBody().write(bytes);
        }
        exchange.close();
    }
}
