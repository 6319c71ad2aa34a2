package dev.updater.sidecar.selfupdate;

import dev.updater.core.ErrorCode;
import dev.updater.core.UpdaterException;
import dev.updater.core.version.ReleaseVersion;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.security.CodeSource;
import java.util.jar.JarFile;
import java.util.jar.Manifest;

/**
 * Where the running updater is installed: its sidecar jar (the file this JVM runs), the agent jar
 * beside it ({@code updater.jar}, as install.sh lays them out; null when there is none) and the
 * version both carry.
 *
 * @param sidecarJar the real path of the sidecar jar (a symbolic link to it is followed, so the file
 *     itself is replaced and the link keeps pointing at it)
 * @param agentJar {@code updater.jar} in the same folder, or null
 * @param version the version this JVM runs
 */
public record UpdaterInstall(Path sidecarJar, Path agentJar, ReleaseVersion version) {
    /** The agent jar's name beside the sidecar jar. */
    public static final String AGENT_JAR = "updater.jar";

    /** The updater this JVM runs. */
    public static UpdaterInstall running() throws UpdaterException {
        Path jar = runningJar();
        String text = UpdaterInstall.class.getPackage().getImplementationVersion();
        ReleaseVersion version = text == null ? null : ReleaseVersion.tryParse(text);
        if (jar == null || version == null) {
            throw new UpdaterException(ErrorCode.SELF_UPDATE_UNAVAILABLE, "This updater-sidecar does not run from a"
                    + " released jar (" + (jar == null ? "its classes are not in a jar file" : jar + " carries no"
                    + " Implementation-Version") + "), so it cannot update itself; run 'java -jar"
                    + " updater-sidecar.jar self-update' with the installed jar.");
        }
        Path agent = jar.resolveSibling(AGENT_JAR);
        return new UpdaterInstall(jar, Files.isRegularFile(agent, LinkOption.NOFOLLOW_LINKS) ? agent : null, version);
    }

    /** The jar file this JVM's updater classes come from, its real path; null when they are not in a jar. */
    public static Path runningJar() {
        try {
            CodeSource source = UpdaterInstall.class.getProtectionDomain().getCodeSource();
            if (source == null || source.getLocation() == null) {
                return null;
            }
            Path path = Path.of(source.getLocation().toURI());
            return Files.isRegularFile(path) ? path.toRealPath() : null;
        } catch (URISyntaxException | IOException | IllegalArgumentException | SecurityException e) {
            return null;
        }
    }

    /** The version of the updater-sidecar jar at {@code jar} (its manifest's Implementation-Version), or null. */
    public static String versionOf(Path jar) {
        try (JarFile file = new JarFile(jar.toFile(), false)) {
            Manifest manifest = file.getManifest();
            return manifest == null ? null : manifest.getMainAttributes().getValue("Implementation-Version");
        } catch (IOException e) {
            return null;
        }
    }
}
