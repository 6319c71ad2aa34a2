package dev.updater.core.download;

import dev.updater.core.ErrorCode;
import dev.updater.core.UpdaterException;
import dev.updater.core.text.HumanUnits;
import dev.updater.core.text.Printable;

import java.io.IOException;
import java.net.ConnectException;
import java.net.ProxySelector;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;

/**
 * GETs over the JDK's {@link HttpClient}, following redirects itself so that every hop passes
 * {@link UrlPolicy} (the client's own redirect handling would silently follow HTTPS to HTTP). The
 * client is created on first use and shared by every request of this transport; its threads are
 * daemons, so an idle transport never keeps a JVM alive, and its worker threads end a second after
 * their last task (the JDK's default pool keeps them 60 s).
 */
final class HttpTransport {
    /**
     * The clients' executor: like the JDK's default (a cached pool), but its idle threads end after
     * {@link #IDLE_THREAD_KEEP_ALIVE} instead of 60 s, so an agent that checks every 15 minutes does
     * not keep worker threads in its host between checks. Shared by every transport; daemon threads
     * named {@code updater-http-N}.
     */
    static final Duration IDLE_THREAD_KEEP_ALIVE = Duration.ofSeconds(1);
    private static final Executor EXECUTOR = newExecutor();
    static final String USER_AGENT = "updater";

    private final Duration connectTimeout;
    private final boolean allowInsecureHttp;
    private final SSLContext sslContext;
    private volatile HttpClient client;

    HttpTransport(Duration connectTimeout, boolean allowInsecureHttp) {
        this(connectTimeout, allowInsecureHttp, null);
    }

    /** @param sslContext trust for HTTPS, or null for the JVM's default (which honours {@code -Djavax.net.ssl.trustStore}) */
    HttpTransport(Duration connectTimeout, boolean allowInsecureHttp, SSLContext sslContext) {
        this.connectTimeout = connectTimeout;
        this.allowInsecureHttp = allowInsecureHttp;
        this.sslContext = sslContext;
    }

    /** One answered request: the final URL after redirects, the status, the headers and, for 200 and 206, the body. */
    record Exchange(URI uri, int status, HttpHeaders headers, BodyStream body) implements AutoCloseable {
        String header(String name) {
            return headers.firstValue(name).orElse(null);
        }

        OptionalLong contentLength() {
            return headers.firstValueAsLong("Content-Length");
        }

        /** Drops whatever is left of the body; the connection is closed unless the body was read to its end. */
        @Override
        public void close() {
            body.cancel();
        }
    }

    /**
     * GETs {@code uri} with {@code headers}, following up to {@link UrlPolicy#MAX_REDIRECTS} redirects.
     * Any status other than a redirect is returned; the caller decides what it accepts. Waiting for
     * the headers is watched by {@code watchdog} like the body is.
     */
    Exchange get(URI uri, Map<String, String> headers, Watchdog watchdog) throws UpdaterException {
        UrlPolicy.checkTarget(uri, allowInsecureHttp);
        URI current = uri;
        for (int redirects = 0; ; redirects++) {
            watchdog.check(); // a cancelled or expired call sends nothing more
            Exchange exchange = send(current, headers, watchdog);
            watchdog.touch();
            if (!isRedirect(exchange.status())) {
                return exchange;
            }
            exchange.close();
            URI next = location(exchange);
            if (redirects >= UrlPolicy.MAX_REDIRECTS) {
                throw new UpdaterException(ErrorCode.HTTP_REDIRECT,
                        "Gave up on " + uri + " after " + UrlPolicy.MAX_REDIRECTS + " redirects (the last to " + Printable.of(next)
                                + "); fix the server's redirects or configure the final URL.");
            }
            UrlPolicy.checkRedirect(current, next, allowInsecureHttp);
            current = next;
        }
    }

