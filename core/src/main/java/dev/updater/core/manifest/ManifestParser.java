package dev.updater.core.manifest;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.updater.core.ErrorCode;
import dev.updater.core.Sha256;
import dev.updater.core.UpdaterException;
import dev.updater.core.json.Json;
import dev.updater.core.platform.PlatformKeys;
import dev.updater.core.text.Printable;
import dev.updater.core.version.ReleaseVersion;

import java.io.IOException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads a release manifest from its exact bytes. Every problem is reported at once, each with
 * its JSON path ({@code $.binaries.any.sha256 must be 64 hex digits, got "abc"}), so a publisher
 * fixes them in one go. Unknown fields are ignored for forward compatibility.
 */
public final class ManifestParser {
    /** Larger manifests are refused before parsing: nothing legitimate comes near it. */
    public static final int MAX_BYTES = 1 << 20;

    private ManifestParser() {
    }

    /**
     * Parses and validates {@code bytes}.
     *
     * @param source where the bytes came from, named in error messages
     * @throws UpdaterException {@code MANIFEST_TOO_LARGE}, {@code MANIFEST_MALFORMED} (not JSON) or
     *     {@code MANIFEST_INVALID} (JSON, but not a valid manifest)
     */
    public static Manifest parse(byte[] bytes, String source) throws UpdaterException {
        if (bytes.length > MAX_BYTES) {
            throw new UpdaterException(ErrorCode.MANIFEST_TOO_LARGE, "Manifest " + source + " is "
                    + bytes.length + " bytes, over the limit of " + MAX_BYTES + " bytes; it is refused unread.");
        }
        JsonNode root;
        try {
            root = Json.mapper().readTree(bytes);
        } catch (JsonProcessingException e) {
            JsonLocation at = e.getLocation();
            String where = at == null ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr();
            throw new UpdaterException(ErrorCode.MANIFEST_MALFORMED, "Manifest " + source
                    + " is not valid JSON" + where + ": " + Printable.of(e.getOriginalMessage()) + ".", e);
        } catch (IOException e) {
            throw new UpdaterException(ErrorCode.MANIFEST_MALFORMED,
                    "Manifest " + source + " could not be read as JSON: " + Printable.of(e.getMessage()) + ".", e);
        }
        if (root == null || !root.isObject()) {
            throw new UpdaterException(ErrorCode.MANIFEST_MALFORMED,
                    "Manifest " + source + " must be a JSON object, got " + describe(root) + ".");
        }
        Reader reader = new Reader();
        Manifest manifest = reader.read(root);
        if (!reader.problems.isEmpty()) {
            throw new UpdaterException(ErrorCode.MANIFEST_INVALID, "Manifest " + source + " is invalid: "
                    + String.join("; ", reader.problems) + ".");
        }
        return manifest;
    }

    /** Walks the tree once, collecting every problem instead of stopping at the first. */
    private static final class Reader {
        final List<String> problems = new ArrayList<>();

        Manifest read(JsonNode root) {
            ReleaseVersion version = version(root, "version", true);
            Instant releaseDate = instant(root, "release_date");
            Map<String, Artifact> binaries = binaries(root);
            Changelog changelog = changelog(root);
            ReleaseVersion minVersion = version(root, "min_version", false);
            boolean breaking = bool(root, "breaking_changes");
            Instant expires = instant(root, "expires");
            Rollout rollout = RolloutReader.read(root, releaseDate, problems);
            if (!problems.isEmpty()) {
                return null;
            }
            return new Manifest(version, releaseDate, binaries, changelog, minVersion, breaking, expires, rollout);
        }

        private ReleaseVersion version(JsonNode parent, String field, boolean required) {
            String text = string(parent, "$", field, required);
            if (text == null) {
                return null;
            }
            ReleaseVersion version = ReleaseVersion.tryParse(text);
            if (version == null) {
                problems.add("$." + field + " must be a semantic version such as 1.3.0, got \"" + abbreviate(text) + "\"");
            }
            return version;
        }

        private Instant instant(JsonNode parent, String field) {
            String text = string(parent, "$", field, false);
            if (text == null) {
                return null;
            }
            try {
                return OffsetDateTime.parse(text).toInstant();
            } catch (DateTimeParseException e) {
                problems.add("$." + field + " must be an ISO-8601 date-time such as 2026-02-07T12:00:00Z, got \""
                        + abbreviate(text) + "\"");
                return null;
            }
        }

        private boolean bool(JsonNode parent, String field) {
            JsonNode node = parent.get(field);
            if (node == null || node.isNull()) {
                return false;
            }
            if (!node.isBoolean()) {
                problems.add("$." + field + " must be true or false, got " + describe(node));
                return false;
            }
            return node.booleanValue();
        }

        private Map<String, Artifact> binaries(JsonNode root) {
            JsonNode node = root.get("binaries");
            if (node == null || node.isNull()) {
                problems.add("$.binaries is missing");
                return Map.of();
            }
            if (!node.isObject()) {
                problems.add("$.binaries must be an object of platform keys, got " + describe(node));
                return Map.of();
            }
            if (node.isEmpty()) {
                problems.add("$.binaries must name at least one artifact");
                return Map.of();
            }
            Map<String, Artifact> binaries = new LinkedHashMap<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> entry = it.next();
                String path = "$.binaries." + abbreviate(entry.getKey());
                String key = PlatformKeys.normalize(entry.getKey());
                if (key == null) {
                    problems.add(path + " is not a platform key; use lower-case words and digits joined by "
                            + "'-' such as linux-x64, or any");
                    continue;
                }
                Artifact artifact = artifact(path, entry.getValue());
                if (artifact == null) {
                    continue;
                }
                if (binaries.containsKey(key)) {
                    problems.add(path + " names platform " + key + " a second time");
                    continue;
                }
                binaries.put(key, artifact);
            }
            return binaries;
        }

