package dev.updater.core.manifest;

import dev.updater.core.ErrorCode;
import dev.updater.core.UpdaterException;
import dev.updater.core.platform.Platform;
import dev.updater.core.platform.PlatformKeys;
import dev.updater.core.version.ReleaseVersion;

import java.time.Instant;
import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * A release manifest (DESIGN §3): the seed format plus {@code expires} and {@code rollout}. Built
 * only by {@link ManifestParser} (from signed bytes) or by the publisher, so every instance is valid.
 *
 * <pre>{@code
 * Manifest m = ManifestParser.parse(bytes, URI.create("https://releases.example.com/app/manifest.json"));
 * Artifact jar = m.artifactFor(Platform.current());
 * }</pre>
 *
 * @param binaries artifacts by platform key ({@code any}, {@code linux-x64}, …), sorted by key
 * @param releaseDate when it was released, or null
 * @param minVersion the oldest version that may update straight to this one, or null
 * @param expires past this instant the manifest is refused (freeze attack), or null for never
 * @param rollout the staged rollout, or null for every host
 */
public record Manifest(
        ReleaseVersion version,
        Instant releaseDate,
        Map<String, Artifact> binaries,
        Changelog changelog,
        ReleaseVersion minVersion,
        boolean breakingChanges,
        Instant expires,
        Rollout rollout) {

    public Manifest {
        Objects.requireNonNull(version, "version");
        Objects.requireNonNull(binaries, "binaries");
        if (binaries.isEmpty()) {
            throw new IllegalArgumentException("A manifest needs at least one artifact in binaries");
        }
        binaries = Collections.unmodifiableMap(new TreeMap<>(binaries));
        changelog = changelog == null ? Changelog.EMPTY : changelog;
        if (rollout != null && rollout.schedule() != null && releaseDate == null) {
            throw new IllegalArgumentException("A rollout schedule counts from the release date, and " + version
                    + " has none");
        }
    }

    /** True when {@code expires} is set and {@code now} is at or after it. */
    public boolean isExpiredAt(Instant now) {
        return expires != null && !now.isBefore(expires);
    }

    /** The key {@link #artifactFor} picks for {@code platform}: its own when offered, else {@code any}. */
    public String keyFor(Platform platform) {
        return binaries.containsKey(platform.key()) ? platform.key() : PlatformKeys.ANY;
    }

    /**
     * The artifact for {@code platform}: its exact key, else {@code any}.
     *
     * @throws UpdaterException {@code PLATFORM_UNSUPPORTED} naming the platform and the keys offered
     */
    public Artifact artifactFor(Platform platform) throws UpdaterException {
        Artifact exact = binaries.get(platform.key());
        if (exact != null) {
            return exact;
        }
        Artifact any = binaries.get(PlatformKeys.ANY);
        if (any != null) {
            return any;
        }
        throw new UpdaterException(ErrorCode.PLATFORM_UNSUPPORTED, "Release " + version
                + " has no artifact for this platform, " + platform + "; it offers " + String.join(", ", binaries.keySet())
                + ". Publish an artifact for " + platform.key() + " or one for any platform.");
    }
}
