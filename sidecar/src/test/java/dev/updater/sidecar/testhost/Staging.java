package dev.updater.sidecar.testhost;

import dev.updater.core.archive.ArchiveLimits;
import dev.updater.core.archive.ReleaseTree;
import dev.updater.core.archive.Unpacker;
import dev.updater.core.home.UpdateHome;
import dev.updater.core.manifest.ArchiveFormat;
import dev.updater.core.version.ReleaseVersion;
import dev.updater.core.Sha256;
import dev.updater.core.UpdaterException;
import dev.updater.core.home.StagedRelease;
import dev.updater.core.testing.PosixModes;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

/** Stages releases exactly as the agent does: the artifact into {@code releases/<v>/}, then {@code staged.json} last. */
public final class Staging {
    private Staging() {
    }

    /** A fresh update home, 0700 as the sidecar demands (where the file store has modes). */
    public static Path newHome(Path dir) throws IOException {
        return PosixModes.setWhereSupported(Files.createDirectories(dir), "rwx------");
    }

    public static StagedRelease stage(Path home, Path artifact, String version) throws IOException, UpdaterException {
        return stage(home, artifact, version, false, null);
    }

    public static StagedRelease stage(Path home, Path artifact, String version, boolean needsApproval,
                                      String approvalReason) throws IOException, UpdaterException {
        Path dir = Files.createDirectories(home.resolve("releases").resolve(version));
        Path file = dir.resolve("app.jar");
        Files.copy(artifact, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        StagedRelease staged = new StagedRelease(ReleaseVersion.parse(version), "releases/" + version + "/app.jar",
                Files.size(file), Sha256.ofFile(file), "any", List.of("Feature of " + version), List.of("Fix of " + version),
                null, false, needsApproval, approvalReason, "http://127.0.0.1/manifest.json",
                Instant.parse("2026-02-07T12:00:00Z"), Instant.parse("2026-03-02T09:30:00Z"));
        new UpdateHome(home).stagedRecord().write(staged);
        return staged;
    }

    /**
     * Stages an archive release as the agent's {@code ReleaseStager} does: the archive into
     * {@code releases/<v>/}, unpacked by the agent's own {@link Unpacker} into {@code <file>.d/}, then
     * {@code staged.json} last with the format, the release root and the config paths.
     */
    public static StagedRelease stageArchive(Path home, Path archive, String version, ArchiveFormat format,
                                             List<String> config) throws IOException, UpdaterException {
        Path dir = Files.createDirectories(home.resolve("releases").resolve(version));
        Path file = dir.resolve(archive.getFileName());
        Files.copy(archive, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        Unpacker.Unpacked unpacked = Unpacker.unpack(file, format, dir.resolve(file.getFileName() + ".d"),
                ArchiveLimits.DEFAULT);
        Path root = Unpacker.releaseRoot(unpacked.folder());
        StagedRelease staged = new StagedRelease(ReleaseVersion.parse(version), home.relativize(file).toString(),
                Files.size(file), Sha256.ofFile(file), "any", List.of("Feature of " + version), List.of(), null, false,
                false, null, "http://127.0.0.1/manifest.json", Instant.parse("2026-02-07T12:00:00Z"),
                Instant.parse("2026-03-02T09:30:00Z"), format, home.relativize(root).toString(), config, null,
                ReleaseTree.hashOf(root));
        new UpdateHome(home).stagedRecord().write(staged);
        return staged;
    }
}
