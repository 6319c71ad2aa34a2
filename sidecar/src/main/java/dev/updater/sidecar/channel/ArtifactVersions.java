package dev.updater.sidecar.channel;

import dev.updater.core.version.ReleaseVersion;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.jar.Attributes;
import java.util.jar.JarFile;
import java.util.jar.Manifest;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The versions an artifact says it is, to catch a release published under the wrong version: a jar
 * built as 1.1.0 published as 1.3.0 reports 1.1.0 on every screen after it is installed, and hosts
 * that run it are offered 1.3.0 again and again.
 *
 * <pre>{@code
 * ArtifactVersions.mismatches(Path.of("build/app-1.1.0.jar"), ReleaseVersion.parse("1.3.0"))
 *   // ["build/app-1.1.0.jar says 1.1.0 in its file name, not --version 1.3.0"]
 * }</pre>
 */
final class ArtifactVersions {
    /** {@code app-1.3.0.jar}, {@code app_v1.3.0-rc.1.tar.gz}: a version ending the name, before its extension. */
    private static final Pattern IN_FILE_NAME = Pattern.compile(
            "(?:^|[-_])v?(\\d+\\.\\d+\\.\\d+(?:-[0-9A-Za-z.-]+)?(?:\\+[0-9A-Za-z.-]+)?)"
                    + "(?:\\.jar|\\.war|\\.zip|\\.tar\\.gz|\\.tgz|\\.exe)?$");

    private ArtifactVersions() {
    }

    /** A sentence for each place where {@code artifact} names another version than {@code version}; empty when none does. */
    static List<String> mismatches(Path artifact, ReleaseVersion version) {
        List<String> problems = new ArrayList<>();
        String implementation = implementationVersion(artifact);
        if (implementation != null && !version.equals(ReleaseVersion.tryParse(implementation))) {
            problems.add("artifact " + artifact + " says it is " + implementation
                    + " (Implementation-Version in its META-INF/MANIFEST.MF), not --version " + version);
        }
        String named = inFileName(artifact);
        if (named != null && !version.equals(ReleaseVersion.tryParse(named))) {
            problems.add("artifact " + artifact + " says " + named + " in its file name, not --version " + version);
        }
        return problems;
    }

    /** The version at the end of the file name, or null when it names none. */
    static String inFileName(Path artifact) {
        Matcher m = IN_FILE_NAME.matcher(artifact.getFileName().toString());
        return m.find() ? m.group(1) : null;
    }

    /** A jar's (or zip's) Implementation-Version, or null when it is no jar or declares none. */
    static String implementationVersion(Path artifact) {
        try (JarFile jar = new JarFile(artifact.toFile(), false)) {
            Manifest manifest = jar.getManifest();
            String value = manifest == null ? null
                    : manifest.getMainAttributes().getValue(Attributes.Name.IMPLEMENTATION_VERSION);
            return value == null || value.isBlank() ? null : value.strip();
        } catch (IOException | SecurityException e) {
            return null; // not a jar: a native binary or an archive without a manifest says nothing here
        }
    }
}
