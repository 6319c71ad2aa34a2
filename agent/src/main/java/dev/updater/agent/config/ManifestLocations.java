package dev.updater.agent.config;

import dev.updater.core.manifest.Artifact;
import dev.updater.core.manifest.ChannelName;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** The agent's {@code manifest=} and {@code channel=}: the manifest URLs it polls, each problem one item of the report. */
final class ManifestLocations {
    private ManifestLocations() {
    }

    /** The manifest URLs, in the channel when {@code channel} is set; empty with problems added when they are unusable. */
    static List<URI> read(String manifest, String channel, List<String> problems) {
        return inChannel(manifests(manifest, problems), channel, problems);
    }

    /**
     * {@code URL} or {@code URL1|URL2|…}: mirrors serving the same signed manifest (DESIGN §11). A URL
     * cannot hold a raw {@code |} (RFC 3986), so the separator is unambiguous.
     */
    private static List<URI> manifests(String text, List<String> problems) {
        if (text == null) {
            problems.add("manifest is missing: set manifest=https://…/manifest.json");
            return List.of();
        }
        String[] parts = text.split("\\|", -1);
        if (parts.length > Artifact.MAX_MIRRORS) {
            problems.add("manifest lists " + parts.length + " URLs; at most " + Artifact.MAX_MIRRORS + " are allowed");
            return List.of();
        }
        List<URI> uris = new ArrayList<>();
        for (String part : parts) {
            URI uri = manifest(part.strip(), problems);
            if (uri != null) {
                uris.add(uri);
            }
        }
        return uris;
    }

    private static URI manifest(String text, List<String> problems) {
        if (text.isEmpty()) {
            problems.add("manifest has an empty URL; separate several with '|': manifest=https://a/manifest.json|https://b/manifest.json");
            return null;
        }
        try {
            URI uri = new URI(text);
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            if (!scheme.equals("https") && !scheme.equals("http") || uri.getHost() == null) {
                problems.add("manifest \"" + text + "\" is not an http(s) URL");
                return null;
            }
            return uri;
        } catch (java.net.URISyntaxException e) {
            problems.add("manifest \"" + text + "\" is not a URL (" + e.getReason() + ")");
            return null;
        }
    }

    /**
     * With {@code channel=NAME}, {@code manifest=} names the channel root (a folder URL ending with '/')
     * and the agent reads {@code <root>NAME/manifest.json} under each root given; without it, {@code manifest=}
     * is the manifest.
     */
    private static List<URI> inChannel(List<URI> manifests, String channel, List<String> problems) {
        if (channel == null) {
            return manifests;
        }
        if (!ChannelName.isValid(channel)) {
            problems.add("channel " + ChannelName.problem(channel));
            return List.of();
        }
        List<URI> inChannel = new ArrayList<>();
        for (URI manifest : manifests) {
            if (!manifest.getRawPath().endsWith("/")) {
                problems.add("with channel=" + channel + ", manifest= is the channel root, a folder URL ending with '/'"
                        + " (such as https://releases.example.com/app/, read as …/app/" + channel + "/manifest.json),"
                        + " got \"" + manifest + "\"; drop channel= to use that manifest as it is");
            } else {
                inChannel.add(ChannelName.parse(channel).manifestUnder(manifest));
            }
        }
        return inChannel;
    }
}
