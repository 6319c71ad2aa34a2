package dev.updater.agent.isolation;

import dev.updater.agent.isolation.host.AgentProbe;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * The class path of a test host: only the host classes and the probe's logging service file, so
 * nothing else of the build (target/classes, other tests' resources) can blur what the host sees.
 */
final class HostClasspath {
    private static final String HOST_PACKAGE = "dev/updater/agent/isolation/host";
    private static final String PROBE_RESOURCES = "isolation/probe";

    private HostClasspath() {
    }

    /** Copies the host classes and the probe's {@code META-INF/services} into {@code directory}. */
    static Path create(Path directory) throws IOException {
        Path testClasses;
        try {
            testClasses = Path.of(AgentProbe.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException e) {
            throw new IOException(e);
        }
        copyTree(testClasses.resolve(HOST_PACKAGE), directory.resolve(HOST_PACKAGE));
        copyTree(testClasses.resolve(PROBE_RESOURCES), directory);
        return directory;
    }

    /** The jars of the Jackson the host ships (copied by the build into target/host-libs). */
    static List<Path> hostJackson() throws IOException {
        try (Stream<Path> files = Files.list(Path.of(ChildJvm.requiredProperty("updater.it.host-libs")))) {
            return files.filter(file -> file.toString().endsWith(".jar")).sorted().toList();
        }
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                Path target = to.resolve(from.relativize(file).toString());
                Files.createDirectories(target.getParent());
                Files.copy(file, target);
            }
        }
    }
}