    /** The error for a status the caller does not accept. */
    static UpdaterException statusError(Exchange exchange, String what) {
        int status = exchange.status();
        if (ServerPushback.isPushback(status)) {
            return pushback(exchange, what);
        }
        String hint = status == 404 || status == 410
                ? "check the URL and that the release was published completely"
                : status >= 500 ? "the server failed; it is retried at the next check"
                : "check the URL and the server's configuration";
        return new UpdaterException(ErrorCode.HTTP_STATUS,
                "The server answered HTTP " + status + " for " + what + " " + Printable.of(exchange.uri()) + "; " + hint + ".");
    }

    /**
     * A {@code 429} or {@code 503}: the wait its {@code Retry-After} asks for, counted from the server's own
     * {@code Date} when it sent one (a skewed local clock then neither stretches nor shrinks the wait).
     */
    private static ServerPushback pushback(Exchange exchange, String what) {
        int status = exchange.status();
        String header = exchange.header("Retry-After");
        Instant now = RetryAfter.date(exchange.header("Date")).orElseGet(Instant::now);
        Optional<Duration> wait = RetryAfter.parse(header, now);
        String asked = wait.map(d -> " and asked to retry after " + HumanUnits.duration(d) + " (Retry-After: "
                        + Printable.of(header) + "); the agent waits that long, within its maximum")
                .orElse(header == null ? "" : " with an unusable Retry-After \"" + Printable.of(header) + "\", which is ignored");
        String hint = status == 429 ? "the server is shedding load; it is retried after a back-off"
                : "the server failed; it is retried at the next check";
        return new ServerPushback(status, wait.orElse(null), "The server answered HTTP " + status + " for " + what + " "
                + Printable.of(exchange.uri()) + asked + "; " + hint + ".");
    }

    /** The error for a connection that broke or could not be made. */
    static UpdaterException networkError(URI uri, Throwable cause, String context) {
        Throwable t = unwrap(cause);
        String message;
        if (t instanceof HttpConnectTimeoutException) {
            message = "Could not connect to " + authority(uri) + " within the connect timeout" + context
                    + "; check the network, proxy settings and that the server is up.";
        } else if (t instanceof ConnectException) {
            message = "Could not connect to " + authority(uri) + " (" + describe(t) + ")" + context
                    + "; check the network, proxy settings and that the server is up.";
        } else if (t instanceof SSLException) {
            message = "The TLS connection to " + authority(uri) + " failed (" + describe(t) + ")" + context
                    + "; check the server's certificate and this JVM's trust store.";
        } else {
            message = "The connection to " + authority(uri) + " failed while fetching " + Printable.of(uri) + " (" + describe(t) + ")" + context
                    + "; check the network and the server.";
        }
        return new UpdaterException(ErrorCode.NETWORK, message, t);
    }

    HttpClient client() {
        HttpClient c = client;
        if (c == null) {
            synchronized (this) {
                c = client;
                if (c == null) {
                    HttpClient.Builder builder = HttpClient.newBuilder()
                            .followRedirects(HttpClient.Redirect.NEVER)
                            .connectTimeout(connectTimeout);
                    // Honours -Dhttps.proxyHost, -Dhttp.nonProxyHosts and friends, like the rest of the JVM.
                    ProxySelector proxies = ProxySelector.getDefault();
                    if (proxies != null) {
                        builder.proxy(proxies);
                    }
                    if (sslContext != null) {
                        builder.sslContext(sslContext);
                    }
                    builder.executor(EXECUTOR);
                    client = c = builder.build();
                }
            }
        }
        return c;
    }

