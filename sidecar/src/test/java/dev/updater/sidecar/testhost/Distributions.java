package dev.updater.sidecar.testhost;

import dev.updater.core.Sha256;
import dev.updater.core.UpdaterException;
import dev.updater.core.archive.ArchiveLimits;
import dev.updater.core.archive.Unpacker;
import dev.updater.core.manifest.ArchiveFormat;
import dev.updater.core.testing.ChildProcess;
import dev.updater.core.testing.PosixModes;
import dev.updater.core.testing.TestArchives;
import org.junit.jupiter.api.condition.OS;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * Distribution archives of the test hosts, as {@code gradle distZip} makes them: {@code app-<v>/bin/app}
 * (a script that runs the jar beside it), {@code app-<v>/lib/app.jar} and {@code app-<v>/config/app.properties};
 * the {@code APP/current -> releases/<v>} layout they install into; and the hashes that compare release folders.
 */
public final class Distributions {
    /** The manifest's {@code config} paths of these distributions. */
    public static final List<String> CONFIG = List.of("config/app.properties");

    private Distributions() {
    }

    /** Writes {@code version}'s distribution of host {@code jar} into {@code dir/dist/}; returns the archive. */
    public static Path write(Path dir, String version, Path jar, ArchiveFormat format) throws IOException {
        String root = "app-" + version + "/";
        String script = "#!/bin/sh\nexec " + String.join(" ", ChildProcess.java()) + " -jar \"$(dirname \"$0\")/../lib/app.jar\""
                + " \"$@\"\n";
        List<TestArchives.Entry> entries = TestArchives.of(
                TestArchives.file(root + "bin/app", 0755, script),
                TestArchives.file(root + "lib/app.jar", 0644, Files.readAllBytes(jar)),
                TestArchives.file(root + "config/app.properties", 0644, "port=8080\nrelease=" + version + "\n"));
        String name = "app-" + version + (format == ArchiveFormat.ZIP ? ".zip" : ".tar.gz");
        return Files.write(Files.createDirectories(dir.resolve("dist")).resolve(name),
                format == ArchiveFormat.ZIP ? TestArchives.zip(entries) : TestArchives.tarGz(entries));
    }

    /**
     * As docs/archives.md tells an operator: unpacks the first release ({@code version} of {@code jar}) into
     * {@code app/releases/<version>} and links {@code app/current} to it. Returns {@code app/current/lib/app.jar},
     * the target.
     */
    public static Path installFirstByHand(Path dir, Path app, String version, Path jar) throws IOException, UpdaterException {
        Path unpacked = Unpacker.unpack(write(dir, version, jar, ArchiveFormat.ZIP), ArchiveFormat.ZIP,
                dir.resolve("first"), ArchiveLimits.DEFAULT).folder();
        Files.createDirectories(app.resolve("releases"));
        Files.move(Unpacker.releaseRoot(unpacked), app.resolve("releases").resolve(version));
        Files.createSymbolicLink(app.resolve("current"), Path.of("releases", version));
        return app.resolve("current/lib/app.jar");
    }

    /**
     * The command that starts the host installed in {@code app}, through {@code APP/current}: its {@code bin/app}
     * script; on Windows, which runs no {@code #!/bin/sh} script, {@code java -jar APP/current/lib/app.jar}, the jar
     * that script runs. The host's own arguments follow.
     */
    public static List<String> hostCommand(Path app) {
        return OS.WINDOWS.isCurrentOs() ? ChildProcess.java("-jar", app.resolve("current/lib/app.jar"))
                : List.of(app.resolve("current/bin/app").toString());
    }

    /** Every file under {@code folder} (links not followed): its path, mode and SHA-256. */
    public static Map<String, String> hashes(Path folder) throws IOException {
        Map<String, String> hashes = new TreeMap<>();
        try (Stream<Path> files = Files.walk(folder)) {
            for (Path file : files.filter(f -> Files.isRegularFile(f, LinkOption.NOFOLLOW_LINKS)).toList()) {
                hashes.put(folder.relativize(file).toString(), (PosixModes.supported(file) ? PosixModes.of(file) + " " : "")
                        + Sha256.ofFile(file).hex());
            }
        }
        return hashes;
    }

    /** The names in {@code folder}, sorted. */
    public static List<String> list(Path folder) throws IOException {
        try (Stream<Path> files = Files.list(folder)) {
            return files.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }
}
