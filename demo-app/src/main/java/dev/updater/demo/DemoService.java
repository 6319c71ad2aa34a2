package dev.updater.demo;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.PrintStream;
import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The running app: started in the order below, stopped by {@link #stop()} (the shutdown hook).
 *
 * <ol>
 *   <li>the release's own start check (1.2.0 fails here, before touching anything);
 *   <li>read the data file;
 *   <li>bind the port;
 *   <li>record this version in the data file ("updated from …");
 *   <li>answer requests, {@code /health} included.
 * </ol>
 */
final class DemoService {
    /** What a stop waits at most for the requests in progress. */
    private static final Duration STOP_GRACE = Duration.ofSeconds(1);
    /** How long a stop waits with nothing handed over before it closes the connections. */
    private static final Duration STOP_QUIET = Duration.ofMillis(150);

    private final ThisRelease release;
    private final DataFile data;
    private final Optional<VersionChange> change;
    private final HttpServer server;
    private final ExecutorService workers;
    private final long startNanos;
    private final PrintStream out;
    private final PrintStream err;
    private final AtomicBoolean stopping = new AtomicBoolean();
    private final InFlight inFlight;
    private final RecentVisits recent;

    private DemoService(ThisRelease release, DataFile data, Optional<VersionChange> change, HttpServer server,
            ExecutorService workers, RecentVisits recent, long startNanos, PrintStream out, PrintStream err) {
        this.release = release;
        this.inFlight = new InFlight(workers);
        this.data = data;
        this.change = change;
        this.server = server;
        this.workers = workers;
        this.recent = recent;
        this.startNanos = startNanos;
        this.out = out;
        this.err = err;
    }

    static DemoService start(ThisRelease release, Options options, PrintStream out, PrintStream err)
            throws StartupFailure {
        long startNanos = System.nanoTime();
        release.behaviour().checkStartup();
        DataFile data = DataFile.open(options.dataFile());
        HttpServer server = listen(options);
        // Recorded only once the port is ours: a start that fails earlier is no change of version.
        Optional<VersionChange> change;
        try {
            change = recordStart(data, release.version());
        } catch (StartupFailure e) {
            server.stop(0);
            throw e;
        }
        ExecutorService workers = Executors.newFixedThreadPool(4, task -> {
            Thread thread = new Thread(task, "demo-app-http");
            thread.setDaemon(true);
            return thread;
        });
        RecentVisits recent = new RecentVisits(message -> out.println("demo-app " + release.version() + ": " + message));
        recent.register(); // before the port answers: updater's agent may be waiting to hand over the state
        DemoService service = new DemoService(release, data, change, server, workers, recent, startNanos, out, err);
        server.setExecutor(service.inFlight);
        server.createContext("/", new Routes(release.behaviour(), release.version(), data, service::uptime,
                service.stopping::get, message -> err.println("demo-app " + release.version() + ": " + message), recent));
        server.start();
        return service;
    }

    private static Optional<VersionChange> recordStart(DataFile data, String version) throws StartupFailure {
        try {
            return data.recordStart(version, Instant.now());
        } catch (IOException e) {
            throw new StartupFailure("cannot write the data file " + data.path().toAbsolutePath() + ": " + e
                    + "; check that its folder exists and is writable, or choose another with --data", e);
        }
    }

    private static HttpServer listen(Options options) throws StartupFailure {
        InetSocketAddress address = new InetSocketAddress(options.bind(), options.port());
        // The JDK's server writes headers and body apart; with Nagle on, a keep-alive client's delayed
        // ACK holds every second answer for 40 ms. Read once, when the first server is created.
        System.setProperty("sun.net.httpserver.nodelay", "true");
        try {
            return HttpServer.create(address, 0);
        } catch (IOException e) {
            throw new StartupFailure("cannot listen on " + options.bind().getHostAddress() + ":" + options.port()
                    + ": " + e.getMessage() + "; choose another port with --port (0 picks a free one)", e);
        }
    }

    /** Where it answers, with the port actually bound (useful after {@code --port 0}). */
    URI uri() {
        InetSocketAddress bound = server.getAddress();
        String host = bound.getAddress().getHostAddress();
        if (bound.getAddress() instanceof Inet6Address) {
            host = "[" + host.replaceFirst("%.*$", "") + "]";
        }
        return URI.create("http://" + host + ":" + bound.getPort() + "/");
    }

    /** The one line logged at start; the walkthrough and the tests look for its URL. */
    String announcement() {
        return "demo-app " + release.version() + " listening on " + uri() + " ("
                + change.map(c -> c.describe() + "; ").orElse("")
                + data.visits() + " visits so far; data file " + data.path().toAbsolutePath() + ")";
    }

    boolean isStopping() {
        return stopping.get();
    }

    Duration uptime() {
        return Duration.ofNanos(System.nanoTime() - startNanos);
    }

    /**
     * Stops gracefully, then saves the counter. Runs once; later calls do nothing.
     *
     * <ol>
     *   <li>Answers go on, each with {@code Connection: close}, so that kept-alive clients go elsewhere
     *       after their next answer; {@code /health} says 503.
     *   <li>Once no request is in progress and none came for {@link #STOP_QUIET} (at most
     *       {@link #STOP_GRACE}), the port and every connection are closed at once, idle kept-alive
     *       ones included, so that their clients retry elsewhere without waiting. The quiet time is
     *       for a request on a connection accepted just before the stop: it is answered, not reset.
     * </ol>
     */
    void stop() {
        if (!stopping.compareAndSet(false, true)) {
            return;
        }
        inFlight.awaitQuiet(STOP_QUIET, STOP_GRACE);
        server.stop(0);
        workers.shutdown();
        recent.unregister();
        try {
            data.save();
            out.println("demo-app " + release.version() + " stopped after " + uptimeText() + "; "
                    + data.visits() + " visits saved to " + data.path().toAbsolutePath());
        } catch (IOException e) {
            err.println("demo-app " + release.version() + ": stopped, but cannot save the visit counter to "
                    + data.path().toAbsolutePath() + ": " + e);
        }
        out.flush();
        err.flush();
    }

    private String uptimeText() {
        return Status.describe(uptime());
    }
}
