import dev.updater.agent.check.CheckResult;
import dev.updater.agent.check.UpdateCheck;
import dev.updater.core.Sha256;
import dev.updater.core.check.ReleaseCheck;
import dev.updater.core.download.DownloadOptions;
import dev.updater.core.download.Downloader;
import dev.updater.core.download.ManifestFetcher;
import dev.updater.core.manifest.Artifact;
import dev.updater.core.manifest.Changelog;
import dev.updater.core.manifest.Manifest;
import dev.updater.core.manifest.ManifestWriter;
import dev.updater.core.platform.Platform;
import dev.updater.core.policy.PolicyOptions;
import dev.updater.core.signature.Ed25519Keys;
import dev.updater.core.signature.ManifestSignatures;
import dev.updater.core.signature.TrustedKey;
import dev.updater.core.version.ReleaseVersion;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Bytes on the wire of the agent's unchanged poll (a conditional GET answered 304), over HTTP/2 + TLS,
 * HTTP/1.1 + TLS and plain HTTP/1.1, against nginx. Runs the agent's real check ({@link UpdateCheck}) and
 * counts the TCP payload both ways through a loopback relay of its own between the agent and nginx; nginx's
 * {@code $request_length}/{@code $bytes_sent} of each 304 are read from its access log for comparison.
 * A measurement, not a test: run by bench/poll-bytes/run.sh, which starts nginx and makes the certificate.
 *
 * <p>args: work folder, then one {@code name=port} per nginx listener (h2, h1tls, h1), then the
 * access log; keepalive scenarios are told apart by nginx's keepalive_timeout (1 s), see run.sh.
 */
public final class PollBytes {
    private static final int POLLS = 6;

    public static void main(String[] args) throws Exception {
        Path work = Path.of(args[0]);
        Path accessLog = Path.of(args[args.length - 1]);
        KeyPair keys = Ed25519Keys.generate();
        publish(work.resolve("channel"), keys);
        TrustedKey key = TrustedKey.of(keys.getPublic());

        List<String> rows = new ArrayList<>();
        for (int i = 1; i < args.length - 1; i++) {
            String[] nameAndPort = args[i].split("=");
            String name = nameAndPort[0];
            int port = Integer.parseInt(nameAndPort[1]);
            String scheme = name.equals("h1") ? "http" : "https";
            try (Relay relay = new Relay(port)) {
                for (boolean warm : new boolean[] {true, false}) {
                    URI manifest = URI.create(scheme + "://127.0.0.1:" + relay.port() + "/manifest.json");
                    Path home = Files.createDirectories(work.resolve("home-" + name + (warm ? "-warm" : "-new")));
                    DownloadOptions options = DownloadOptions.defaults();
                    UpdateCheck check = new UpdateCheck(new ReleaseCheck.Settings(manifest, List.of(key), false,
                            ReleaseVersion.parse("1.0.0"), "poll-bytes", PolicyOptions.DEFAULTS, Platform.current()),
                            new dev.updater.core.home.UpdateHome(home), new ManifestFetcher(options),
                            new Downloader(options), Clock.systemUTC());
                    expect(check.run(), "the first check (a 200 of manifest and signature)");
                    // nginx closes an idle connection after 1 s (keepalive_timeout in run.sh): waiting 1.5 s between
                    // polls makes each one open a new connection, as a 15-minute interval does in production.
                    long pause = warm ? 200 : 1500;
                    Thread.sleep(pause);
                    long[] up = new long[POLLS];
                    long[] down = new long[POLLS];
                    int connectionsBefore = relay.connections.get();
                    String nginx = "";
                    for (int p = 0; p < POLLS; p++) {
                        long u = relay.up.get();
                        long d = relay.down.get();
                        expect(check.run(), "an unchanged poll");
                        Thread.sleep(pause); // the cycle: this poll's bytes and, for a new connection, its close
                        up[p] = relay.up.get() - u;
                        down[p] = relay.down.get() - d;
                        nginx = lastLine(accessLog, port);
                    }
                    int connections = relay.connections.get() - connectionsBefore;
                    rows.add(String.format("| %s | %s | %d | %s | %s | %s |", label(name),
                            warm ? "kept alive" : "new each poll", connections, series(up), series(down), nginx));
                }
            }
        }
        String table = String.join("\n", List.of(
                "| protocol | connection | connections for " + POLLS + " polls | request bytes per poll (relay, each poll) "
                        + "| response bytes per poll (relay, each poll) | nginx, last 304: protocol, $request_length, $bytes_sent |",
                "|---|---|---|---|---|---|")) + "\n" + String.join("\n", rows) + "\n";
        System.out.print(table);
        Files.writeString(work.resolve("table.md"), table);
    }

