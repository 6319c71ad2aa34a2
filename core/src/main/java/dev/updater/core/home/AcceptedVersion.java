package dev.updater.core.home;

import java.time.Instant;

/**
 * {@code accepted.json}: the highest manifest version this home ever accepted. Manifests offering
 * less are refused even when validly signed, so an attacker cannot replay an old signed manifest
 * (the TUF rollback rule).
 */
public record AcceptedVersion(String version, Instant acceptedAt) {
}
