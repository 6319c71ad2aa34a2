package dev.updater.sidecar.channel;

import dev.updater.core.manifest.RolloutSchedule;
import dev.updater.core.version.ReleaseVersion;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What {@code publish} is asked to do.
 *
 * @param artifacts files by platform key, in the order given
 * @param baseUrl when set, artifact urls are absolute under it; otherwise relative to the manifest
 * @param releaseDate the release date to record, or null for now
 * @param expiresIn the manifest expires this long after the release date, or null for never
 * @param rolloutPercent the share of hosts that take the release, or null for all
 * @param force replace a manifest of an equal or greater version, and artifacts of the same name
 * @param allowVersionMismatch publish an artifact whose Implementation-Version or file name names another version
 * @param rolloutSchedule waves of the rollout (DESIGN §11), or null; not together with {@code rolloutPercent}
 * @param rolloutSalt mixed into every host's rollout bucket, or null to keep the buckets of earlier releases
 * @param config operator-editable files inside the archive artifacts ({@code config/app.properties}); an
 *     install keeps one an operator changed (DESIGN §5 "Archives")
 * @param mirrors where the channel folder is served on each mirror, absolute and ending with {@code /}; each
 *     artifact lists its path under every one as a mirror url ({@code "urls"}, DESIGN §11); empty for none
 */
public record PublishRequest(
        ReleaseVersion version,
        Map<String, Path> artifacts,
        Path keyFile,
        Path outDir,
        URI baseUrl,
        List<String> features,
        List<String> fixes,
        ReleaseVersion minVersion,
        boolean breaking,
        Instant releaseDate,
        Duration expiresIn,
        Double rolloutPercent,
        boolean force,
        boolean allowVersionMismatch,
        RolloutSchedule rolloutSchedule,
        String rolloutSalt,
        List<String> config,
        List<URI> mirrors) {

    public PublishRequest {
        Objects.requireNonNull(version, "version");
        Objects.requireNonNull(keyFile, "keyFile");
        Objects.requireNonNull(outDir, "outDir");
        artifacts = new LinkedHashMap<>(artifacts);
        features = List.copyOf(features);
        fixes = List.copyOf(fixes);
        config = config == null ? List.of() : List.copyOf(config);
        mirrors = mirrors == null ? List.of() : List.copyOf(mirrors);
        for (URI mirror : mirrors) {
            if (!mirror.isAbsolute() || !mirror.getPath().endsWith("/")) {
                throw new IllegalArgumentException("A mirror is the absolute URL of the channel folder, ending with"
                        + " '/', got " + mirror);
            }
        }
    }

    /** A request without mirrors. */
    public PublishRequest(ReleaseVersion version, Map<String, Path> artifacts, Path keyFile, Path outDir, URI baseUrl,
                          List<String> features, List<String> fixes, ReleaseVersion minVersion, boolean breaking,
                          Instant releaseDate, Duration expiresIn, Double rolloutPercent, boolean force,
                          boolean allowVersionMismatch, RolloutSchedule rolloutSchedule, String rolloutSalt,
                          List<String> config) {
        this(version, artifacts, keyFile, outDir, baseUrl, features, fixes, minVersion, breaking, releaseDate,
                expiresIn, rolloutPercent, force, allowVersionMismatch, rolloutSchedule, rolloutSalt, config, List.of());
    }

    /** A request with waves or a salt, without config files. */
    public PublishRequest(ReleaseVersion version, Map<String, Path> artifacts, Path keyFile, Path outDir, URI baseUrl,
                          List<String> features, List<String> fixes, ReleaseVersion minVersion, boolean breaking,
                          Instant releaseDate, Duration expiresIn, Double rolloutPercent, boolean force,
                          boolean allowVersionMismatch, RolloutSchedule rolloutSchedule, String rolloutSalt) {
        this(version, artifacts, keyFile, outDir, baseUrl, features, fixes, minVersion, breaking, releaseDate,
                expiresIn, rolloutPercent, force, allowVersionMismatch, rolloutSchedule, rolloutSalt, List.of());
    }

    /** A request with config files (archives), a fixed rollout share or none. */
    public PublishRequest(ReleaseVersion version, Map<String, Path> artifacts, Path keyFile, Path outDir, URI baseUrl,
                          List<String> features, List<String> fixes, ReleaseVersion minVersion, boolean breaking,
                          Instant releaseDate, Duration expiresIn, Double rolloutPercent, boolean force,
                          boolean allowVersionMismatch, List<String> config) {
        this(version, artifacts, keyFile, outDir, baseUrl, features, fixes, minVersion, breaking, releaseDate,
                expiresIn, rolloutPercent, force, allowVersionMismatch, null, null, config);
    }

    /** A request with a fixed rollout share, or none. */
    public PublishRequest(ReleaseVersion version, Map<String, Path> artifacts, Path keyFile, Path outDir, URI baseUrl,
                          List<String> features, List<String> fixes, ReleaseVersion minVersion, boolean breaking,
                          Instant releaseDate, Duration expiresIn, Double rolloutPercent, boolean force,
                          boolean allowVersionMismatch) {
        this(version, artifacts, keyFile, outDir, baseUrl, features, fixes, minVersion, breaking, releaseDate,
                expiresIn, rolloutPercent, force, allowVersionMismatch, null, null, List.of());
    }

    /** The same request for another channel folder, other artifacts and another changelog. */
    public PublishRequest withRelease(Path outDir, Map<String, Path> artifacts, List<String> features, List<String> fixes,
                                      ReleaseVersion minVersion, boolean breaking, boolean allowVersionMismatch) {
        return new PublishRequest(version, artifacts, keyFile, outDir, baseUrl, features, fixes, minVersion, breaking,
                releaseDate, expiresIn, rolloutPercent, force, allowVersionMismatch, rolloutSchedule, rolloutSalt, config,
                mirrors);
    }

    /** A request that checks the artifacts' own versions against {@code version}. */
    public PublishRequest(ReleaseVersion version, Map<String, Path> artifacts, Path keyFile, Path outDir, URI baseUrl,
                          List<String> features, List<String> fixes, ReleaseVersion minVersion, boolean breaking,
                          Instant releaseDate, Duration expiresIn, Double rolloutPercent, boolean force) {
        this(version, artifacts, keyFile, outDir, baseUrl, features, fixes, minVersion, breaking, releaseDate,
                expiresIn, rolloutPercent, force, false);
    }
}
