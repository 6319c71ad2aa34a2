package dev.updater.core.testing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.updater.core.Sha256;
import dev.updater.core.UpdaterException;
import dev.updater.core.manifest.Artifact;
import dev.updater.core.manifest.Changelog;
import dev.updater.core.manifest.Manifest;
import dev.updater.core.manifest.ManifestWriter;
import dev.updater.core.signature.Ed25519Keys;
import dev.updater.core.signature.ManifestSignatures;
import dev.updater.core.signature.SignedManifest;
import dev.updater.core.signature.TrustedKey;
import dev.updater.core.version.ReleaseVersion;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A signed release channel on 127.0.0.1 for tests of the agent and the sidecar: a directory of
 * manifest, signature and artifacts, served by the JDK's HttpServer with ETags and 304s. Tests
 * publish into it while hosts poll it.
 *
 * <pre>{@code
 * try (TestChannel channel = TestChannel.start(dir)) {
 *     channel.publish("1.1.0", jarBytes);
 *     // start a host with manifest=channel.manifestUri(), key=channel.keyText()
 * }
 * }</pre>
 */
public final class TestChannel implements AutoCloseable {
    private final Path dir;
    private final KeyPair keys;
    private final HttpServer server;
    private final ExecutorService executor;
    private final Map<String, AtomicInteger> requests = new ConcurrentHashMap<>();
    private volatile long artifactBytesPerSecond;

    private TestChannel(Path dir, KeyPair keys, HttpServer server, ExecutorService executor) {
        this.dir = dir;
        this.keys = keys;
        this.server = server;
        this.executor = executor;
    }

    public static TestChannel start(Path dir) throws IOException {
        Files.createDirectories(dir);
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
        ExecutorService executor = Executors.newFixedThreadPool(4, r -> {
            Thread t = new Thread(r, "test-channel");
            t.setDaemon(true);
            return t;
        });
        TestChannel channel = new TestChannel(dir, Ed25519Keys.generate(), server, executor);
        server.createContext("/", channel::serve);
        server.setExecutor(executor);
        server.start();
        return channel;
    }

    public Path dir() {
        return dir;
    }

