package dev.updater.core.download;

import dev.updater.core.Sha256;
import dev.updater.core.UpdaterException;
import dev.updater.core.home.AtomicFiles;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code fileName.part} being written and its {@code fileName.part.meta}: which artifact (size
 * and SHA-256) the part belongs to and the validator (ETag or Last-Modified) of the response it came
 * from, so a later call can resume with {@code Range} + {@code If-Range}. The running SHA-256 always
 * covers exactly the bytes in the part: bytes kept from an earlier call are re-read and re-hashed,
 * never trusted. Used by one thread only.
 */
final class PartialDownload implements AutoCloseable {
    private static final int READ_BUFFER = 1 << 20;

    private final Path part;
    private final Path meta;
    private final Sha256 expectedSha256;
    private final long expectedSize;
    private FileChannel channel;
    private MessageDigest digest = Sha256.newDigest();
    private long bytes;
    private String etag;
    private String lastModified;
    private boolean metaSaved;

    private PartialDownload(DownloadRequest request) {
        this.part = partPath(request);
        this.meta = request.directory().resolve(request.fileName() + ".part.meta");
        this.expectedSha256 = request.expectedSha256();
        this.expectedSize = request.expectedSize();
    }

    static Path partPath(DownloadRequest request) {
        return request.directory().resolve(request.fileName() + ".part");
    }

    /** Bytes an earlier call left that may count towards this download; for the free-space check only. */
    static long bytesOnDisk(DownloadRequest request) {
        try {
            long size = Files.size(partPath(request));
            return size <= request.expectedSize() ? size : 0;
        } catch (IOException e) {
            return 0;
        }
    }

    /**
     * Picks up the part an earlier call left, re-hashing its bytes, when its meta says it belongs to
     * this artifact; otherwise removes whatever lies there (threat: a part of another release, or a
     * symlink planted in its place) and starts empty. Nothing is created until {@link #append}.
     */
    static PartialDownload resume(DownloadRequest request) throws IOException {
        PartialDownload download = new PartialDownload(request);
        download.load();
        return download;
    }

    long bytes() {
        return bytes;
    }

    Path part() {
        return part;
    }

    /** {@code Range} and, when a strong validator is known, {@code If-Range} to fetch the rest. */
    Map<String, String> resumeHeaders() {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Range", "bytes=" + bytes + "-");
        if (etag != null && !etag.startsWith("W/")) {
            headers.put("If-Range", etag);
        } else if (lastModified != null) {
            headers.put("If-Range", lastModified);
        }
        return headers;
    }

    /** Saves the response's validators beside the part, if they changed, before its bytes are written. */
    void rememberValidators(String newEtag, String newLastModified) throws IOException {
        if (metaSaved && equal(newEtag, etag) && equal(newLastModified, lastModified)) {
            return;
        }
        etag = newEtag;
        lastModified = newLastModified;
        StringBuilder text = new StringBuilder()
                .append("sha256=").append(expectedSha256.hex()).append('\n')
                .append("size=").append(expectedSize).append('\n');
        if (etag != null) {
            text.append("etag=").append(etag).append('\n');
        }
        if (lastModified != null) {
            text.append("last-modified=").append(lastModified).append('\n');
        }
        openChannel();
        try {
            AtomicFiles.write(meta, text.toString().getBytes(StandardCharsets.UTF_8));
        } catch (UpdaterException e) {
            throw e.getCause() instanceof IOException io ? io : new IOException(e.getMessage(), e);
        }
        metaSaved = true;
    }

    /** Appends a chunk to the part and to the running hash. */
    void append(List<ByteBuffer> chunk) throws IOException {
        openChannel();
        ByteBuffer[] buffers = chunk.toArray(new ByteBuffer[0]);
        long length = 0;
        for (ByteBuffer buffer : buffers) {
            length += buffer.remaining();
            digest.update(buffer.duplicate());
        }
        long written = 0;
        while (written < length) {
            written += channel.write(buffers);
        }
        bytes += length;
    }

    /** Throws away the bytes so far: the server is sending the whole artifact again. */
    void reset() throws IOException {
        if (channel != null) {
            channel.truncate(0);
            channel.position(0);
        }
        digest = Sha256.newDigest();
        bytes = 0;
    }

    /** The SHA-256 of the bytes written; call once, when the part is complete. */
    Sha256 sha256() {
        return Sha256.of(digest.digest());
    }

    /** Makes the part durable and renames it to {@code target} atomically; the meta goes last. */
    void commit(Path target) throws IOException {
        openChannel();
        channel.force(true);
        close();
        AtomicFiles.moveAtomically(part, target);
        Files.deleteIfExists(meta);
    }

    /** Deletes the part and its meta: their bytes are known to be garbage. */
    void discard() throws IOException {
        close();
        Files.deleteIfExists(part);
        Files.deleteIfExists(meta);
        digest = Sha256.newDigest();
        bytes = 0;
        etag = null;
        lastModified = null;
        metaSaved = false;
    }

    @Override
    public void close() throws IOException {
        FileChannel c = channel;
        channel = null;
        if (c != null) {
            c.close();
        }
    }

    private void load() throws IOException {
        Map<String, String> saved = readMeta();
        boolean sameArtifact = saved != null
                && expectedSha256.hex().equals(saved.get("sha256"))
                && String.valueOf(expectedSize).equals(saved.get("size"));
        if (!sameArtifact || !Files.isRegularFile(part, LinkOption.NOFOLLOW_LINKS)) {
            discard();
            return;
        }
        etag = saved.get("etag");
        lastModified = saved.get("last-modified");
        metaSaved = true;
        openChannel();
        ByteBuffer buffer = ByteBuffer.allocate(READ_BUFFER);
        channel.position(0);
        int n;
        while ((n = channel.read(buffer)) >= 0) {
            if (n > 0) {
                digest.update(buffer.array(), 0, buffer.position());
                bytes += buffer.position();
                buffer.clear();
            }
        }
        if (bytes > expectedSize) {
            // More than the artifact can hold: it cannot be a prefix of it.
            reset();
        }
    }

    private Map<String, String> readMeta() throws IOException {
        List<String> lines;
        try {
            if (!Files.isRegularFile(meta, LinkOption.NOFOLLOW_LINKS)) {
                return null;
            }
            lines = Files.readAllLines(meta, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            return null;
        } catch (java.nio.charset.CharacterCodingException e) {
            return null;
        }
        Map<String, String> values = new LinkedHashMap<>();
        for (String line : lines) {
            int eq = line.indexOf('=');
            if (eq > 0) {
                values.put(line.substring(0, eq), line.substring(eq + 1));
            }
        }
        return values;
    }

    private void openChannel() throws IOException {
        if (channel == null) {
            // NOFOLLOW_LINKS: a symlink planted as the part must not redirect our writes elsewhere.
            channel = FileChannel.open(part, StandardOpenOption.CREATE, StandardOpenOption.READ,
                    StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS);
            channel.position(channel.size());
        }
    }

    private static boolean equal(String a, String b) {
        return a == null ? b == null : a.equals(b);
    }
}
