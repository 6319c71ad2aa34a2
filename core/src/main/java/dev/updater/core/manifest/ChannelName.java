package dev.updater.core.manifest;

import dev.updater.core.signature.SignedManifest;

import java.net.URI;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A release channel ({@code stable}, {@code beta}, …): a folder under a channel root holding its own
 * signed manifest (DESIGN §11). Agents pick one with {@code channel=}, publishers write
 * one with {@code publish --channel}. The name becomes a URL path segment and a folder name, so it is
 * lower-case letters, digits, '.', '_' and '-' only, and never {@code .} or {@code ..}.
 *
 * <pre>{@code
 * ChannelName.parse("beta").manifestUnder(URI.create("https://releases.example.com/app/"))
 *   // https://releases.example.com/app/beta/manifest.signed
 * }</pre>
 */
public record ChannelName(String name) {
    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9._-]{0,62}");

    public ChannelName {
        Objects.requireNonNull(name, "name");
        if (!isValid(name)) {
            throw new IllegalArgumentException(problem(name));
        }
    }

    /** The channel {@code text} names, or IllegalArgumentException saying what a name may hold. */
    public static ChannelName parse(String text) {
        return new ChannelName(text);
    }

    public static boolean isValid(String name) {
        return name != null && NAME.matcher(name).matches() && !name.contains("..");
    }

    /** Why {@code name} is no channel name, in words an operator can act on. */
    public static String problem(String name) {
        return "\"" + name + "\" is not a channel name; use 1 to 63 lower-case letters, digits, '.', '_' or '-',"
                + " starting with a letter or digit, such as stable or beta";
    }

    /**
     * The channel's signed manifest under {@code root}, a URL ending with '/': {@code <root><name>/manifest.signed},
     * manifest and signature in one file, so a new release costs each host one GET (DESIGN §11).
     */
    public URI manifestUnder(URI root) {
        if (!root.getRawPath().endsWith("/")) {
            throw new IllegalArgumentException("a channel root is a folder URL ending with '/', got " + root);
        }
        return root.resolve(name + "/" + SignedManifest.FILE_NAME);
    }

    @Override
    public String toString() {
        return name;
    }
}
