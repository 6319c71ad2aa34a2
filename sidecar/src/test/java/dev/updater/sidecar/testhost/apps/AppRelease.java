package dev.updater.sidecar.testhost.apps;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/**
 * Test only: what every test host app shares, whatever its server: its version and behaviour (from
 * {@code /test-host.properties} in its jar, written by {@code AppJars}), its arguments, its answers,
 * and its log lines. Paths: {@code /version} (the version), {@code /health} ("ok VERSION"),
 * {@code /slow?ms=N} (answers after N ms: a request in flight during a graceful stop), anything else
 * "hello from VERSION". A release with {@link Behaviour#ANSWERS_500} answers 500 on every path.
 *
 * <p>JDK only: it runs in the app's child JVM beside the app's own server classes.
 */
public final class AppRelease {
    /** How a release behaves: a good one, or one of the three bad releases a health gate must catch. */
    public enum Behaviour {
        GOOD, EXITS_AT_START, ANSWERS_500, NEVER_LISTENS
    }

    /** The exit code of {@link Behaviour#EXITS_AT_START}. */
    public static final int EXIT_AT_START = 3;

    /** An answer: status and text body. */
    public record Answer(int status, String body) {
    }

    private final String kind;
    private final String version;
    private final Behaviour behaviour;

    private AppRelease(String kind, String version, Behaviour behaviour) {
        this.kind = kind;
        this.version = version;
        this.behaviour = behaviour;
    }

    /** This jar's release; fails the app at start when the jar carries no {@code /test-host.properties}. */
    static AppRelease load(String kind) throws IOException {
        Properties p = new Properties();
        try (InputStream in = AppRelease.class.getResourceAsStream("/test-host.properties")) {
            if (in == null) {
                throw new IOException("this jar has no /test-host.properties: build it with AppJars");
            }
            p.load(in);
        }
        return new AppRelease(kind, p.getProperty("version"), Behaviour.valueOf(p.getProperty("behaviour", "GOOD")));
    }

    String version() {
        return version;
    }

    /** The value of {@code --port N}. */
    static int port(String[] args) {
        for (int i = 0; i + 1 < args.length; i++) {
            if (args[i].equals("--port")) {
                return Integer.parseInt(args[i + 1]);
            }
        }
        throw new IllegalArgumentException("a test host app needs --port N");
    }

    /** Before the server listens: a bad release exits, or never listens (alive, bound to nothing). */
    void beforeListening() throws InterruptedException {
        log("starting (pid " + ProcessHandle.current().pid() + ", Java " + Runtime.version().feature() + ")");
        if (behaviour == Behaviour.EXITS_AT_START) {
            log("exits at start with code " + EXIT_AT_START);
            System.exit(EXIT_AT_START);
        }
        if (behaviour == Behaviour.NEVER_LISTENS) {
            log("never listens");
            Thread.sleep(Long.MAX_VALUE);
        }
    }

    /** The answer to {@code GET path?query}; blocks for {@code /slow}. */
    Answer answer(String path, String query) {
        if (behaviour == Behaviour.ANSWERS_500) {
            return new Answer(500, "broken release " + version + "\n");
        }
        switch (path) {
            case "/version":
                return new Answer(200, version);
            case "/health":
                return new Answer(200, "ok " + version + "\n");
            case "/slow":
                long ms = query != null && query.startsWith("ms=") ? Long.parseLong(query.substring(3)) : 1_000;
                log("slow request started (" + ms + " ms)");
                try {
                    Thread.sleep(ms);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return new Answer(503, "interrupted\n");
                }
                return new Answer(200, "slow done\n");
            default:
                return new Answer(200, "hello from " + version + "\n");
        }
    }

    void listening(int port) {
        log("listening on 127.0.0.1:" + port);
    }

    void stopped() {
        log("stopped gracefully");
    }

    void log(String message) {
        System.out.println("test-host " + kind + " " + version + ": " + message);
        System.out.flush();
    }
}
