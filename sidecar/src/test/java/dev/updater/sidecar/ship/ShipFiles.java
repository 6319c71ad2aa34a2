package dev.updater.sidecar.ship;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.databind.MappingIterator;
import dev.updater.core.testing.ChildProcess;
import dev.updater.sidecar.testhost.SidecarJar;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/** The files this project ships besides its jars (scripts, workflows, deploy/, docs/), for tests. */
final class ShipFiles {
    /** Tests run in the sidecar module's directory (surefire's and failsafe's default). */
    static final Path ROOT = Path.of("").toAbsolutePath().getParent();
    static final Path SIDECAR_JAR = SidecarJar.PATH;
    static final Path AGENT_JAR = ROOT.resolve("agent/target/updater.jar");

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private ShipFiles() {
    }

    static Path file(String relative) {
        Path file = ROOT.resolve(relative);
        if (!Files.isRegularFile(file)) {
            throw new AssertionError(relative + " is missing (looked in " + ROOT + ")");
        }
        return file;
    }

    /** Every document of a YAML file; a syntax error fails the test with its line and column. */
    static List<JsonNode> yamlDocuments(Path file) throws IOException {
        try (MappingIterator<JsonNode> documents = YAML.readerFor(JsonNode.class).readValues(file.toFile())) {
            return documents.readAll().stream().filter(node -> node != null && !node.isNull()).toList();
        }
    }

    static JsonNode yaml(Path file) throws IOException {
        List<JsonNode> documents = yamlDocuments(file);
        if (documents.size() != 1) {
            throw new AssertionError(file + " holds " + documents.size() + " YAML documents, expected one");
        }
        return documents.get(0);
    }

    /** Runs {@code command} in the repository's root with {@code environment} added, to its end (3 minutes at most). */
    static ChildProcess.Finished run(List<String> command, Map<String, String> environment)
            throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(command).directory(ROOT.toFile());
        builder.environment().putAll(environment);
        return ChildProcess.run(builder, Duration.ofMinutes(3));
    }

    static ChildProcess.Finished run(String... command) throws IOException, InterruptedException {
        return run(List.of(command), Map.of());
    }

    static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }
}
