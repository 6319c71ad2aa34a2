package dev.updater.sidecar.serve;

import dev.updater.core.Sha256;
import dev.updater.core.download.Cancellation;
import dev.updater.core.download.DownloadListener;
import dev.updater.core.download.DownloadOptions;
import dev.updater.core.download.DownloadRequest;
import dev.updater.core.download.Downloader;
import dev.updater.core.download.ManifestFetcher;
import dev.updater.core.download.Validators;
import dev.updater.core.download.VerifiedFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code serve} answered by the core downloader and manifest fetcher, as hosts will use it. */
class ServeWithDownloaderTest {
    @TempDir
    Path dir;

    @Test
    void aDownloadCutMidBody_isResumedWithRangeAgainstServe_toTheExactFile() throws Exception {
        Path channel = Files.createDirectories(dir.resolve("channel/1.1.0/any"));
        byte[] artifact = new byte[3_000_000];
        new Random(11).nextBytes(artifact);
        Files.write(channel.resolve("app.jar"), artifact);
        List<String> log = new CopyOnWriteArrayList<>();

        try (ReleaseServer server = ReleaseServer.start(dir.resolve("channel"),
                new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), log::add);
             CuttingProxy proxy = new CuttingProxy(server.port(), 1_000_000)) {
            URI uri = URI.create("http://127.0.0.1:" + proxy.port() + "/1.1.0/any/app.jar");
            Downloader downloader = new Downloader(DownloadOptions.defaults().withRetries(2));

            VerifiedFile file = downloader.download(new DownloadRequest(uri, artifact.length, Sha256.ofBytes(artifact),
                    dir, "app.jar"), DownloadListener.NONE, Cancellation.none());

            assertArrayEquals(artifact, Files.readAllBytes(file.path()));
            assertEquals(2, proxy.connections(), "the first connection was cut; the second resumed");
            assertTrue(log.stream().anyMatch(l -> l.contains("/1.1.0/any/app.jar") && l.contains(" 206 ")),
                    "serve answered the resume with 206: " + log);
        }
    }

    @Test
    void theManifestFetcher_getsA304FromServe_onTheSecondFetch() throws Exception {
        Path channel = Files.createDirectories(dir.resolve("channel"));
        Files.writeString(channel.resolve("manifest.json"), "{}");
        Files.writeString(channel.resolve("manifest.json.sig"), "c2ln\n");
        try (ReleaseServer server = ReleaseServer.start(channel,
                new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), line -> { })) {
            ManifestFetcher fetcher = new ManifestFetcher(DownloadOptions.defaults());
            ManifestFetcher.Fetched first = assertInstanceOf(ManifestFetcher.Fetched.class,
                    fetcher.fetch(server.uri().resolve("manifest.json"), Validators.NONE));
            assertArrayEquals("c2ln\n".getBytes(), first.signatureOrNull());
            assertInstanceOf(ManifestFetcher.NotModified.class,
                    fetcher.fetch(server.uri().resolve("manifest.json"), first.validators()));
        }
    }

    /** A TCP proxy on loopback that drops its first connection after {@code cutAfter} response bytes. */
    private static final class CuttingProxy implements AutoCloseable {
        private final ServerSocket listener = new ServerSocket(0, 10, InetAddress.getLoopbackAddress());
        private final AtomicInteger connections = new AtomicInteger();

        CuttingProxy(int upstreamPort, long cutAfter) throws IOException {
            Thread acceptor = new Thread(() -> {
                while (!listener.isClosed()) {
                    try {
                        Socket client = listener.accept();
                        Socket upstream = new Socket(InetAddress.getLoopbackAddress(), upstreamPort);
                        long limit = connections.incrementAndGet() == 1 ? cutAfter : Long.MAX_VALUE;
                        pump(client.getInputStream(), upstream.getOutputStream(), Long.MAX_VALUE, client, upstream);
                        pump(upstream.getInputStream(), client.getOutputStream(), limit, client, upstream);
                    } catch (IOException e) {
                        return;
                    }
                }
            }, "cutting-proxy");
            acceptor.setDaemon(true);
            acceptor.start();
        }

        int port() {
            return listener.getLocalPort();
        }

        int connections() {
            return connections.get();
        }

        private static void pump(InputStream in, OutputStream out, long limit, Socket a, Socket b) {
            Thread t = new Thread(() -> {
                byte[] buffer = new byte[16 * 1024];
                long sent = 0;
                try {
                    int n;
                    while ((n = in.read(buffer)) > 0) {
                        int allowed = (int) Math.min(n, limit - sent);
                        out.write(buffer, 0, allowed);
                        out.flush();
                        sent += allowed;
                        if (sent >= limit) {
                            break;
                        }
                    }
                } catch (IOException ignored) {
                    // the other side closed
                } finally {
                    closeQuietly(a);
                    closeQuietly(b);
                }
            }, "cutting-proxy-pump");
            t.setDaemon(true);
            t.start();
        }

        private static void closeQuietly(Socket socket) {
            try {
                socket.close();
            } catch (IOException ignored) {
                // already closed
            }
        }

        @Override
        public void close() throws IOException {
            listener.close();
        }
    }
}