    private static Executor newExecutor() {
        AtomicInteger count = new AtomicInteger();
        ThreadFactory threads = task -> {
            Thread thread = new Thread(task, "updater-http-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
        return new ThreadPoolExecutor(0, Integer.MAX_VALUE, IDLE_THREAD_KEEP_ALIVE.toMillis(), TimeUnit.MILLISECONDS,
                new SynchronousQueue<>(), threads);
    }

    private static HttpRequest request(URI uri, Map<String, String> headers) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(uri).GET();
        if ("http".equalsIgnoreCase(uri.getScheme())) {
            // No h2c upgrade dance on cleartext: HTTP/1.1 is what every static server speaks.
            builder.version(HttpClient.Version.HTTP_1_1);
        }
        // The JDK's default "Java-http-client/17.0.15" says less and costs more on every poll; a server's
        // log still tells updater requests apart.
        builder.header("User-Agent", USER_AGENT);
        headers.forEach(builder::header);
        return builder.build();
    }

    /**
     * Sends one request and waits for its headers. The exchange is taken from the body handler, which
     * sees status and headers first: the client may fail the response future when the connection
     * breaks early in the body, and the bytes that did arrive must still reach the caller, followed
     * by the error.
     */
    private Exchange send(URI uri, Map<String, String> headers, Watchdog watchdog) throws UpdaterException {
        AtomicReference<Exchange> answered = new AtomicReference<>();
        HttpResponse.BodyHandler<BodyStream> handler = info -> {
            int status = info.statusCode();
            // A 304 (an unchanged poll) or 204 has no body: taking its empty one hands the connection back to the
            // client's pool, where refusing it would close the connection (a new TCP and TLS handshake next poll).
            BodyStream body = status == 200 || status == 206 || status == 304 || status == 204 ? new BodyStream()
                    : BodyStream.discarding();
            answered.set(new Exchange(uri, status, info.headers(), body));
            return body;
        };
        CompletableFuture<HttpResponse<BodyStream>> future = client().sendAsync(request(uri, headers), handler);
        while (true) {
            try {
                future.get(watchdog.sliceNanos(), TimeUnit.NANOSECONDS);
                return answered.get();
            } catch (TimeoutException e) {
                try {
                    watchdog.check();
                } catch (UpdaterException stop) {
                    abandon(future, answered);
                    throw stop;
                }
            } catch (InterruptedException e) {
                abandon(future, answered);
                throw watchdog.interrupted();
            } catch (ExecutionException | CancellationException e) {
                Exchange exchange = answered.get();
                if (exchange != null) {
                    return exchange;
                }
                throw networkError(uri, e.getCause() == null ? e : e.getCause(), "");
            }
        }
    }

    /** Cancels a request in flight, and closes its body if the response won the race. */
    private static void abandon(CompletableFuture<HttpResponse<BodyStream>> future, AtomicReference<Exchange> answered) {
        future.cancel(true);
        Exchange exchange = answered.get();
        if (exchange != null) {
            exchange.close();
        }
    }

    private static boolean isRedirect(int status) {
        return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
    }

    private static URI location(Exchange redirect) throws UpdaterException {
        String location = redirect.header("Location");
        if (location == null) {
            throw new UpdaterException(ErrorCode.HTTP_REDIRECT,
                    "The server answered HTTP " + redirect.status() + " for " + Printable.of(redirect.uri())
                            + " without a Location header; fix the server's redirect.");
        }
        try {
            return redirect.uri().resolve(new URI(location));
        } catch (URISyntaxException | IllegalArgumentException e) {
            throw new UpdaterException(ErrorCode.HTTP_REDIRECT,
                    "The server redirected " + Printable.of(redirect.uri()) + " to an invalid URL \"" + Printable.of(location)
                            + "\"; fix the server's redirect.", e);
        }
    }

    private static Throwable unwrap(Throwable t) {
        while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        // The client wraps some failures in a plain IOException whose cause says what happened.
        if (t.getClass() == IOException.class && t.getCause() instanceof IOException inner) {
            return inner;
        }
        return t;
    }

    private static String authority(URI uri) {
        return Printable.of(uri.getScheme() + "://" + uri.getRawAuthority());
    }

    /** The exception's class and message; the message may quote what a server sent. */
    static String describe(Throwable t) {
        String name = t.getClass().getSimpleName();
        return t.getMessage() == null ? name : name + ": " + Printable.of(t.getMessage());
    }
}
