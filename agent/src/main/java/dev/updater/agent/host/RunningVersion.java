package dev.updater.agent.host;

import dev.updater.core.ErrorCode;
import dev.updater.core.UpdaterException;
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
 * {@code Implementation-Version}, else the version the sidecar recorded as installed.
 */
public final class RunningVersion {
    private RunningVersion() {
    }

    /** A version and where it was found, for the log and {@code agent.json}. */
    public record Found(ReleaseVersion version, String source) {
    }

    public static Found find(String configured, Path target, UpdateHome home) throws UpdaterException {
        if (configured != null) {
            return new Found(ReleaseVersion.parse(configured), "version=");
        }
        Optional<String> fromJar = implementationVersion(target);
        if (fromJar.isPresent()) {
            ReleaseVersion version = ReleaseVersion.tryParse(fromJar.get());
            if (version != null) {
                return new Found(version, "Implementation-Version of " + target.getFileName());
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
