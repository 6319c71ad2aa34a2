package dev.updater.sidecar.serve;

import dev.updater.core.signature.SignedManifest;

import java.util.Locale;
import java.util.regex.Pattern;

/** The {@code Content-Type} and {@code Cache-Control} of a served file, decided by its name. */
final class FileTypes {
    /** Revalidate every time: the manifest changes at each release under the same name. */
    static final String CACHE_REVALIDATE = "no-cache";
    /** Versioned artifacts never change under their name. */
    static final String CACHE_IMMUTABLE = "public, max-age=31536000, immutable";
    /** A name without a version ("app.jar") may be overwritten by the next release. */
    static final String CACHE_SHORT = "public, max-age=60";

    private static final Pattern VERSIONED_NAME = Pattern.compile(".*\\d+\\.\\d+.*");

    private FileTypes() {
    }

    static String contentType(String fileName) {
        String name = fileName.toLowerCase(Locale.ROOT);
        if (name.endsWith(".json")) {
            return "application/json";
        }
        if (name.endsWith(".sig") || name.endsWith(".txt") || name.endsWith(".sha256") || name.endsWith(".pem")) {
            return "text/plain; charset=utf-8";
        }
        if (name.endsWith(".jar")) {
            return "application/java-archive";
        }
        if (name.endsWith(".zip")) {
            return "application/zip";
        }
        if (name.endsWith(".tar.gz") || name.endsWith(".tgz") || name.endsWith(".gz")) {
            return "application/gzip";
        }
        return "application/octet-stream";
    }

    /**
     * {@code manifest.json}, its signature and {@code manifest.signed} must be revalidated at every
     * poll, or a cache between publisher and hosts would hide a release (or a revocation, a halt). Artifacts whose name
     * carries a version are immutable; an unversioned name gets a short lifetime, so a cache
     * never serves last release's bytes for long (the agent would reject them by hash anyway).
     */
    static String cacheControl(String fileName) {
        if (fileName.startsWith("manifest.json") || fileName.equals(SignedManifest.FILE_NAME)) {
            return CACHE_REVALIDATE;
        }
        return VERSIONED_NAME.matcher(fileName).matches() ? CACHE_IMMUTABLE : CACHE_SHORT;
    }
}