    public URI manifestUri() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/manifest.json");
    }

    /** The channel's {@code manifest.signed}: manifest and signature in one file, as publish writes it beside them. */
    public URI signedManifestUri() {
        return manifestUri().resolve(SignedManifest.FILE_NAME);
    }

    public TrustedKey key() {
        return TrustedKey.of(keys.getPublic());
    }

    /** The agent's {@code key=} value. */
    public String keyText() {
        return Ed25519Keys.toText(keys.getPublic());
    }

    /**
     * Serves artifacts (not the manifest) at about this rate, 0 for full speed: a slow link, for tests
     * that cancel or watch a download in progress.
     */
    public void throttle(long bytesPerSecond) {
        this.artifactBytesPerSecond = bytesPerSecond;
    }

    /** How many requests reached {@code path} (such as {@code /manifest.json}). */
    public int requests(String path) {
        AtomicInteger count = requests.get(path);
        return count == null ? 0 : count.get();
    }

    /** Publishes {@code version} with one artifact for any platform, signed. */
    public Manifest publish(String version, byte[] artifact) throws IOException, UpdaterException {
        return publish(manifest(version, artifact), Map.of(artifactPath(version), artifact));
    }

    /**
     * Publishes the zip {@code jar} as {@code version} with its entry index (version 2: the top-level
     * file and its chunks) and {@code objects/}, laid out as {@code publish} lays them out (DESIGN §12), signed.
     */
    public Manifest publishWithIndex(String version, byte[] jar) throws IOException, UpdaterException {
        return publishWithIndex(version, jar, true);
    }

    /**
     * Publishes {@code file}, which is not a zip, as {@code version} with its chunk index and its chunks
     * under {@code objects/}, as {@code publish} lays them out (DESIGN §12), signed.
     */
    public Manifest publishWithChunkIndex(String version, byte[] file) throws IOException, UpdaterException {
        Path temp = Files.createTempFile("test-channel-", ".bin");
        try {
            Files.write(temp, file);
            Path objects = Files.createDirectories(dir.resolve("objects"));
            byte[] index = dev.updater.core.delta.FileChunkIndex.of(temp, (ref, buffer, from, to, offset) ->
                    Files.write(objects.resolve(ref.sha256().hex()), java.util.Arrays.copyOfRange(buffer, from, to)))
                    .toBytes();
            return publishIndexed(version, file, index);
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    /** Publishes {@code file} as {@code version} with {@code index} as its index (whatever its bytes), signed. */
    public Manifest publishIndexed(String version, byte[] file, byte[] index) throws IOException, UpdaterException {
        String path = artifactPath(version);
        Artifact artifact = new Artifact(path, Sha256.ofBytes(file), file.length,
                new Artifact.IndexRef(path + ".index", Sha256.ofBytes(index), index.length, "objects/"));
        Manifest manifest = new Manifest(ReleaseVersion.parse(version), Instant.now(), Map.of("any", artifact),
                new Changelog(java.util.List.of("Release " + version), java.util.List.of()), null, false, null, null);
        return publish(manifest, Map.of(path, file, path + ".index", index));
    }

    /** As {@link #publishWithIndex(String, byte[])}, with a version 1 index (one file, as channels published before chunks). */
    public Manifest publishWithVersion1Index(String version, byte[] jar) throws IOException, UpdaterException {
        return publishWithIndex(version, jar, false);
    }

    private Manifest publishWithIndex(String version, byte[] jar, boolean chunked) throws IOException, UpdaterException {
        Path file = Files.createTempFile("test-channel-", ".jar");
        try {
            Files.write(file, jar);
            dev.updater.core.delta.IndexedZip zip = dev.updater.core.delta.ZipIndexer.index(file);
            Path objects = Files.createDirectories(dir.resolve("objects"));
            byte[] index;
            if (chunked) {
                dev.updater.core.delta.ChunkedIndex.Written written = dev.updater.core.delta.ChunkedIndex.write(zip.index());
                index = written.top();
                for (int i = 0; i < written.storedChunks().size(); i++) {
                    Files.write(objects.resolve(written.index().chunks().get(i).object().sha256().hex()),
                            written.storedChunks().get(i));
                }
            } else {
                index = dev.updater.core.delta.IndexCodec.write(zip.index());
            }
            for (dev.updater.core.delta.ObjectRef ref : zip.index().allObjects()) {
                try (java.io.InputStream in = new dev.updater.core.delta.LocalObjects(java.util.List.of(zip), null).open(ref)) {
                    Files.write(objects.resolve(ref.sha256().hex()), in.readNBytes((int) ref.size()));
                }
            }
            String path = artifactPath(version);
            Artifact artifact = new Artifact(path, Sha256.ofBytes(jar), jar.length,
                    new Artifact.IndexRef(path + ".index", Sha256.ofBytes(index), index.length, "objects/"));
            Manifest manifest = new Manifest(ReleaseVersion.parse(version), Instant.now(), Map.of("any", artifact),
                    new Changelog(java.util.List.of("Release " + version), java.util.List.of()), null, false, null, null);
            return publish(manifest, Map.of(path, jar, path + ".index", index));
        } finally {
            Files.deleteIfExists(file);
        }
    }

    /**
     * Publishes the archive {@code bytes} as {@code version} ({@code "format"} set, as {@code publish}
     * does for a {@code .zip} or {@code .tar.gz}), with these {@code config} paths, signed.
     */
    public Manifest publishArchive(String version, dev.updater.core.manifest.ArchiveFormat format, byte[] bytes,
                                   java.util.List<String> config) throws IOException, UpdaterException {
        String path = version + "/any/app-" + version + (format == dev.updater.core.manifest.ArchiveFormat.ZIP
                ? ".zip" : ".tar.gz");
        Artifact artifact = new Artifact(path, Sha256.ofBytes(bytes), bytes.length, null, format, config);
        Manifest manifest = new Manifest(ReleaseVersion.parse(version), Instant.now(), Map.of("any", artifact),
                new Changelog(java.util.List.of("Release " + version), java.util.List.of()), null, false, null, null);
        return publish(manifest, Map.of(path, bytes));
    }

    /** Writes {@code files} (paths relative to the channel), then the signed manifest. */
    public Manifest publish(Manifest manifest, Map<String, byte[]> files) throws IOException, UpdaterException {
        for (Map.Entry<String, byte[]> file : files.entrySet()) {
            Path path = dir.resolve(file.getKey());
            Files.createDirectories(path.getParent());
            Files.write(path, file.getValue());
        }
        byte[] bytes = ManifestWriter.write(manifest);
        writeRaw(bytes, ManifestSignatures.sign(bytes, keys.getPrivate()));
        return manifest;
    }

    /**
     * Writes exactly these manifest and signature bytes (null removes the signature), and
     * {@code manifest.signed} holding both as publish writes it (removed with the signature).
     */
    public void writeRaw(byte[] manifest, byte[] signature) throws IOException {
        Files.write(dir.resolve("manifest.json"), manifest);
        Path sig = dir.resolve("manifest.json.sig");
        if (signature == null) {
            Files.deleteIfExists(sig);
            Files.deleteIfExists(dir.resolve(SignedManifest.FILE_NAME));
        } else {
            Files.write(sig, signature);
            Files.write(dir.resolve(SignedManifest.FILE_NAME), SignedManifest.write(manifest, signature));
        }
    }

    /** Writes exactly these bytes as {@code manifest.signed}, whatever they hold. */
    public void writeSignedRaw(byte[] file) throws IOException {
        Files.write(dir.resolve(SignedManifest.FILE_NAME), file);
    }

    public byte[] sign(byte[] manifest) throws UpdaterException {
        return ManifestSignatures.sign(manifest, keys.getPrivate());
    }

    /**
     * A manifest of {@code version} with one {@code any} artifact at its usual path, released now: the
     * commands under test tell its age ("released just now") by the system clock, so this is real time.
     */
    public static Manifest manifest(String version, byte[] artifact) throws UpdaterException {
        return new Manifest(ReleaseVersion.parse(version), Instant.now(),
                Map.of("any", new Artifact(artifactPath(version), Sha256.ofBytes(artifact), artifact.length)),
                new Changelog(java.util.List.of("Release " + version), java.util.List.of()), null, false, null, null);
    }

    public static String artifactPath(String version) {
        return version + "/any/app.jar";
    }

    private void serve(HttpExchange exchange) throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().getPath();
            requests.computeIfAbsent(path, p -> new AtomicInteger()).incrementAndGet();
            Path file = dir.resolve(path.substring(1)).normalize();
            if (!file.startsWith(dir) || !Files.isRegularFile(file)) {
                exchange.sendResponseHeaders(404, -1);
                return;
            }
            byte[] body = Files.readAllBytes(file);
            String etag = "\"" + Sha256.ofBytes(body).hex().substring(0, 16) + "\"";
            exchange.getResponseHeaders().set("ETag", etag);
            if (etag.equals(exchange.getRequestHeaders().getFirst("If-None-Match"))) {
                exchange.sendResponseHeaders(304, -1);
                return;
            }
            long rate = path.startsWith("/manifest.") ? 0 : artifactBytesPerSecond;
            exchange.sendResponseHeaders(200, body.length == 0 ? -1 : body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                if (rate <= 0) {
                    out.write(body);
                    return;
                }
                int chunk = (int) Math.max(1, rate / 20);
                for (int at = 0; at < body.length; at += chunk) {
                    out.write(body, at, Math.min(chunk, body.length - at));
                    out.flush();
                    try {
                        Thread.sleep(50); // the server side of a slow link; tests themselves never sleep
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return;
                    }
                }
            }
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
