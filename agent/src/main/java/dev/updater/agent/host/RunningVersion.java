package dev.updater.agent.host;

import dev.updater.core.ErrorCode;
import dev.updater.core.Sha256;
import dev.updater.core.UpdaterException;
import dev.updater.core.archive.CurrentFolder;
import dev.updater.core.home.InstalledRelease;
import dev.updater.core.home.UpdateHome;
import dev.updater.core.version.ReleaseVersion;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.jar.JarFile;
import java.util.jar.Manifest;

/**
 * Finds the version the host runs: {@code version=}, else the target jar's
 * {@code Implementation-Version} (unless the sidecar installed these very bytes as another version: a
 * revert release), else the version the sidecar recorded as installed.
 */
public final class RunningVersion {
    private RunningVersion() {
    }

    /** A version and where it was found, for the log and {@code agent.json}. */
    public record Found(ReleaseVersion version, String source) {
    }

    /**
     * @param targetSha256 the SHA-256 of {@code target}, or null when it could not be read
     */
    public static Found find(String configured, Path target, Sha256 targetSha256, UpdateHome home)
            throws UpdaterException {
        if (configured != null) {
            return new Found(ReleaseVersion.parse(configured), "version=");
        }
        Optional<String> fromJar = implementationVersion(target);
        if (fromJar.isPresent()) {
            ReleaseVersion version = ReleaseVersion.tryParse(fromJar.get());
            if (version != null) {
                return installedAsAnotherVersion(target, targetSha256, home, version)
                        .orElse(new Found(version, "Implementation-Version of " + target.getFileName()));
            }
        }
        Optional<InstalledRelease> installed = home.installedRecord().read();
        if (installed.isPresent() && installed.get().version() != null) {
            return new Found(installed.get().version(), "installed.json");
        }
        throw new UpdaterException(ErrorCode.VERSION_UNKNOWN, "Cannot tell which version this host runs: "
                + target + (fromJar.isPresent() ? " has Implementation-Version \"" + fromJar.get()
                + "\", which is not a semantic version," : " has no Implementation-Version")
                + " and " + home.installedRecord() + " names none. Set version=1.2.3 in the agent arguments.");
    }

    /**
     * A fleet-wide revert publishes an old release's bytes as a new version ({@code publish --revert-to
     * 1.1.0 --version 1.2.1}): the jar says 1.1.0, and a host that believed it would be offered 1.2.1
     * again at every check and reinstall it at every exit. When the sidecar recorded these exact bytes
     * (same target, same SHA-256) as installed under another version, that version is the one running.
     */
    private static Optional<Found> installedAsAnotherVersion(Path target, Sha256 targetSha256, UpdateHome home,
                                                             ReleaseVersion fromJar) {
        if (targetSha256 == null) {
            return Optional.empty();
        }
        return home.installedRecord().readQuietly()
                .filter(installed -> installed.version() != null && !installed.version().equals(fromJar))
                .filter(installed -> targetSha256.equals(installed.sha256()))
                .filter(installed -> installed.target() != null && sameFile(Path.of(installed.target()), target))
                .map(installed -> new Found(installed.version(), "installed.json (the bytes of "
                        + target.getFileName() + " were installed as " + installed.version()
                        + "; their Implementation-Version " + fromJar + " is the release they were taken from)"));
    }

    /**
     * The sidecar records an archive layout's target as {@code APP/current/lib/app.jar}; the host it
     * started runs it through the link (the same file), or, in the layout {@code APP/current.json} where
     * {@code APP/current} does not exist, from {@code APP/releases/<v>/lib/app.jar}, the folder the record
     * names. Both name one file, so the record is resolved first and the two compared as files.
     */
    private static boolean sameFile(Path recorded, Path target) {
        try {
            return Files.isSameFile(CurrentFolder.resolve(recorded), target);
        } catch (IOException e) {
            return false; // one of them is gone: not the file the host runs
        }
    }

    static Optional<String> implementationVersion(Path target) {
        if (target == null || !Files.isRegularFile(target)) {
            return Optional.empty();
        }
        try (JarFile jar = new JarFile(target.toFile(), false)) {
            Manifest manifest = jar.getManifest();
            if (manifest == null) {
                return Optional.empty();
            }
            return Optional.ofNullable(manifest.getMainAttributes().getValue("Implementation-Version"));
        } catch (IOException e) {
            return Optional.empty(); // not a jar: a native binary or an archive
        }
    }
}
