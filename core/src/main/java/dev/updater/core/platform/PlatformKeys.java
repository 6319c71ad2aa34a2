package dev.updater.core.platform;

import java.util.Set;
import java.util.regex.Pattern;

/** The platform keys of the manifest's {@code binaries} (DESIGN §3). */
public final class PlatformKeys {
    /** The platform-independent key that most jars are published under. */
    public static final String ANY = "any";

    /** The keys this version knows how to detect; the publisher accepts only these. */
    public static final Set<String> KNOWN = Set.of(
            ANY, "linux-x64", "linux-arm64", "darwin-x64", "darwin-arm64", "windows-x64");

    private static final Pattern SHAPE = Pattern.compile("[a-z0-9]+(-[a-z0-9]+)*");

    private PlatformKeys() {
    }

    /**
     * Returns the canonical form of a key as written in a manifest, or null when it is not shaped
     * like a key. The seed's {@code windows-x64.exe} is the same key as {@code windows-x64}. Keys
     * of platforms this version does not know are kept, so that a newer publisher can add them.
     */
    public static String normalize(String raw) {
        if (raw == null) {
            return null;
        }
        String key = raw.startsWith("windows-") && raw.endsWith(".exe")
                ? raw.substring(0, raw.length() - ".exe".length())
                : raw;
        return SHAPE.matcher(key).matches() ? key : null;
    }
}
