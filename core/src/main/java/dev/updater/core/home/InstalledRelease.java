package dev.updater.core.home;

import dev.updater.core.Sha256;
import dev.updater.core.version.ReleaseVersion;

import java.time.Instant;

/**
 * {@code installed.json}: what the sidecar last installed into the target. The agent falls back to
 * it for the running version when neither {@code version=} nor the jar's manifest says.
 *
 * @param version the installed version, or null when nothing says which version the bytes are
 * @param sha256 the SHA-256 of what the target holds
 * @param target the absolute path of the file the host runs
 * @param previousVersion what the target held before, or null
 * @param installedAt when it was installed, or null when not known
 */
public record InstalledRelease(ReleaseVersion version, Sha256 sha256, String target, ReleaseVersion previousVersion,
                               Instant installedAt) {
}
