package dev.updater.core.manifest;

import com.fasterxml.jackson.databind.JsonNode;
import dev.updater.core.Sha256;

import java.util.ArrayList;
import java.util.List;

import static dev.updater.core.manifest.ManifestParser.abbreviate;
import static dev.updater.core.manifest.ManifestParser.describe;
import static dev.updater.core.manifest.ManifestParser.isUrl;

/**
 * The optional parts of an artifact, for {@link ManifestParser}: its archive {@code format}, its mirror
 * {@code urls} and its entry {@code index}; every problem added to the list, with its JSON path.
 */
final class ArtifactPartsReader {
    private ArtifactPartsReader() {
    }

    /** The optional archive format (DESIGN §5 "Archives"); absent means a single file. */
    static ArchiveFormat format(String path, JsonNode artifact, List<String> problems) {
        String name = string(artifact, path, "format", false, problems);
        if (name == null) {
            return null;
        }
        ArchiveFormat format = ArchiveFormat.ofWireName(name).orElse(null);
        if (format == null) {
            problems.add(path + ".format must be one of " + ArchiveFormat.wireNames() + " (or absent for a"
                    + " single file), got \"" + abbreviate(name) + "\"");
        }
        return format;
    }

    /** The optional mirrors of an artifact (DESIGN §11): more URLs serving the same bytes. */
    static List<String> mirrors(String artifactPath, JsonNode node, List<String> problems) {
        if (node == null || node.isNull()) {
            return List.of();
        }
        String path = artifactPath + ".urls";
        if (!node.isArray()) {
            problems.add(path + " must be an array of URLs, got " + describe(node));
            return List.of();
        }
        if (node.size() > Artifact.MAX_MIRRORS) {
            problems.add(path + " lists " + node.size() + " URLs; at most " + Artifact.MAX_MIRRORS + " are allowed");
            return List.of();
        }
        List<String> urls = new ArrayList<>();
        for (int i = 0; i < node.size(); i++) {
            JsonNode item = node.get(i);
            if (!item.isTextual() || item.textValue().isBlank() || !isUrl(item.textValue())) {
                problems.add(path + "[" + i + "] is not a valid URL or relative path, got "
                        + (item.isTextual() ? "\"" + abbreviate(item.textValue()) + "\"" : describe(item)));
            } else {
                urls.add(item.textValue());
            }
        }
        return urls;
    }

    /** The optional entry index of a zip artifact (DESIGN §12). */
    static Artifact.IndexRef index(String artifactPath, JsonNode node, List<String> problems) {
        if (node == null || node.isNull()) {
            return null;
        }
        String path = artifactPath + ".index";
        if (!node.isObject()) {
            problems.add(path + " must be an object with url, sha256 and size, got " + describe(node));
            return null;
        }
        int before = problems.size();
        String url = string(node, path, "url", true, problems);
        if (url != null && (url.isBlank() || !isUrl(url))) {
            problems.add(path + ".url is not a valid URL or relative path, got \"" + abbreviate(url) + "\"");
        }
        String sha = string(node, path, "sha256", true, problems);
        if (sha != null && !Sha256.isValidHex(sha)) {
            problems.add(path + ".sha256 must be 64 hex digits, got \"" + abbreviate(sha) + "\"");
        }
        String objects = string(node, path, "objects", true, problems);
        if (objects != null && (!objects.endsWith("/") || !isUrl(objects))) {
            problems.add(path + ".objects must be a URL or relative path ending with '/', got \""
                    + abbreviate(objects) + "\"");
        }
        JsonNode sizeNode = node.get("size");
        if (sizeNode == null || !sizeNode.isIntegralNumber() || !sizeNode.canConvertToLong()
                || sizeNode.longValue() <= 0) {
            problems.add(path + ".size must be a whole number of bytes greater than 0, got "
                    + (sizeNode == null ? "nothing" : describe(sizeNode)));
        }
        if (problems.size() > before) {
            return null;
        }
        return new Artifact.IndexRef(url, new Sha256(sha), sizeNode.longValue(), objects);
    }

    /** The text of {@code parent.field}, or null with a problem named by its JSON path when it is missing (if required) or not a string. */
    static String string(JsonNode parent, String path, String field, boolean required, List<String> problems) {
        JsonNode node = parent.get(field);
        if (node == null || node.isNull()) {
            if (required) {
                problems.add(path + "." + field + " is missing");
            }
            return null;
        }
        if (!node.isTextual()) {
            problems.add(path + "." + field + " must be a string, got " + describe(node));
            return null;
        }
        return node.textValue();
    }
}
