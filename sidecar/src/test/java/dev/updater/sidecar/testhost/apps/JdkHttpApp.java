package dev.updater.sidecar.testhost.apps;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Test only: a host on the JDK's {@code HttpServer}. Graceful stop on SIGTERM: a shutdown hook calls
 * {@code HttpServer.stop(delay)}, which closes the listener and lets exchanges in progress finish.
 */
public final class JdkHttpApp {
    private JdkHttpApp() {
    }

    public static void main(String[] args) throws Exception {
        AppRelease release = AppRelease.load("jdk-http");
        int port = AppRelease.port(args);
        release.beforeListening();
        // Without it the JDK's server meets the client's delayed ACK (Nagle): 40 ms on every keep-alive answer.
        System.setProperty("sun.net.httpserver.nodelay", "true");
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 128);
        ExecutorService workers = Executors.newFixedThreadPool(16);
        server.setExecutor(workers);
        server.createContext("/", exchange -> respond(exchange, release.answer(exchange.getRequestURI().getPath(),
                exchange.getRequestURI().getQuery())));
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.stop(2); // up to 2 s for exchanges in progress
            workers.shutdown();
            release.stopped();
        }, "graceful-stop"));
        server.start();
        release.listening(server.getAddress().getPort());
    }

    private static void respond(HttpExchange exchange, AppRelease.Answer answer) throws IOException {
        byte[] body = answer.body().getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
        exchange.sendResponseHeaders(answer.status(), body.length);
        exchange.getResponseBody().write(body);
        exchange.close();
    }
}
