package dev.updater.core.platform;

import java.util.Locale;
import java.util.Objects;

/**
 * The platform this JVM runs on, as a manifest key such as {@code linux-x64}. Detection never
 * fails: an operating system or architecture it does not know keeps a descriptive key (for example
 * {@code linux-ppc64le}), so the lookup can say exactly which platform found no artifact.
 *
 * @param key the manifest key
 * @param osName the {@code os.name} it was detected from
 * @param osArch the {@code os.arch} it was detected from
 */
public record Platform(String key, String osName, String osArch) {
    public Platform {
        Objects.requireNonNull(key, "key");
    }

    /** The platform of the running JVM. */
    public static Platform current() {
        return detect(System.getProperty("os.name", ""), System.getProperty("os.arch", ""));
    }

    public static Platform detect(String osName, String osArch) {
        return new Platform(os(osName) + "-" + arch(osArch), osName, osArch);
    }

    private static String os(String osName) {
        String name = osName.toLowerCase(Locale.ROOT);
        if (name.startsWith("linux")) {
            return "linux";
        }
        if (name.startsWith("mac") || name.startsWith("darwin")) {
            return "darwin";
        }
        if (name.startsWith("windows")) {
            return "windows";
        }
        return clean(name);
    }

    private static String arch(String osArch) {
        String arch = osArch.toLowerCase(Locale.ROOT);
        switch (arch) {
            case "amd64":
            case "x86_64":
            case "x64":
                return "x64";
            case "aarch64":
            case "arm64":
                return "arm64";
            default:
                return clean(arch);
        }
    }

    private static String clean(String s) {
        String cleaned = s.replaceAll("[^a-z0-9]+", "");
        return cleaned.isEmpty() ? "unknown" : cleaned;
    }

    @Override
    public String toString() {
        return key + " (os.name=" + osName + ", os.arch=" + osArch + ")";
    }
}
