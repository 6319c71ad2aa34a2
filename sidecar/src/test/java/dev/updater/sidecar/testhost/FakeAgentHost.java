package dev.updater.sidecar.testhost;

import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.lang.reflect.Field;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.ServerSocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Test only: a tiny stand-in for a host JVM that runs with the updater agent, used where the real
 * agent is not needed. It does what the agent promises the sidecar: holds {@code host.lock} for its
 * whole life, writes {@code agent.json} at start, on readiness and at exit, and obeys
 * {@code requests/exit.json} (deletes it, then {@code System.exit(0)}). It serves {@code /health}
 * and {@code /version}; {@code /exit?code=N} exits with N (42 asks a supervising sidecar to restart
 * it). Jars built by {@code HostJars} carry its behaviour in {@code /fake-host.properties}:
 * {@code version}, {@code exitAtStart=N}, {@code healthy=false} (never serves, never ready),
 * {@code ignoreSigterm=true} (its shutdown hook never ends), {@code ignoreExitRequests=true} (never reads
 * {@code exit.json}), {@code failIfExists=PATH} (exits with 4 at start while that file exists),
 * {@code exitBeforeAgent=N} (exits with N before taking the lock or writing a record, as a host that
 * dies faster than a real agent starts), {@code status=500} (answers that status on every path),
 * {@code reusePort=false} (binds without {@code SO_REUSEPORT} even under overlap mode),
 * {@code extraPort=true} (also listens on port + 1).
 *
 * <p>Under {@code run --restart overlap} ({@code UPDATER_REUSE_PORT=true} in its environment) it sets
 * {@code SO_REUSEPORT} before it binds, as the agent's bind hook does, and its shutdown hook stops the
 * HTTP server gracefully, as docs/zero-downtime.md asks of a JDK {@code HttpServer} host: once no exchange
 * is in flight and none was handed over for {@link #STOP_QUIET} (at most {@link #STOP_GRACE}), then
 * {@code stop(0)}. The quiet time answers a connection accepted just before the cut-over whose request the
 * server had not handed over yet; {@code stop(1)} reset it on JDK 25, whose stop ends as soon as no
 * exchange is in flight (JDK-8304065; JDK 17 always waited the whole second).
 *
 * <p>Arguments: {@code --home DIR --port N}. JDK only: it runs from a jar holding nothing else.
 * It is the application under test, not a test: like the agent it keeps real time, and its sleeps
 * are its polls and its stubbornness, the time a supervising sidecar must deal with.
 */
public final class FakeAgentHost {
    private static final Pattern PID = Pattern.compile("\"pid\"\\s*:\\s*(-?\\d+)");
    private static final Pattern STARTED_AT = Pattern.compile("\"startedAt\"\\s*:\\s*\"([^\"]*)\"");
    /** What a graceful stop waits at most, and the quiet time it waits for first (as the demo app's). */
    private static final Duration STOP_GRACE = Duration.ofSeconds(1);
    private static final Duration STOP_QUIET = Duration.ofMillis(150);

    private final Path home;
    private final String version;
    private final Path jar;
    private final String sha256;
    private final Instant startedAt;
    private volatile boolean ready;
    private volatile Instant readyAt;
    private volatile HttpServer server;
    /** Exchanges handed to the server's executor and not finished: the server hands one over before it reads the request. */
    private final AtomicInteger inFlight = new AtomicInteger();
    private volatile long lastHandOver = System.nanoTime();

    private FakeAgentHost(Path home, String version, Path jar, String sha256) {
        this.home = home;
        this.version = version;
        this.jar = jar;
        this.sha256 = sha256;
        this.startedAt = ProcessHandle.current().info().startInstant().orElse(Instant.now());
    }

    public static void main(String[] args) throws Exception {
        Path home = Path.of(argument(args, "--home"));
        int port = Integer.parseInt(argument(args, "--port"));
        Properties behaviour = new Properties();
        try (InputStream in = FakeAgentHost.class.getResourceAsStream("/fake-host.properties")) {
            if (in != null) {
                behaviour.load(in);
            }
        }
        Path jar = Path.of(FakeAgentHost.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        FakeAgentHost host = new FakeAgentHost(home, behaviour.getProperty("version", "0.0.0"), jar, sha256(jar));
        host.run(port, behaviour);
    }

    private void run(int port, Properties behaviour) throws Exception {
        String dieEarly = behaviour.getProperty("exitBeforeAgent");
        if (dieEarly != null) {
            log("exits at start with code " + dieEarly + ", before its agent could report");
            System.exit(Integer.parseInt(dieEarly));
        }
        String exitAtStart = behaviour.getProperty("exitAtStart");
        String failIfExists = behaviour.getProperty("failIfExists");
        if (failIfExists != null && Files.exists(Path.of(failIfExists))) {
            exitAtStart = "4";
        }
        boolean healthy = Boolean.parseBoolean(behaviour.getProperty("healthy", "true"));
        // Overlap mode: the old host holds host.lock until it exits, and this one must serve before that
        // (its sidecar gates it beside the old one); so it starts, or dies, before it waits for the lock.
        boolean overlap = "true".equals(System.getenv("UPDATER_REUSE_PORT"));
        if (overlap && exitAtStart != null) {
            log("exits at start with code " + exitAtStart + " (overlap mode)");
            System.exit(Integer.parseInt(exitAtStart));
        }
        if (overlap && healthy) {
            serveAll(port, behaviour);
        }
        FileChannel lockChannel = FileChannel.open(home.resolve("host.lock"), StandardOpenOption.CREATE,
                StandardOpenOption.WRITE);
        FileLock lock = lockChannel.lock(); // blocks past a sidecar's momentary probe
        writeRecord(false);
        boolean ignoreSigterm = Boolean.parseBoolean(behaviour.getProperty("ignoreSigterm", "false"));
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            writeRecord(true);
            HttpServer serving = server;
            if (serving != null && overlap) {
                // only under overlap mode: elsewhere a stop-start's stop needs no grace
                awaitQuiet();
                serving.stop(0);
            }
            while (ignoreSigterm) {
                try {
                    Thread.sleep(1_000);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }));
        log("started (pid " + ProcessHandle.current().pid() + ")");
        if (exitAtStart != null) {
            log("exits at start with code " + exitAtStart);
            System.exit(Integer.parseInt(exitAtStart));
        }
        if (healthy) {
            if (server == null) {
                serveAll(port, behaviour);
            }
            readyAt = Instant.now();
            ready = true;
            writeRecord(false);
            log("ready on port " + port);
        } else {
            log("never becomes healthy");
        }
        if (Boolean.parseBoolean(behaviour.getProperty("ignoreExitRequests", "false"))) {
            Thread.sleep(Long.MAX_VALUE); // an agent that cannot answer: only a signal stops this host
        }
        watchExitRequests();
        lock.release();
    }

    /** The extra port first: a sidecar that sees the main port has seen every port this host binds. */
    private void serveAll(int port, Properties behaviour) throws IOException {
        if (Boolean.parseBoolean(behaviour.getProperty("extraPort", "false"))) {
            serve(port + 1, behaviour);
        }
        server = serve(port, behaviour);
    }

    private HttpServer serve(int port, Properties behaviour) throws IOException {
        int status = Integer.parseInt(behaviour.getProperty("status", "200"));
        HttpServer server = HttpServer.create();
        if ("true".equals(System.getenv("UPDATER_REUSE_PORT"))
                && Boolean.parseBoolean(behaviour.getProperty("reusePort", "true"))) {
            reusePort(server);
        }
        server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 50);
        server.setExecutor(task -> { // the server's own default: on its dispatcher thread, here counted
            inFlight.incrementAndGet();
            lastHandOver = System.nanoTime();
            try {
                task.run();
            } finally {
                inFlight.decrementAndGet();
            }
        });
        String unhealthyIfExists = behaviour.getProperty("unhealthyIfExists");
        server.createContext("/health", exchange -> {
            if (unhealthyIfExists != null && Files.exists(Path.of(unhealthyIfExists))) {
                respond(exchange, 503, "unhealthy " + version);
            } else {
                respond(exchange, status, "ok " + version);
            }
        });
        server.createContext("/version", exchange -> respond(exchange, status, version));
        server.createContext("/exit", exchange -> {
            String query = exchange.getRequestURI().getQuery();
            int code = query != null && query.startsWith("code=") ? Integer.parseInt(query.substring(5)) : 0;
            respond(exchange, 200, "exiting with " + code);
            new Thread(() -> System.exit(code)).start();
        });
        server.start();
        return server;
    }

    /** Until no exchange is in flight and none was handed over for {@link #STOP_QUIET}, at most {@link #STOP_GRACE}. */
    private void awaitQuiet() {
        long end = System.nanoTime() + STOP_GRACE.toNanos();
        while (System.nanoTime() < end
                && (inFlight.get() > 0 || System.nanoTime() - lastHandOver < STOP_QUIET.toNanos())) {
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /**
     * What the agent's bind hook does under overlap mode. The JDK's HttpServer has no option for it: its
     * channel is set through reflection (the jar's manifest opens {@code sun.net.httpserver}) before bind.
     */
    private static void reusePort(HttpServer server) throws IOException {
        try {
            Field impl = server.getClass().getDeclaredField("server");
            impl.setAccessible(true);
            Object serverImpl = impl.get(server);
            Field channel = serverImpl.getClass().getDeclaredField("schan");
            channel.setAccessible(true);
            ((ServerSocketChannel) channel.get(serverImpl)).setOption(StandardSocketOptions.SO_REUSEPORT, true);
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw new IOException("cannot set SO_REUSEPORT on the HTTP server's channel: " + e, e);
        }
    }

    private static void respond(com.sun.net.httpserver.HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
        exchange.close();
    }

    /**
     * As the agent does: every 100 ms, an exit request naming this pid and start time ends the host
     * gracefully; one naming another host (or none) is removed and ignored.
     */
    private void watchExitRequests() throws InterruptedException {
        Path request = home.resolve("requests").resolve("exit.json");
        long pid = ProcessHandle.current().pid();
        while (true) {
            Thread.sleep(100);
            String text;
            try {
                text = Files.readString(request);
            } catch (NoSuchFileException e) {
                continue;
            } catch (IOException e) {
                continue;
            }
            Matcher m = PID.matcher(text);
            Matcher started = STARTED_AT.matcher(text);
            boolean forThisHost = m.find() && Long.parseLong(m.group(1)) == pid && started.find()
                    && started.group(1).equals(startedAt.toString()); // both written by Instant.toString()
            try {
                Files.deleteIfExists(request);
            } catch (IOException ignored) {
                // exiting anyway, or looking again
            }
            if (!forThisHost) {
                log("ignored an exit request for another host: " + text.replaceAll("\\s+", " "));
                continue;
            }
            log("exit requested");
            System.exit(0);
        }
    }

    private synchronized void writeRecord(boolean exiting) {
        Instant now = Instant.now();
        String json = "{\n"
                + "  \"pid\" : " + ProcessHandle.current().pid() + ",\n"
                + "  \"startedAt\" : \"" + startedAt + "\",\n"
                + "  \"runningVersion\" : \"" + version + "\",\n"
                + "  \"versionSource\" : \"manifest\",\n"
                + "  \"target\" : \"" + jar.toString().replace("\\", "\\\\") + "\",\n"
                + "  \"targetSha256\" : \"" + sha256 + "\",\n"
                + "  \"agentVersion\" : \"fake\",\n"
                + "  \"ready\" : " + ready + ",\n"
                + (readyAt == null ? "" : "  \"readyAt\" : \"" + readyAt + "\",\n")
                + "  \"exiting\" : " + exiting + ",\n"
                + "  \"updatedAt\" : \"" + now + "\"\n"
                + "}\n";
        try {
            Path temp = Files.createTempFile(home, ".agent.json.", ".tmp");
            Files.writeString(temp, json);
            Files.move(temp, home.resolve("agent.json"), StandardCopyOption.ATOMIC_MOVE,
                    StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            log("could not write agent.json: " + e);
        }
    }

    private void log(String message) {
        System.out.println("fake-host " + version + ": " + message);
        System.out.flush();
    }

    private static String sha256(Path file) throws Exception {
        MessageDigest digest = MessageDigest.getInstance("SHA-256");
        digest.update(Files.readAllBytes(file));
        return HexFormat.of().formatHex(digest.digest());
    }

    private static String argument(String[] args, String name) {
        for (int i = 0; i + 1 < args.length; i++) {
            if (args[i].equals(name)) {
                return args[i + 1];
            }
        }
        throw new IllegalArgumentException("FakeAgentHost needs " + name);
    }
}
