package dev.updater.core.home;

import java.time.Instant;

/**
 * {@code installed.json}: what the sidecar last installed into the target. The agent falls back to
 * it for the running version when neither {@code version=} nor the jar's manifest says.
 */
public record InstalledRelease(String version, String sha256, String target, String previousVersion,
                               Instant installedAt) {
}
