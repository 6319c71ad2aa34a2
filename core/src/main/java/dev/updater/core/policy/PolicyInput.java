package dev.updater.core.policy;

import dev.updater.core.manifest.Manifest;
import dev.updater.core.version.ReleaseVersion;

import java.time.Instant;
import java.util.Objects;
import java.util.Set;

/**
 * Everything the update decision depends on, so that it is a pure function and each case is a
 * one-line test.
 *
 * @param running the version the host runs
 * @param manifest the verified manifest
 * @param hostId a stable id of this host, for the rollout bucket
 * @param now the current time, for expiry
 * @param highestAccepted the highest manifest version this home ever accepted, or null
 * @param quarantined versions that failed their health gate here
 */
public record PolicyInput(
        ReleaseVersion running,
        Manifest manifest,
        String hostId,
        Instant now,
        ReleaseVersion highestAccepted,
        Set<ReleaseVersion> quarantined,
        PolicyOptions options) {

    public PolicyInput {
        Objects.requireNonNull(running, "running");
        Objects.requireNonNull(manifest, "manifest");
        Objects.requireNonNull(hostId, "hostId");
        Objects.requireNonNull(now, "now");
        quarantined = Set.copyOf(quarantined);
        options = options == null ? PolicyOptions.DEFAULTS : options;
    }
}
