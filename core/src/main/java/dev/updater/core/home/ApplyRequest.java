package dev.updater.core.home;

import dev.updater.core.Sha256;
import dev.updater.core.version.ReleaseVersion;

import java.time.Instant;

/**
 * {@code requests/apply.json}, from {@code updater-sidecar apply} to the running sidecar: install the
 * staged release now, approving it. Whoever acts on it removes it ({@link HomeRecordFile#take}).
 *
 * <pre>{@code
 * {"version":"1.1.0","sha256":"…","requestedAt":"2026-02-07T12:05:00Z"}
 * }</pre>
 *
 * @param version the staged version the operator saw
 * @param sha256 its SHA-256, so a release staged meanwhile is not approved by mistake
 */
public record ApplyRequest(ReleaseVersion version, Sha256 sha256, Instant requestedAt) {
}
