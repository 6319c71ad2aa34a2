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

/**
 * Test only: a host on Jetty 12. Graceful stop on SIGTERM: {@code setStopAtShutdown(true)} stops the
 * server from a shutdown hook; the {@link GracefulHandler} and {@code setStopTimeout} make that stop
 * close the connector first and wait for requests in progress.
 */
public final class JettyApp {
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
        server.setHandler(new GracefulHandler(new Handler.Abstract.NonBlocking() {
            @Override
            public boolean handle(Request request, Response response, Callback callback) {
                AppRelease.Answer answer = release.answer(Request.getPathInContext(request),
                        request.getHttpURI().getQuery());
                response.setStatus(answer.status());
                response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/plain; charset=utf-8");
                Content.Sink.write(response, true, answer.body(), callback);
                return true;
            }
        }));
        server.setStopTimeout(10_000);
        server.setStopAtShutdown(true);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                server.join(); // Jetty's own hook stops it; this one reports when that is done
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            release.stopped();
        }, "graceful-stop-report"));
        server.start();
        release.listening(connector.getLocalPort());
        server.join();
    }
}
