package dev.updater.core.home;

import dev.updater.core.Sha256;
import dev.updater.core.version.ReleaseVersion;

import java.time.Instant;
import java.util.List;

/**
 * {@code staged.json}: a verified release waiting to be installed. Written last, after the
 * artifact sits verified in {@code releases/<version>/}, so its presence means the release is complete.
 * The sidecar re-hashes {@code file} before installing it; this record is a claim, not a proof.
 *
 * @param version the release version
 * @param file the verified artifact, relative to the update home ({@code releases/1.3.0/app.jar})
 * @param size its size in bytes
 * @param sha256 its SHA-256
 * @param platform the manifest platform key it was chosen by
 * @param features changelog features
 * @param fixes changelog fixes
 * @param minVersion the manifest's {@code min_version}, or null
 * @param breaking the manifest's {@code breaking_changes}
 * @param needsApproval true when it waits for an operator's {@code apply}
 * @param approvalReason why it waits, or null
 * @param manifestUrl where the manifest came from
 * @param releaseDate the manifest's release date, or null
 * @param stagedAt when it was staged
 * @param deltaFetched the bytes a delta download fetched to rebuild it (DESIGN §12), or null when it was
 *                     downloaded whole or staged before this field existed; a record without it reads as null
 */
public record StagedRelease(
        ReleaseVersion version,
        String file,
        long size,
        Sha256 sha256,
        String platform,
        List<String> features,
        List<String> fixes,
        ReleaseVersion minVersion,
        boolean breaking,
        boolean needsApproval,
        String approvalReason,
        String manifestUrl,
        Instant releaseDate,
        Instant stagedAt,
        Long deltaFetched) {
    /** A release downloaded whole (or reused), with no delta figures. */
    public StagedRelease(ReleaseVersion version, String file, long size, Sha256 sha256, String platform,
                         List<String> features, List<String> fixes, ReleaseVersion minVersion, boolean breaking,
                         boolean needsApproval, String approvalReason, String manifestUrl, Instant releaseDate,
                         Instant stagedAt) {
        this(version, file, size, sha256, platform, features, fixes, minVersion, breaking, needsApproval,
                approvalReason, manifestUrl, releaseDate, stagedAt, null);
    }
}
