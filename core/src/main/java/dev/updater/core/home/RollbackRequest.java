package dev.updater.core.home;

import dev.updater.core.Sha256;

import java.time.Instant;

/**
 * {@code requests/rollback.json}, from {@code updater-sidecar rollback} to the running sidecar:
 * reinstall a backup and quarantine the version rolled away from.
 *
 * <pre>{@code
 * {"fromSha256":"…","toSha256":"…","requestedAt":"2026-02-07T12:05:00Z"}
 * }</pre>
 *
 * @param fromSha256 what the target held when the operator asked; a request made before another
 *     swap changed it is refused rather than rolling back one version too far
 * @param toSha256 the backup the operator was shown, or null for the newest other one
 */
public record RollbackRequest(Sha256 fromSha256, Sha256 toSha256, Instant requestedAt) {
}
