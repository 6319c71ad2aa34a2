package dev.updater.agent.isolation;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.jar.JarFile;
import java.util.zip.ZipEntry;

import static dev.updater.agent.isolation.ChildJvm.AGENT_JAR;
import static dev.updater.agent.isolation.ChildJvm.requiredProperty;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The layout docs/agent-packaging.md describes, read from the built updater.jar. */
final class UpdaterJarLayoutIT {

    @Test
    void theManifest_namesTheBootAsPremainAndAgentClass_andNothingElseToLoad() throws IOException {
        try (JarFile jar = new JarFile(AGENT_JAR.toFile())) {
            Map<String, String> attributes = new TreeMap<>();
            jar.getManifest().getMainAttributes().forEach((key, value) -> attributes.put(key.toString(), value.toString()));

            assertEquals(Map.of(
                    "Manifest-Version", "1.0",
                    "Premain-Class", "dev.updater.agent.boot.AgentBoot",
                    "Agent-Class", "dev.updater.agent.boot.AgentBoot",
                    "Can-Retransform-Classes", "true",
                    "Implementation-Title", "updater agent",
                    "Implementation-Version", requiredProperty("updater.it.agent.version")), attributes);
        }
    }

    @Test
    void theOnlyEntriesOutsideInst_areTheManifestAndTheBootClasses() throws IOException {
        List<String> outside = names().stream().filter(name -> !name.startsWith("inst/")).toList();

        assertEquals(List.of(
                "META-INF/",
                "META-INF/MANIFEST.MF",
                "dev/updater/agent/boot/AgentBoot.class",
                "dev/updater/agent/boot/AgentClassLoader.class",
                "dev/updater/agent/boot/RuntimeLauncher.class"), outside);
    }

    @Test
    void underInst_classesAreClassdata_andTheAgentCoreAndDependenciesAreAllThere() throws IOException {
        List<String> names = names();

        assertEquals(List.of(), names.stream().filter(name -> name.endsWith(".class")).filter(name -> name.startsWith("inst/")).toList());
        assertEquals(List.of(), names.stream().filter(name -> name.contains("module-info")).toList());
        for (String expected : List.of(
                "inst/dev/updater/agent/AgentRuntime.classdata",
                "inst/dev/updater/core/manifest/Manifest.classdata",
                "inst/com/fasterxml/jackson/databind/ObjectMapper.classdata",
                "inst/com/fasterxml/jackson/core/JsonFactory.classdata",
                "inst/com/fasterxml/jackson/annotation/JsonProperty.classdata",
                "inst/org/semver4j/Semver.classdata",
                "inst/META-INF/MANIFEST.MF",
                "inst/META-INF/LICENSE",
                "inst/META-INF/NOTICE",
                "inst/META-INF/services/com.fasterxml.jackson.core.JsonFactory",
                "inst/META-INF/maven/com.fasterxml.jackson.core/jackson-databind/pom.properties")) {
            assertTrue(names.contains(expected), "updater.jar has no " + expected);
        }
        // jackson-core is a multi-release jar: its JDK-specific classes keep their versions under inst/.
        assertTrue(names.stream().anyMatch(name -> name.startsWith("inst/META-INF/versions/17/")),
                "updater.jar has no inst/META-INF/versions/17/ entries");
    }

    @Test
    void entries_areSorted_andAllCarryTheBuildsOutputTimestamp() throws IOException {
        LocalDateTime expected = LocalDateTime.ofInstant(
                Instant.parse(requiredProperty("updater.it.output-timestamp")), ZoneOffset.UTC);
        List<String> names = names();
        List<String> afterManifest = names.subList(2, names.size());
        List<String> sorted = new ArrayList<>(afterManifest);
        Collections.sort(sorted);

        assertEquals(sorted, afterManifest);
        try (JarFile jar = new JarFile(AGENT_JAR.toFile())) {
            List<String> otherTimes = jar.stream().filter(entry -> !entry.getTimeLocal().equals(expected))
                    .map(entry -> entry.getName() + " " + entry.getTimeLocal()).toList();
            assertEquals(List.of(), otherTimes);
        }
    }

    private static List<String> names() throws IOException {
        try (JarFile jar = new JarFile(AGENT_JAR.toFile())) {
            return jar.stream().map(ZipEntry::getName).toList();
        }
    }
}
