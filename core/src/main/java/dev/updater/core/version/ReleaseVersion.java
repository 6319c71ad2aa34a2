package dev.updater.core.version;

import dev.updater.core.ErrorCode;
import dev.updater.core.UpdaterException;
import org.semver4j.Semver;

import java.util.Objects;

/**
 * A semantic version of a release, such as {@code 1.3.0} or {@code 2.0.0-rc.1}. A leading
 * {@code v} ({@code v1.3.0}, as in git tags) is accepted and dropped. Ordering follows SemVer 2.0:
 * {@code 1.3.0-rc.1 < 1.3.0 < 1.3.1}; build metadata ({@code +abc}) does not affect ordering.
 */
public final class ReleaseVersion implements Comparable<ReleaseVersion> {
    private final Semver semver;

    private ReleaseVersion(Semver semver) {
        this.semver = semver;
    }

    /** Parses {@code text}, or throws {@link ErrorCode#VERSION_INVALID} naming the text. */
    public static ReleaseVersion parse(String text) throws UpdaterException {
        ReleaseVersion version = tryParse(text);
        if (version == null) {
            throw new UpdaterException(ErrorCode.VERSION_INVALID,
                    "\"" + text + "\" is not a semantic version; use MAJOR.MINOR.PATCH such as 1.3.0 or 1.3.0-rc.1.");
        }
        return version;
    }

    /** Parses {@code text}, or returns null when it is not a semantic version. */
    public static ReleaseVersion tryParse(String text) {
        if (text == null) {
            return null;
        }
        String trimmed = text.strip();
        if (trimmed.length() > 1 && (trimmed.charAt(0) == 'v' || trimmed.charAt(0) == 'V')
                && Character.isDigit(trimmed.charAt(1))) {
            trimmed = trimmed.substring(1);
        }
        Semver semver = Semver.parse(trimmed);
        return semver == null ? null : new ReleaseVersion(semver);
    }

    public boolean isPreRelease() {
        return !semver.getPreRelease().isEmpty();
    }

    public boolean isNewerThan(ReleaseVersion other) {
        return compareTo(other) > 0;
    }

    public boolean isOlderThan(ReleaseVersion other) {
        return compareTo(other) < 0;
    }

    @Override
    public int compareTo(ReleaseVersion other) {
        return semver.compareTo(other.semver);
    }

    /** Equal when they order the same: {@code 1.0.0+a} equals {@code 1.0.0+b}, as SemVer says. */
    @Override
    public boolean equals(Object o) {
        return o instanceof ReleaseVersion other && compareTo(other) == 0;
    }

    @Override
    public int hashCode() {
        return Objects.hash(semver.getMajor(), semver.getMinor(), semver.getPatch(), semver.getPreRelease());
    }

    /** The normalized text, without a leading {@code v}. */
    @Override
    public String toString() {
        return semver.getVersion();
    }
}
