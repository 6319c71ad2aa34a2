package dev.updater.sidecar.serve;

import com.sun.net.httpserver.HttpServer;
import dev.updater.core.ErrorCode;
import dev.updater.core.UpdaterException;
import java.io.IOException;
import java.net.BindException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * A read-only HTTP server for a release directory ({@code manifest.json}, its signature and the
 * artifacts), with what an updating agent needs of a static host: {@code GET} and {@code HEAD},
 * {@code ETag} and {@code Last-Modified} with 304, single {@code Range} requests with
 * {@code If-Range}, and cache headers that make caches revalidate the manifest but keep
 * versioned artifacts. Nothing outside the directory is reachable, symlinks included.
 *
 * <pre>{@code
 * try (ReleaseServer server = ReleaseServer.start(Path.of("releases"),
 *         new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), System.out::println)) {
 *     URI manifest = server.uri().resolve("manifest.json");
 *     ...
 * }
 * }</pre>
 *
 * <p>It is meant for demos, tests and small installs; production can use any static web server or
 * CDN with the same files.
 */
public final class ReleaseServer implements AutoCloseable {
    /** Handler threads: each one streams one response at a time; further requests wait in line. */
    public static final int DEFAULT_THREADS = 64;

    /** Pending connections the kernel keeps while every thread is busy. */
    private static final int BACKLOG = 256;

    private final HttpServer server;
    private final ReleaseFileResponder responder;
    private final ExecutorService executor;
    private final Path directory;
    private final URI uri;
    private final AtomicBoolean stopped = new AtomicBoolean();

    private ReleaseServer(HttpServer server, ReleaseFileResponder responder, ExecutorService executor, Path directory,
            URI uri) {
        this.server = server;
        this.responder = responder;
        this.executor = executor;
        this.directory = directory;
        this.uri = uri;
    }

    /**
     * Starts serving {@code directory} on {@code bind} (port 0 picks a free port) with
     * {@link #DEFAULT_THREADS} threads.
     *
     * @param log receives one line per request (method, target, status, body bytes, milliseconds,
     *     client), from many threads at once
     * @throws UpdaterException {@link ErrorCode#IO} when the directory is missing or not a
     *     directory, or the address cannot be bound; the message says which and what to do
     */
    public static ReleaseServer start(Path directory, InetSocketAddress bind, Consumer<String> log)
            throws UpdaterException {
        return start(directory, bind, log, DEFAULT_THREADS);
    }

    /** As {@link #start(Path, InetSocketAddress, Consumer)}, with {@code threads} handler threads. */
    public static ReleaseServer start(Path directory, InetSocketAddress bind, Consumer<String> log, int threads)
            throws UpdaterException {
        Objects.requireNonNull(directory, "directory");
        Objects.requireNonNull(bind, "bind");
        Objects.requireNonNull(log, "log");
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be at least 1: " + threads);
        }
        if (bind.isUnresolved()) {
            throw new UpdaterException(ErrorCode.IO,
                    "Cannot listen on " + bind.getHostString() + ": the name does not resolve to an address; "
                            + "pass an IP address of this machine, such as 127.0.0.1.");
        }
        checkDirectory(directory);

        HttpServer server;
        try {
            server = HttpServer.create(bind, BACKLOG);
        } catch (BindException e) {
            throw new UpdaterException(ErrorCode.IO, "Cannot listen on " + hostAndPort(bind.getAddress(), bind.getPort())
                    + " (" + e.getMessage() + "); choose a free port (0 picks one) and an address of this machine.", e);
        } catch (IOException e) {
            throw new UpdaterException(ErrorCode.IO, "Cannot listen on " + hostAndPort(bind.getAddress(), bind.getPort())
                    + ": " + e.getMessage() + ".", e);
        }
        ThreadPoolExecutor executor = new ThreadPoolExecutor(threads, threads, 30, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(), new HandlerThreads());
        executor.allowCoreThreadTimeOut(true);
        server.setExecutor(executor);
        ReleaseFileResponder responder = new ReleaseFileResponder(new ReleaseDirectory(directory), log);
        server.createContext("/", responder);
        server.start();

        int port = server.getAddress().getPort();
        URI uri = URI.create("http://" + hostAndPort(bind.getAddress(), port) + "/");
        return new ReleaseServer(server, responder, executor, directory, uri);
    }

    /** The port listened on; the one picked when started with port 0. */
    public int port() {
        return server.getAddress().getPort();
    }

    /** The base URL, ending in "/": {@code uri().resolve("manifest.json")} is the manifest. */
    public URI uri() {
        return uri;
    }

    /** The directory served, as given to {@link #start}. */
    public Path directory() {
        return directory;
    }

    /**
     * Stops gracefully: requests that arrive from now on get 503 with their connection closed,
     * responses in progress get up to {@code grace} to finish, then the listening socket and every
     * connection are closed. Idempotent.
     */
    public void stop(Duration grace) {
        if (!stopped.compareAndSet(false, true)) {
            return;
        }
        responder.beginDraining();
        try {
            if (!grace.isZero() && !grace.isNegative()) {
                responder.awaitIdle(grace);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            // Our own wait instead of stop(seconds): the JDK 17 server waits out the whole delay
            // even when nothing is in progress.
            server.stop(0);
            executor.shutdownNow();
        }
        try {
            executor.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Stops at once: responses in progress are cut off. */
    @Override
    public void close() {
        stop(Duration.ZERO);
    }

    private static void checkDirectory(Path directory) throws UpdaterException {
        if (!Files.exists(directory)) {
            throw new UpdaterException(ErrorCode.IO, "Cannot serve " + directory
                    + ": no such directory; pass the directory that 'publish --out' wrote.");
        }
        if (!Files.isDirectory(directory)) {
            throw new UpdaterException(ErrorCode.IO, "Cannot serve " + directory
                    + ": it is a file, not a directory; pass the directory that holds manifest.json.");
        }
        if (!Files.isReadable(directory) || !Files.isExecutable(directory)) {
            throw new UpdaterException(ErrorCode.IO, "Cannot serve " + directory
                    + ": this user may not read it; fix its permissions or run as its owner.");
        }
    }

    private static String hostAndPort(InetAddress address, int port) {
        String host = address.getHostAddress();
        if (address instanceof Inet6Address) {
            int scope = host.indexOf('%');
            host = "[" + (scope < 0 ? host : host.substring(0, scope)) + "]";
        }
        return host + ":" + port;
    }

    /** Daemon threads with names that say whose they are in a thread dump. */
    private static final class HandlerThreads implements ThreadFactory {
        private final AtomicInteger count = new AtomicInteger();

        @Override
        public Thread newThread(Runnable task) {
            Thread thread = new Thread(task, "release-server-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        }
    }
}
