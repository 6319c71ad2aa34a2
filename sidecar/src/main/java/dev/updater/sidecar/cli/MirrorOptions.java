package dev.updater.sidecar.cli;

import dev.updater.core.manifest.Artifact;
import dev.updater.core.manifest.ChannelName;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.TypeConversionException;

import java.io.PrintWriter;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * {@code publish --mirror BASE_URL}: the places that serve a copy of {@code --out} as it is (DESIGN §11).
 * Each artifact then lists its path under every mirror in {@code "urls"}, which agents try in a per-host
 * order with failover. The delta index and its objects stay relative to the manifest: they come from the
 * manifest URL the host read, so {@code manifest=URL1|URL2} over the same mirrors mirrors them too.
 */
final class MirrorOptions {
    @Option(names = "--mirror", paramLabel = "BASE_URL", converter = Base.class,
            description = "A mirror serving a copy of DIR as it is (with --channel, of the channel root): each artifact"
                    + " lists its path under BASE_URL as a mirror url, tried by agents with failover. Repeatable, up"
                    + " to " + Artifact.MAX_MIRRORS + "; absolute http(s) URLs without credentials. Default: none."
                    + " Example: --mirror https://mirror-a.example.net/app/ --mirror https://mirror-b.example.org/app/")
    List<URI> bases = new ArrayList<>();

    /**
     * The URL of the channel folder on each mirror: the base itself, or {@code <base><channel>/}.
     *
     * @throws ParameterException more than {@link Artifact#MAX_MIRRORS} mirrors (agents refuse such a
     *     manifest), or one given twice
     */
    List<URI> folders(CommandSpec spec, ChannelName channel) {
        if (bases.size() > Artifact.MAX_MIRRORS) {
            throw new ParameterException(spec.commandLine(), "--mirror is given " + bases.size() + " times, but an"
                    + " artifact lists at most " + Artifact.MAX_MIRRORS + " mirror urls (agents refuse a manifest with"
                    + " more); drop " + (bases.size() - Artifact.MAX_MIRRORS) + " of them");
        }
        Set<String> seen = new HashSet<>();
        for (URI base : bases) {
            if (!seen.add(comparable(base))) {
                throw new ParameterException(spec.commandLine(), "--mirror " + base + " is given twice; give each"
                        + " mirror once");
            }
        }
        return bases.stream().map(base -> channel == null ? base : base.resolve(channel.name() + "/")).toList();
    }

    /** The line under an artifact in the summary: how many mirrors, and the first. */
    static void printMirrors(PrintWriter out, Artifact artifact) {
        if (!artifact.urls().isEmpty()) {
            out.printf("  %-13s %d mirror url%s: %s%s%n", "", artifact.urls().size(), artifact.urls().size() == 1 ? "" : "s",
                    artifact.urls().get(0), artifact.urls().size() == 1 ? "" : ", …");
        }
    }

    /** Scheme and host are case-insensitive: {@code HTTPS://M.example/a/} and {@code https://m.example/a/} are one mirror. */
    private static String comparable(URI base) {
        return base.getScheme().toLowerCase(Locale.ROOT) + "://" + base.getRawAuthority().toLowerCase(Locale.ROOT)
                + base.getRawPath();
    }

    /** An absolute http(s) URL with a host, no credentials, query or fragment; a {@code /} is added at the end. */
    static final class Base implements ITypeConverter<URI> {
        @Override
        public URI convert(String value) {
            URI uri;
            try {
                uri = new URI(value);
            } catch (URISyntaxException e) {
                throw new TypeConversionException("'" + value + "' is not a URL (" + e.getReason() + "); give where the"
                        + " copy of the channel is served, for example https://mirror.example.net/app/");
            }
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            if (!uri.isAbsolute() || !(scheme.equals("http") || scheme.equals("https")) || uri.getHost() == null) {
                throw new TypeConversionException("'" + value + "' is not an absolute http or https URL; give where the"
                        + " copy of the channel is served, for example https://mirror.example.net/app/");
            }
            // Threat: the manifest is public, so a password in a mirror URL would be handed to everyone.
            if (uri.getRawUserInfo() != null) {
                // Not echoed: the refusal may land in a CI log.
                throw new TypeConversionException("the URL of mirror " + uri.getHost() + " carries credentials"
                        + " (user:password@), which the public manifest would show to everyone; serve the mirror"
                        + " without them");
            }
            if (uri.getRawQuery() != null || uri.getRawFragment() != null) {
                throw new TypeConversionException("'" + value + "' has a query or fragment, so artifact paths cannot be"
                        + " added under it; give the folder URL alone");
            }
            String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
            return URI.create(scheme + "://" + uri.getRawAuthority() + (path.endsWith("/") ? path : path + "/"));
        }
    }
}
