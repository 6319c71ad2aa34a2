package dev.updater.sidecar.testhost.apps;

import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.GracefulHandler;
import org.eclipse.jetty.util.Callback;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Test only: a host on Jetty 12. Graceful stop on SIGTERM, in two steps (docs/zero-downtime.md, "What
 * the host needs"): first a short drain, in which every answer says {@code Connection: close}, so that
 * clients leave their kept-alive connections after their next request and reconnect (under overlap
 * mode: to the new host); then {@code server.stop()}, where the {@link GracefulHandler} and
 * {@code setStopTimeout} close the connector and wait for requests in progress. Without the drain, a
 * request that arrives on a kept-alive connection during that stop is answered 503 by the
 * {@code GracefulHandler}: measured as 1 or 2 failed requests per overlap update at 150 requests a second.
 */
public final class JettyApp {
    /** Long enough for a busy client to send one more request on each kept-alive connection. */
    private static final long DRAIN_MILLIS = 500;

    private JettyApp() {
    }

    public static void main(String[] args) throws Exception {
        AppRelease release = AppRelease.load("jetty");
        int port = AppRelease.port(args);
        release.beforeListening();
        Server server = new Server();
        ServerConnector connector = new ServerConnector(server);
        connector.setHost("127.0.0.1");
        connector.setPort(port);
        server.addConnector(connector);
        AtomicBoolean draining = new AtomicBoolean();
        server.setHandler(new GracefulHandler(new Handler.Abstract.NonBlocking() {
            @Override
            public boolean handle(Request request, Response response, Callback callback) {
                AppRelease.Answer answer = release.answer(Request.getPathInContext(request),
                        request.getHttpURI().getQuery());
                response.setStatus(answer.status());
                response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/plain; charset=utf-8");
                if (draining.get()) {
                    response.getHeaders().put(HttpHeader.CONNECTION, "close");
                }
                Content.Sink.write(response, true, answer.body(), callback);
                return true;
            }
        }));
        server.setStopTimeout(10_000);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            draining.set(true);
            release.log("draining kept-alive connections for " + DRAIN_MILLIS + " ms");
            try {
                Thread.sleep(DRAIN_MILLIS);
                server.stop(); // graceful: the connector closes, requests in progress finish
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (Exception e) {
                release.log("stop failed: " + e);
                return;
            }
            release.stopped();
        }, "graceful-stop"));
        server.start();
        release.listening(connector.getLocalPort());
        server.join();
    }
}
