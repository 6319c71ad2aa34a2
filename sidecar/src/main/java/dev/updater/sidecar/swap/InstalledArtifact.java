package dev.updater.sidecar.swap;

import dev.updater.core.Sha256;
import dev.updater.core.ErrorCode;
import dev.updater.core.UpdaterException;
import dev.updater.core.home.AgentRecord;
import dev.updater.core.home.InstalledRelease;
import dev.updater.core.home.SwapJournal;
import dev.updater.core.home.UpdateHome;
import dev.updater.core.version.ReleaseVersion;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * What the target holds before a transaction: its bytes as measured, with the version a record vouches
 * for, and the file's identity while it was hashed (so step 3 need not hash a hard link to it again).
 * Input: the target. Output: this, or {@code TARGET_UNKNOWN} when the target cannot be read.
 *
 * @param artifact version (null when no record vouches for these bytes), SHA-256 and size
 * @param asMeasured inode, size and mtime while it was hashed, or null when they changed meanwhile
 */
record InstalledArtifact(SwapJournal.Artifact artifact, ArtifactFiles.Identity asMeasured) {
    static InstalledArtifact measure(UpdateHome home, Path target) throws UpdaterException {
        try {
            Path file = ArtifactFiles.installedFile(target);
            ArtifactFiles.Identity before = ArtifactFiles.identity(file);
            SwapJournal.Artifact measured = ArtifactFiles.measure(file, null);
            ArtifactFiles.Identity held = before.equals(ArtifactFiles.identity(file)) ? before : null;
            return new InstalledArtifact(new SwapJournal.Artifact(versionOf(home, measured.sha256()), measured.sha256(),
                    measured.size()), held);
        } catch (IOException e) {
            throw new UpdaterException(ErrorCode.TARGET_UNKNOWN, "Cannot read the target " + target + ": "
                    + ArtifactFiles.describe(e) + "; give the file the host runs with --target.", e);
        }
    }

    /**
     * What {@code current} points at, for an archive layout: the version is the release folder's name;
     * the hash is the archive's as installed.json recorded it when this sidecar installed that release,
     * else the target file's (a layout installed by hand). Only labels and history use it: the link decides.
     */
    static SwapJournal.Artifact measureRelease(UpdateHome home, Path target, String folder) throws UpdaterException {
        ReleaseVersion version = ReleaseVersion.tryParse(folder);
        Optional<InstalledRelease> installed = home.installedRecord().readQuietly();
        if (version != null && installed.isPresent() && version.equals(installed.get().version())) {
            return new SwapJournal.Artifact(version, installed.get().sha256(), 0);
        }
        // through the folder: in the current.json layout APP/current/... does not exist
        SwapJournal.Artifact measured = measure(home, ReleaseLink.inCurrentFolder(target)).artifact();
        return new SwapJournal.Artifact(version, measured.sha256(), measured.size());
    }

    private static ReleaseVersion versionOf(UpdateHome home, Sha256 measured) {
        // an unreadable record only costs the label; the hash decides everything
        Optional<InstalledRelease> installed = home.installedRecord().readQuietly();
        if (installed.isPresent() && measured.equals(installed.get().sha256())) {
            return installed.get().version();
        }
        Optional<AgentRecord> agent = home.agentRecord().readQuietly();
        if (agent.isPresent() && measured.equals(agent.get().targetSha256())) {
            return agent.get().runningVersion();
        }
        return null;
    }
}