    private static void expect(CheckResult result, String what) {
        if (result.error() != null) {
            throw new IllegalStateException(what + " failed: " + result.error().getMessage(), result.error());
        }
    }

    private static String label(String name) {
        return switch (name) {
            case "h2" -> "HTTP/2 + TLS 1.3";
            case "h1tls" -> "HTTP/1.1 + TLS 1.3";
            default -> "HTTP/1.1";
        };
    }

    private static String series(long[] values) {
        StringBuilder s = new StringBuilder();
        for (long v : values) {
            s.append(s.isEmpty() ? "" : ", ").append(v);
        }
        return s.toString();
    }

    /** The protocol, request length and bytes sent of the last 304 nginx logged on {@code port}. */
    private static String lastLine(Path log, int port) throws IOException {
        String last = "";
        for (String line : Files.readAllLines(log)) {
            String[] f = line.split(" ");
            if (f[0].equals(String.valueOf(port)) && f[2].equals("304")) {
                last = f[1] + ", " + f[3] + ", " + f[4];
            }
        }
        return last;
    }

    /** A 1.0.0 channel: the agent runs 1.0.0, so every check after the first is an unchanged poll. */
    private static void publish(Path channel, KeyPair keys) throws Exception {
        Files.createDirectories(channel.resolve("1.0.0"));
        byte[] artifact = "the bytes of 1.0.0".getBytes(StandardCharsets.UTF_8);
        Files.write(channel.resolve("1.0.0/app.jar"), artifact);
        byte[] manifest = ManifestWriter.write(new Manifest(ReleaseVersion.parse("1.0.0"), Instant.now(),
                Map.of("any", new Artifact("1.0.0/app.jar", Sha256.ofBytes(artifact), artifact.length)),
                new Changelog(List.of("First release"), List.of()), null, false, null, null));
        Files.write(channel.resolve("manifest.json.sig"), ManifestSignatures.sign(manifest, keys.getPrivate()));
        Files.write(channel.resolve("manifest.json"), manifest);
    }

    /** A loopback TCP relay to nginx that counts the payload each way: what TLS and HTTP put on the wire. */
    private static final class Relay implements AutoCloseable {
        final AtomicLong up = new AtomicLong();
        final AtomicLong down = new AtomicLong();
        final AtomicInteger connections = new AtomicInteger();
        private final ServerSocket server;

        Relay(int target) throws IOException {
            server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
            Thread acceptor = new Thread(() -> {
                while (!server.isClosed()) {
                    try {
                        Socket client = server.accept();
                        Socket nginx = new Socket(InetAddress.getLoopbackAddress(), target);
                        connections.incrementAndGet();
                        pump(client, nginx, up);
                        pump(nginx, client, down);
                    } catch (IOException e) {
                        return;
                    }
                }
            }, "relay-accept");
            acceptor.setDaemon(true);
            acceptor.start();
        }

        int port() {
            return server.getLocalPort();
        }

        private static void pump(Socket from, Socket to, AtomicLong count) {
            Thread thread = new Thread(() -> {
                byte[] buffer = new byte[16384];
                try {
                    InputStream in = from.getInputStream();
                    OutputStream out = to.getOutputStream();
                    for (int n; (n = in.read(buffer)) > 0; ) {
                        count.addAndGet(n);
                        out.write(buffer, 0, n);
                        out.flush();
                    }
                    to.shutdownOutput(); // a half close is passed on as it came
                } catch (IOException e) {
                    closeQuietly(from);
                    closeQuietly(to);
                }
            }, "relay");
            thread.setDaemon(true);
            thread.start();
        }

        private static void closeQuietly(Socket socket) {
            try {
                socket.close();
            } catch (IOException ignored) {
                // closed already
            }
        }

        @Override
        public void close() throws IOException {
            server.close();
        }
    }
}
