package dev.updater.core.manifest;

import dev.updater.core.Sha256;

import java.net.URI;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;

/**
 * One downloadable artifact of a release: where it is, its SHA-256 and its exact size in bytes.
 * The url may be relative to the manifest's own URL, as written by {@code publish}. A zip-format
 * artifact may name its entry index ({@code "index"}, DESIGN §12), which lets a client download
 * only the entries it lacks; agents that predate it ignore the field. Mirrors ({@code "urls"}, DESIGN
 * §11) serve the same bytes elsewhere; agents that predate them use {@code url} alone.
 *
 * <p>An archive artifact ({@code "format": "zip"|"tar.gz"}, DESIGN §5 "Archives") is unpacked into
 * its release folder; its {@code "config"} paths name the files inside it that an operator may edit,
 * which an install keeps when changed (the new one written beside as {@code <name>.new}).
 *
 * @param index the entry index for delta downloads, or null
 * @param urls mirrors of {@code url} (absolute, or relative to the manifest's URL), tried with it in a
 *     per-host order; empty when there are none
 * @param format the archive format, or null for a single file
 * @param config operator-editable files inside the archive, relative with {@code /} separators; empty
 *     for a single file
 */
public record Artifact(String url, Sha256 sha256, long size, IndexRef index, List<String> urls,
                       ArchiveFormat format, List<String> config) {
    /** Threat: a manifest listing thousands of mirrors, each costing a host a connect timeout. */
    public static final int MAX_MIRRORS = 16;

    public Artifact {
        Objects.requireNonNull(url, "url");
        Objects.requireNonNull(sha256, "sha256");
        urls = urls == null ? List.of() : List.copyOf(urls);
        if (urls.size() > MAX_MIRRORS) {
            throw new IllegalArgumentException("An artifact lists at most " + MAX_MIRRORS + " mirror urls, got " + urls.size());
        }
        if (url.isBlank()) {
            throw new IllegalArgumentException("An artifact url must not be blank");
        }
        if (size <= 0) {
            throw new IllegalArgumentException("An artifact size must be positive, got " + size);
        }
        config = config == null ? List.of() : List.copyOf(config);
        if (!config.isEmpty() && format == null) {
            throw new IllegalArgumentException("Only an archive artifact has config files, got " + config);
        }
        for (String path : config) {
            if (!isConfigPath(path)) {
                throw new IllegalArgumentException("A config path must be relative inside the archive, got \""
                        + path + "\"");
            }
        }
    }

    public Artifact(String url, Sha256 sha256, long size) {
        this(url, sha256, size, null);
    }

    public Artifact(String url, Sha256 sha256, long size, IndexRef index) {
        this(url, sha256, size, index, List.of(), null, List.of());
    }

    /** A single file with mirrors. */
    public Artifact(String url, Sha256 sha256, long size, IndexRef index, List<String> urls) {
        this(url, sha256, size, index, urls, null, List.of());
    }

    /** An archive (or, with a null format, a single file) without mirrors. */
    public Artifact(String url, Sha256 sha256, long size, IndexRef index, ArchiveFormat format, List<String> config) {
        this(url, sha256, size, index, List.of(), format, config);
    }

    /** True for an archive that the agent unpacks into a release folder. */
    public boolean isArchive() {
        return format != null;
    }

    /**
     * A path inside an archive that a release may name as config: relative, {@code /}-separated, no
     * empty, {@code .} or {@code ..} segment, no backslash, drive letter or control character, so it
     * can never name a file outside the release folder.
     */
    public static boolean isConfigPath(String path) {
        if (path == null || path.isEmpty() || path.length() > 1024 || path.startsWith("/") || path.contains("\\")
                || path.contains(":")) {
            return false;
        }
        for (String segment : path.split("/", -1)) {
            if (segment.isEmpty() || segment.equals(".") || segment.equals("..")) {
                return false;
            }
        }
        return path.chars().noneMatch(c -> c < 0x20 || c == 0x7f);
    }

    /** Every place this artifact is served, absolute: {@code url} first, then its mirrors, without duplicates. */
    public List<URI> candidates(URI manifestUri) {
        LinkedHashSet<URI> all = new LinkedHashSet<>();
        all.add(resolve(manifestUri));
        urls.forEach(mirror -> all.add(resolve(mirror, manifestUri)));
        return List.copyOf(all);
    }

    /** The absolute location of this artifact, resolving a relative url against the manifest's. */
    public URI resolve(URI manifestUri) {
        return resolve(url, manifestUri);
    }

    static URI resolve(String url, URI manifestUri) {
        URI uri = URI.create(url);
        return uri.isAbsolute() || manifestUri == null ? uri : manifestUri.resolve(uri);
    }

    /**
     * Where an artifact's entry index is, with its SHA-256 and size: the manifest's signature covers
     * them, so the index is as trusted as the artifact's own hash. Object {@code <sha256>} is at
     * {@code objects + <sha256>}; both urls may be relative to the manifest's.
     */
    public record IndexRef(String url, Sha256 sha256, long size, String objects) {
        public IndexRef {
            Objects.requireNonNull(url, "url");
            Objects.requireNonNull(objects, "objects");
            if (objects.isBlank() || !objects.endsWith("/")) {
                throw new IllegalArgumentException("An objects url must end with '/', got \"" + objects + "\"");
            }
            Objects.requireNonNull(sha256, "sha256");
            if (url.isBlank()) {
                throw new IllegalArgumentException("An index url must not be blank");
            }
            if (size <= 0) {
                throw new IllegalArgumentException("An index size must be positive, got " + size);
            }
        }

        /** The absolute location of the index, resolving a relative url against the manifest's. */
        public URI resolve(URI manifestUri) {
            return Artifact.resolve(url, manifestUri);
        }

        /** The absolute location of object {@code sha256}. */
        public URI object(URI manifestUri, Sha256 sha256) {
            return Artifact.resolve(objects + sha256.hex(), manifestUri);
        }
    }
}
