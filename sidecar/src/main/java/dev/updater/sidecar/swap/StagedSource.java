package dev.updater.sidecar.swap;

import dev.updater.core.ErrorCode;
import dev.updater.core.UpdaterException;
import dev.updater.core.home.StagedRelease;
import dev.updater.core.home.SwapJournal;
import dev.updater.core.home.UpdateHome;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Step 1: the staged release, verified as it is on disk now. staged.json is a claim, not a proof.
 * Input: the staged record. Output: the file under {@code releases/} and its measured size and
 * SHA-256; or {@code STAGED_INVALID} when the record names a path outside {@code releases/}, a file
 * reached through a symbolic link, or bytes other than it claims.
 */
final class StagedSource {
    /**
     * A staged file whose bytes were just measured.
     *
     * @param file the file, inside {@code releases/}
     * @param artifact its version, size and SHA-256 as measured
     */
    record Verified(Path file, SwapJournal.Artifact artifact) {
    }

    private StagedSource() {
    }

    static Verified verify(UpdateHome home, StagedRelease staged) throws UpdaterException {
        Path file = resolve(home, staged);
        SwapJournal.Artifact measured;
        try {
            measured = ArtifactFiles.measure(file, staged.version());
        } catch (IOException e) {
            throw new UpdaterException(ErrorCode.STAGED_INVALID, "the staged file " + file + " cannot be read ("
                    + ArtifactFiles.describe(e) + ")", e);
        }
        if (measured.size() != staged.size() || !measured.sha256().equals(staged.sha256())) {
            throw new UpdaterException(ErrorCode.STAGED_INVALID, "the staged file " + file + " is "
                    + measured.size() + " bytes with SHA-256 " + measured.sha256() + ", but staged.json says "
                    + staged.size() + " bytes with " + staged.sha256());
        }
        return new Verified(file, measured);
    }

    /** Resolves staged.json's {@code file} inside {@code releases/}, refusing paths that leave it. */
    private static Path resolve(UpdateHome home, StagedRelease staged) throws UpdaterException {
        if (staged.version() == null) {
            throw new UpdaterException(ErrorCode.STAGED_INVALID, "staged.json names no version");
        }
        if (staged.file() == null || Path.of(staged.file()).isAbsolute()) {
            throw new UpdaterException(ErrorCode.STAGED_INVALID, "staged.json names file \"" + staged.file()
                    + "\"; it must be a path inside " + home.releases());
        }
        Path file = home.dir().resolve(staged.file()).normalize();
        if (!file.startsWith(home.releases()) || file.equals(home.releases())) {
            throw new UpdaterException(ErrorCode.STAGED_INVALID, "staged.json names file \"" + staged.file()
                    + "\", which is outside " + home.releases());
        }
        try {
            // Threat: a directory on the way swapped for a symbolic link that points out of the home.
            Path realParent = file.getParent().toRealPath();
            Path expected = home.dir().toRealPath().resolve(home.dir().relativize(file.getParent()));
            if (!realParent.equals(expected)) {
                throw new UpdaterException(ErrorCode.STAGED_INVALID, "the staged file " + file
                        + " is reached through a symbolic link (" + realParent + ")");
            }
        } catch (IOException e) {
            throw new UpdaterException(ErrorCode.STAGED_INVALID, "the staged file " + file + " cannot be read ("
                    + ArtifactFiles.describe(e) + ")", e);
        }
        return file;
    }
}