        private Artifact artifact(String path, JsonNode node) {
            if (!node.isObject()) {
                problems.add(path + " must be an object with url, sha256 and size, got " + describe(node));
                return null;
            }
            int before = problems.size();
            String url = string(node, path, "url", true);
            if (url != null && url.isBlank()) {
                problems.add(path + ".url must not be empty");
            } else if (url != null && !isUrl(url)) {
                problems.add(path + ".url is not a valid URL or relative path, got \"" + abbreviate(url)
                        + "\" (encode spaces and other special characters)");
            }
            String sha = string(node, path, "sha256", true);
            if (sha != null && !Sha256.isValidHex(sha)) {
                problems.add(path + ".sha256 must be 64 hex digits, got \"" + abbreviate(sha) + "\"");
            }
            long size = 0;
            JsonNode sizeNode = node.get("size");
            if (sizeNode == null || sizeNode.isNull()) {
                problems.add(path + ".size is missing");
            } else if (!sizeNode.isIntegralNumber() || !sizeNode.canConvertToLong()) {
                problems.add(path + ".size must be a whole number of bytes, got " + describe(sizeNode));
            } else if (sizeNode.longValue() <= 0) {
                problems.add(path + ".size must be greater than 0, got " + sizeNode.longValue());
            } else {
                size = sizeNode.longValue();
            }
            Artifact.IndexRef index = ArtifactPartsReader.index(path, node.get("index"), problems);
            ArchiveFormat format = ArtifactPartsReader.format(path, node, problems);
            List<String> config = strings(node, path, "config");
            for (int i = 0; i < config.size(); i++) {
                if (!Artifact.isConfigPath(config.get(i))) {
                    problems.add(path + ".config[" + i + "] must be a relative path inside the archive such as"
                            + " config/app.properties, got \"" + abbreviate(config.get(i)) + "\"");
                }
            }
            if (!config.isEmpty() && format == null && !node.hasNonNull("format")) {
                problems.add(path + ".config names files inside an archive; add \"format\": \"zip\" or \"tar.gz\"");
            }
            List<String> urls = ArtifactPartsReader.mirrors(path, node.get("urls"), problems);
            if (problems.size() > before) {
                return null;
            }
            return new Artifact(url, new Sha256(sha), size, index, urls, format, config);
        }

        private Changelog changelog(JsonNode root) {
            JsonNode node = root.get("changelog");
            if (node == null || node.isNull()) {
                return Changelog.EMPTY;
            }
            if (!node.isObject()) {
                problems.add("$.changelog must be an object with features and fixes, got " + describe(node));
                return Changelog.EMPTY;
            }
            return new Changelog(strings(node, "$.changelog", "features"), strings(node, "$.changelog", "fixes"));
        }

        private List<String> strings(JsonNode parent, String path, String field) {
            JsonNode node = parent.get(field);
            if (node == null || node.isNull()) {
                return List.of();
            }
            if (!node.isArray()) {
                problems.add(path + "." + field + " must be an array of strings, got " + describe(node));
                return List.of();
            }
            List<String> values = new ArrayList<>();
            for (int i = 0; i < node.size(); i++) {
                JsonNode item = node.get(i);
                if (!item.isTextual()) {
                    problems.add(path + "." + field + "[" + i + "] must be a string, got " + describe(item));
                } else {
                    values.add(item.textValue());
                }
            }
            return values;
        }

        private String string(JsonNode parent, String path, String field, boolean required) {
            return ArtifactPartsReader.string(parent, path, field, required, problems);
        }
    }

    /** An absolute http(s) URL or a relative reference, as {@link Artifact#resolve} will read it. */
    static boolean isUrl(String url) {
        try {
            java.net.URI uri = new java.net.URI(url);
            if (!uri.isAbsolute()) {
                return uri.getRawPath() != null && !uri.getRawPath().isEmpty();
            }
            String scheme = uri.getScheme().toLowerCase(java.util.Locale.ROOT);
            return (scheme.equals("https") || scheme.equals("http")) && uri.getHost() != null;
        } catch (java.net.URISyntaxException e) {
            return false;
        }
    }

    static String describe(JsonNode node) {
        if (node == null || node.isMissingNode()) {
            return "nothing";
        }
        if (node.isNull()) {
            return "null";
        }
        if (node.isObject()) {
            return "an object";
        }
        if (node.isArray()) {
            return "an array";
        }
        if (node.isTextual()) {
            return "the string \"" + abbreviate(node.textValue()) + "\"";
        }
        if (node.isBoolean()) {
            return node.asText();
        }
        return "the number " + node.asText();
    }

    /** A value from the manifest, quoted in a problem: escaped (it may carry terminal controls) and short. */
    static String abbreviate(String text) {
        return Printable.of(text, 80);
    }
}
