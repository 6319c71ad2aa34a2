package dev.updater.core.home;

import dev.updater.core.Sha256;
import dev.updater.core.manifest.ArchiveFormat;
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
 * @param format for an archive release, its format; null for a single file
 * @param tree for an archive release, the unpacked release root relative to the home
 *     ({@code releases/1.3.0/tree/app-1.3.0}); null for a single file
 * @param config for an archive release, the operator-editable files inside {@code tree}
 * @param deltaFetched the bytes a delta download fetched to rebuild it (DESIGN §12), or null when it was
 *                     downloaded whole or staged before this field existed; a record without it reads as null
 * @param treeSha256 for an archive release, {@code ReleaseTree.hashOf(tree)} as unpacked from the verified
 *                   archive; the sidecar refuses a copy of the tree that no longer matches it. Null for a
 *                   single file, or an archive staged before this field existed (then the tree is not checked)
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
        ArchiveFormat format,
        String tree,
        List<String> config,
        Long deltaFetched,
        Sha256 treeSha256) {

    public StagedRelease {
        config = config == null ? List.of() : List.copyOf(config);
    }

    /** A release as staged before archives' trees were hashed: no tree hash. */
    public StagedRelease(ReleaseVersion version, String file, long size, Sha256 sha256, String platform,
                         List<String> features, List<String> fixes, ReleaseVersion minVersion, boolean breaking,
                         boolean needsApproval, String approvalReason, String manifestUrl, Instant releaseDate,
                         Instant stagedAt, ArchiveFormat format, String tree, List<String> config, Long deltaFetched) {
        this(version, file, size, sha256, platform, features, fixes, minVersion, breaking, needsApproval,
                approvalReason, manifestUrl, releaseDate, stagedAt, format, tree, config, deltaFetched, null);
    }

    /** A release staged from a delta download or not, single file or archive: all but the delta figure. */
    public StagedRelease(ReleaseVersion version, String file, long size, Sha256 sha256, String platform,
                         List<String> features, List<String> fixes, ReleaseVersion minVersion, boolean breaking,
                         boolean needsApproval, String approvalReason, String manifestUrl, Instant releaseDate,
                         Instant stagedAt, ArchiveFormat format, String tree, List<String> config) {
        this(version, file, size, sha256, platform, features, fixes, minVersion, breaking, needsApproval,
                approvalReason, manifestUrl, releaseDate, stagedAt, format, tree, config, null);
    }

    /** A single-file release, downloaded whole (or reused), with no delta figures. */
    public StagedRelease(ReleaseVersion version, String file, long size, Sha256 sha256, String platform,
                         List<String> features, List<String> fixes, ReleaseVersion minVersion, boolean breaking,
                         boolean needsApproval, String approvalReason, String manifestUrl, Instant releaseDate,
                         Instant stagedAt) {
        this(version, file, size, sha256, platform, features, fixes, minVersion, breaking, needsApproval,
                approvalReason, manifestUrl, releaseDate, stagedAt, null, null, List.of(), null, null);
    }

    /** A single-file release and what a delta download fetched for it (null: downloaded whole). */
    public StagedRelease(ReleaseVersion version, String file, long size, Sha256 sha256, String platform,
                         List<String> features, List<String> fixes, ReleaseVersion minVersion, boolean breaking,
                         boolean needsApproval, String approvalReason, String manifestUrl, Instant releaseDate,
                         Instant stagedAt, Long deltaFetched) {
        this(version, file, size, sha256, platform, features, fixes, minVersion, breaking, needsApproval,
                approvalReason, manifestUrl, releaseDate, stagedAt, null, null, List.of(), deltaFetched, null);
    }

    /** True for an archive release, installed as a folder behind the {@code current} link. */
    public boolean isArchive() {
        return format != null;
    }
}
