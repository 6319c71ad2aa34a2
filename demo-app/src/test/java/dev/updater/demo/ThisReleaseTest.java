package dev.updater.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.updater.demo.release.DarkThemeRelease;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ThisReleaseTest {
    private static final String REBUILD = "run a release jar that the build made, "
            + "e.g. java -jar demo-app/target/demo-app-1.0.0.jar (./mvnw package makes them)";

    @TempDir
    Path temp;

    @Test
    void read_takesTheVersionFromTheManifestAndTheBehaviourFromTheNamedClass() throws Exception {
        ThisRelease release = read(Optional.of("1.1.0"), "release.class=dev.updater.demo.release.DarkThemeRelease\n");

        assertEquals("1.1.0", release.version());
        assertInstanceOf(DarkThemeRelease.class, release.behaviour());
    }

    @Test
    void read_withoutAVersion_failsSayingWhichJarToRun() {
        StartupFailure failure = assertThrows(StartupFailure.class,
                () -> read(Optional.empty(), "release.class=dev.updater.demo.release.FirstRelease\n"));

        assertEquals("this jar's manifest has no Implementation-Version; " + REBUILD, failure.getMessage());
    }

    @Test
    void read_withoutTheResource_fails() {
        StartupFailure failure = assertThrows(StartupFailure.class,
                () -> ThisRelease.read(Optional.of("1.0.0"), getClass().getClassLoader()));

        assertEquals("this jar has no dev/updater/demo/release.properties; " + REBUILD, failure.getMessage());
    }

    @Test
    void read_withoutAClassName_fails() {
        StartupFailure failure = assertThrows(StartupFailure.class, () -> read(Optional.of("1.0.0"), "other=x\n"));

        assertEquals("dev/updater/demo/release.properties names no release.class; " + REBUILD, failure.getMessage());
    }

    @Test
    void read_aClassThatIsNotInTheJar_fails() {
        StartupFailure failure = assertThrows(StartupFailure.class,
                () -> read(Optional.of("1.0.0"), "release.class=dev.updater.demo.release.Missing\n"));

        assertEquals("dev/updater/demo/release.properties names dev.updater.demo.release.Missing,"
                + " which is not in this jar; " + REBUILD, failure.getMessage());
    }

    @Test
    void read_aClassThatIsNotARelease_fails() {
        StartupFailure failure = assertThrows(StartupFailure.class,
                () -> read(Optional.of("1.0.0"), "release.class=java.lang.Object\n"));

        assertEquals("dev/updater/demo/release.properties names java.lang.Object,"
                + " which is not a dev.updater.demo.Release; " + REBUILD, failure.getMessage());
    }

    private ThisRelease read(Optional<String> version, String properties) throws Exception {
        Path resource = temp.resolve(ThisRelease.RESOURCE);
        Files.createDirectories(resource.getParent());
        Files.writeString(resource, properties);
        try (URLClassLoader loader = new URLClassLoader(new URL[] {temp.toUri().toURL()}, getClass().getClassLoader())) {
            return ThisRelease.read(version, loader);
        }
    }
}
