package dev.updater.sidecar.serve;

import java.io.IOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The directory being served, and the only way from a request path to one of its regular files.
 *
 * <p>A request path reaches a file only if every segment, once percent-decoded, is a plain name
 * (no {@code .}/{@code ..}, no separator, no control character, no drive or stream colon, no
 * leading dot) and the file's real path, symlinks followed, still lies inside the directory's
 * real path. Everything else is "not found": the server never says why, so a prober learns
 * nothing about what lies outside.
 *
 * <pre>{@code
 * ReleaseDirectory releases = new ReleaseDirectory(Path.of("/srv/releases"));
 * Optional<OpenedFile> file = releases.open(URI.create("/app-1.3.0.jar"));
 * }</pre>
 */
final class ReleaseDirectory {
    /** Re-reads when the file is replaced between its attributes and its opening. */
    private static final int OPEN_ATTEMPTS = 3;

    private final Path root;

    ReleaseDirectory(Path root) {
        this.root = Objects.requireNonNull(root, "root");
    }

    Path root() {
        return root;
    }

    /**
     * Opens the regular file that {@code requestUri} names, with attributes that belong to the
     * opened bytes; empty when the request names nothing servable. The caller closes the file.
     */
    Optional<OpenedFile> open(URI requestUri) throws IOException {
        Optional<Path> file = resolve(requestUri);
        if (file.isEmpty()) {
            return Optional.empty();
        }
        for (int attempt = 1; attempt <= OPEN_ATTEMPTS; attempt++) {
            Optional<OpenedFile> opened = openConsistently(file.get());
            if (opened.isPresent() || !Files.exists(file.get(), LinkOption.NOFOLLOW_LINKS)) {
                return opened;
            }
        }
        // Replaced faster than we can open it three times in a row: answer "not found" for now
        // rather than pair one file's bytes with another file's validators.
        return Optional.empty();
    }

    /**
     * Maps a request URI to the real path of a regular file inside the root, or empty.
     *
     * <p>Decides on the raw (still percent-encoded) path, segment by segment, so that an encoded
     * {@code %2f} or {@code %5c} can never turn into a separator after the check.
     */
    Optional<Path> resolve(URI requestUri) {
        // "//etc/passwd" parses as authority "etc" and path "/passwd": refuse rather than guess.
        if (requestUri.getScheme() == null && requestUri.getRawAuthority() != null) {
            return Optional.empty();
        }
        String rawPath = requestUri.getRawPath();
        if (rawPath == null || !rawPath.startsWith("/")) {
            return Optional.empty();
        }
        Optional<List<String>> segments = decodeSegments(rawPath);
        if (segments.isEmpty() || segments.get().isEmpty()) {
            return Optional.empty();
        }

        Path realRoot;
        try {
            // Real path per request: a root that is itself a symlink ("current -> releases/1.3.0")
            // may be re-pointed while we run.
            realRoot = root.toRealPath();
        } catch (IOException e) {
            return Optional.empty();
        }
        Path candidate = realRoot;
        try {
            for (String segment : segments.get()) {
                candidate = candidate.resolve(segment);
            }
        } catch (InvalidPathException e) {
            return Optional.empty(); // a name this file system cannot hold ('*' or '"' on Windows)
        }
        if (!candidate.normalize().startsWith(realRoot)) {
            return Optional.empty();
        }
        Path real;
        try {
            real = candidate.toRealPath();
        } catch (IOException e) {
            return Optional.empty();
        }
        // Threat: a symlink inside the directory that points outside it (../../etc/passwd).
        if (!real.startsWith(realRoot) || real.equals(realRoot)) {
            return Optional.empty();
        }
        if (!Files.isRegularFile(real, LinkOption.NOFOLLOW_LINKS)) {
            return Optional.empty();
        }
        return Optional.of(real);
    }

    /** The decoded segments of a raw path, or empty when any segment is not a plain file name. */
    static Optional<List<String>> decodeSegments(String rawPath) {
        List<String> segments = new ArrayList<>();
        // Skip the leading "/"; split keeps empty segments ("a//b", "a/") so they are refused.
        String[] raw = rawPath.substring(1).split("/", -1);
        for (String rawSegment : raw) {
            Optional<String> decoded = percentDecode(rawSegment);
            if (decoded.isEmpty() || !isPlainName(decoded.get())) {
                return Optional.empty();
            }
            segments.add(decoded.get());
        }
        return Optional.of(segments);
    }

    private static boolean isPlainName(String name) {
        if (name.isEmpty() || name.startsWith(".")) {
            // Also refuses "." and ".."; a leading dot hides temp files of atomic writes
            // (".manifest.json.tmp"), ".git" and other dot files that were never meant to be served.
            return false;
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            // '/' and '\' are separators somewhere; ':' is a Windows drive or alternate data stream.
            if (c < 0x20 || c == 0x7f || c == '/' || c == '\\' || c == ':') {
                return false;
            }
        }
        return true;
    }

    /** Strict percent-decoding to UTF-8: a malformed escape or invalid UTF-8 gives empty. */
    private static Optional<String> percentDecode(String rawSegment) {
        if (rawSegment.indexOf('%') < 0) {
            return Optional.of(rawSegment);
        }
        byte[] encoded = rawSegment.getBytes(StandardCharsets.UTF_8);
        ByteBuffer bytes = ByteBuffer.allocate(encoded.length);
        for (int i = 0; i < encoded.length; i++) {
            if (encoded[i] != '%') {
                bytes.put(encoded[i]);
                continue;
            }
            if (i + 2 >= encoded.length) {
                return Optional.empty();
            }
            int high = Character.digit(encoded[i + 1], 16);
            int low = Character.digit(encoded[i + 2], 16);
            if (high < 0 || low < 0) {
                return Optional.empty();
            }
            bytes.put((byte) (high << 4 | low));
            i += 2;
        }
        bytes.flip();
        try {
            return Optional.of(StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(bytes)
                    .toString());
        } catch (CharacterCodingException e) {
            return Optional.empty();
        }
    }

    /**
     * Opens {@code file} and reads its attributes before and after: if the file was replaced in
     * between (an atomic rename of manifest.json during a publish), the validators might describe
     * other bytes, so it answers empty and the caller tries again.
     */
    private static Optional<OpenedFile> openConsistently(Path file) throws IOException {
        BasicFileAttributes before;
        FileChannel channel;
        try {
            before = Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            channel = FileChannel.open(file, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS);
        } catch (IOException e) {
            return Optional.empty();
        }
        boolean keepOpen = false;
        try {
            BasicFileAttributes after =
                    Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            boolean same = before.isRegularFile()
                    && Objects.equals(before.fileKey(), after.fileKey())
                    && before.size() == after.size()
                    && before.lastModifiedTime().equals(after.lastModifiedTime())
                    && channel.size() == after.size();
            if (!same) {
                return Optional.empty();
            }
            keepOpen = true;
            return Optional.of(new OpenedFile(file, channel, after.size(), after.lastModifiedTime().toInstant()));
        } catch (IOException e) {
            return Optional.empty();
        } finally {
            if (!keepOpen) {
                channel.close();
            }
        }
    }
}
