package dev.updater.demo;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** What the build made: three small runnable jars that differ in code, not only in their label. */
class ReleaseJarsIT {
    private static final String RELEASE_PACKAGE = "dev/updater/demo/release/";

    @ParameterizedTest(name = "{0}: {1}")
    @CsvSource({
        "1.0.0, FirstRelease",
        "1.1.0, DarkThemeRelease",
        "1.2.0, BrokenRelease",
    })
    void eachJar_isSmallRunnableAndHoldsOnlyItsOwnRelease(String version, String releaseClass) throws Exception {
        Path jar = DemoProcess.jar(version);
        assertTrue(Files.size(jar) < 64 * 1024, jar + " is " + Files.size(jar) + " bytes");
        try (JarFile file = new JarFile(jar.toFile())) {
            Attributes manifest = file.getManifest().getMainAttributes();
            assertEquals("dev.updater.demo.DemoApp", manifest.getValue(Attributes.Name.MAIN_CLASS));
            assertEquals(version, manifest.getValue(Attributes.Name.IMPLEMENTATION_VERSION));
            assertEquals("demo-app", manifest.getValue(Attributes.Name.IMPLEMENTATION_TITLE));

            List<String> releaseClasses = file.stream().map(JarEntry::getName)
                    .filter(name -> name.startsWith(RELEASE_PACKAGE) && !name.equals(RELEASE_PACKAGE))
                    .toList();
            assertEquals(List.of(RELEASE_PACKAGE + releaseClass + ".class"), releaseClasses);

            Properties release = new Properties();
            try (InputStream in = file.getInputStream(file.getEntry(ThisRelease.RESOURCE))) {
                release.load(in);
            }
            assertEquals("dev.updater.demo.release." + releaseClass, release.getProperty(ThisRelease.CLASS_KEY));
            assertFalse(file.stream().anyMatch(entry -> entry.getName().startsWith("META-INF/maven/")),
                    "no Maven descriptor with the module's own version");
        }
    }

    @Test
    void theSharedClasses_areTheSameInEveryJar() throws Exception {
        byte[] first = entry("1.0.0", "dev/updater/demo/DemoService.class");

        assertArrayEquals(first, entry("1.1.0", "dev/updater/demo/DemoService.class"));
        assertArrayEquals(first, entry("1.2.0", "dev/updater/demo/DemoService.class"));
    }

    @Test
    void theJars_allDiffer() throws Exception {
        List<byte[]> jars = List.of(Files.readAllBytes(DemoProcess.jar("1.0.0")),
                Files.readAllBytes(DemoProcess.jar("1.1.0")), Files.readAllBytes(DemoProcess.jar("1.2.0")));

        assertFalse(Arrays.equals(jars.get(0), jars.get(1)));
        assertFalse(Arrays.equals(jars.get(1), jars.get(2)));
        assertFalse(Arrays.equals(jars.get(0), jars.get(2)));
    }

    @Test
    void theMainArtifact_isRelease100() throws Exception {
        Path main = DemoProcess.jar("1.0.0").resolveSibling("demo-app.jar");

        assertArrayEquals(Files.readAllBytes(DemoProcess.jar("1.0.0")), Files.readAllBytes(main));
    }

    private static byte[] entry(String version, String name) throws IOException {
        try (JarFile file = new JarFile(DemoProcess.jar(version).toFile());
                InputStream in = file.getInputStream(file.getEntry(name))) {
            return in.readAllBytes();
        }
    }
}
