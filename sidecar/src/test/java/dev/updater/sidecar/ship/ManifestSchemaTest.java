package dev.updater.sidecar.ship;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaValidatorsConfig;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import dev.updater.core.ErrorCode;
import dev.updater.core.UpdaterException;
import dev.updater.core.manifest.ManifestParser;
import dev.updater.core.manifest.RolloutSchedule;
import dev.updater.core.version.ReleaseVersion;
import dev.updater.sidecar.channel.KeyFiles;
import dev.updater.sidecar.channel.PublishRequest;
import dev.updater.sidecar.channel.Publisher;
import dev.updater.sidecar.channel.ReleaseHalter;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * docs/manifest.schema.json describes what {@code publish} writes and what hosts accept: every
 * published manifest is valid, and each fault the parser refuses, the schema refuses too.
 */
class ManifestSchemaTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path SCHEMA = ShipFiles.file("docs/manifest.schema.json");
    private static JsonSchema schema;

    @TempDir
    Path dir;

    private Path key;

    @BeforeAll
    static void loadSchema() throws Exception {
        JsonSchemaFactory factory = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012);
        // Formats (date-time) are only annotations in 2020-12 unless asserted; hosts do check them.
        SchemaValidatorsConfig config = SchemaValidatorsConfig.builder().formatAssertionsEnabled(true).build();
        schema = factory.getSchema(JSON.readTree(SCHEMA.toFile()), config);
    }

    @BeforeEach
    void signingKey() throws Exception {
        key = KeyFiles.create(dir.resolve("keys")).privateKey();
    }

    @Test
    void theSchema_isAValidDraft202012Schema() throws Exception {
        JsonSchema meta = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012)
                .getSchema(SchemaLocation.of("https://json-schema.org/draft/2020-12/schema"));
        assertEquals(Set.of(), meta.validate(JSON.readTree(SCHEMA.toFile())));
    }

    @Test
    void publishedManifest_withOneArtifactAndNoOptions_isValid() throws Exception {
        Path channel = publish(new PublishRequest(ReleaseVersion.parse("1.0.0"), Map.of("any", artifact("app.jar")), key,
                dir.resolve("channel"), null, List.of(), List.of(), null, false, null, null, null, false));

        assertValid(channel.resolve("manifest.json"));
    }

    @Test
    void publishedManifest_withEveryOption_isValid() throws Exception {
        Map<String, Path> artifacts = new LinkedHashMap<>();
        artifacts.put("linux-x64", artifact("app-linux"));
        artifacts.put("linux-arm64", artifact("app-linux-arm"));
        artifacts.put("darwin-arm64", artifact("app-mac"));
        artifacts.put("windows-x64", artifact("app.exe"));
        artifacts.put("any", artifact("app.jar"));
        Path channel = publish(new PublishRequest(ReleaseVersion.parse("2.0.0-rc.1+build.7"), artifacts, key,
                dir.resolve("channel"), URI.create("https://cdn.example.com/app/"), List.of("Dark mode", "Ünïcode"),
                List.of("Login timeout"), ReleaseVersion.parse("1.0.0"), true, Instant.parse("2026-02-07T12:00:00Z"),
                Duration.ofDays(30), 12.5, false));

        JsonNode manifest = assertValid(channel.resolve("manifest.json"));
        assertEquals(Set.of("version", "release_date", "binaries", "changelog", "min_version", "breaking_changes",
                        "expires", "rollout"), fieldNames(manifest),
                "every field the schema describes was exercised");
    }

    @Test
    void publishedManifest_withWavesASaltAndThenHalted_isValid() throws Exception {
        Path channel = publish(new PublishRequest(ReleaseVersion.parse("1.0.0"), Map.of("any", artifact("app.jar")), key,
                dir.resolve("channel"), null, List.of(), List.of(), null, false, null, Duration.ofDays(30), null, false,
                false, RolloutSchedule.parse("1%@0h,10%@6h,50%@24h,100%@48h"), "q4"));
        assertValid(channel.resolve("manifest.json"));

        new ReleaseHalter().halt(channel, key, ReleaseVersion.parse("1.0.0"));
        JsonNode halted = assertValid(channel.resolve("manifest.json"));
        assertEquals(Set.of("percent", "schedule", "salt", "halted"), fieldNames(halted.get("rollout")));
    }

    @Test
    void publishedManifest_ofArchivesWithConfig_isValid() throws Exception {
        Map<String, Path> artifacts = new LinkedHashMap<>();
        artifacts.put("any", artifact("app-1.0.0.zip"));
        artifacts.put("linux-x64", artifact("app-1.0.0.tgz"));
        Path channel = publish(new PublishRequest(ReleaseVersion.parse("1.0.0"), artifacts, key, dir.resolve("channel"),
                null, List.of(), List.of(), null, false, null, null, null, false, true,
                List.of("config/app.properties", "bin/env.sh")));

        JsonNode manifest = assertValid(channel.resolve("manifest.json"));
        assertEquals("zip", manifest.at("/binaries/any/format").asText());
        assertEquals("tar.gz", manifest.at("/binaries/linux-x64/format").asText());
        assertEquals(2, manifest.at("/binaries/any/config").size());
    }

    @Test
    void aManifestWithUnknownFieldsAndNulls_isValid_asHostsIgnoreThem() throws Exception {
        ObjectNode manifest = minimal();
        manifest.put("signed_by", "ci");
        manifest.putNull("changelog");
        manifest.putNull("rollout");
        manifest.putNull("expires");
        ((ObjectNode) manifest.get("binaries").get("any")).put("mirror", "https://mirror.example.com/app.jar");

        assertEquals(Set.of(), schema.validate(manifest));
        ManifestParser.parse(JSON.writeValueAsBytes(manifest), "test");
    }

    /** Each row: a field to set (a JSON pointer) and a value hosts refuse; both the schema and the parser refuse it. */
    @ParameterizedTest(name = "{0} = {1}")
    @CsvSource(delimiter = '|', value = {
            "/version                | \"1.3\"",
            "/version                | \"01.3.0\"",
            "/version                | 130",
            "/release_date           | \"yesterday\"",
            "/release_date           | \"2026-02-07T12:00:00\"",
            "/binaries               | {}",
            "/binaries               | []",
            "/binaries/Linux_X64     | {\"url\": \"a.jar\", \"sha256\": \"" + HEX + "\", \"size\": 1}",
            "/binaries/any/sha256    | \"abc\"",
            "/binaries/any/sha256    | \"" + HEX + "0\"",
            "/binaries/any/size      | 0",
            "/binaries/any/size      | 1.5",
            "/binaries/any/size      | \"12\"",
            "/binaries/any/url       | \"  \"",
            "/binaries/any/url       | null",
            "/binaries/any/format    | \"rar\"",
            "/binaries/any/config    | [\"../etc/passwd\"]",
            "/binaries/any/config    | [\"/etc/passwd\"]",
            "/binaries/any/config    | [\"C:/boot.ini\"]",
            "/binaries/any           | \"app.jar\"",
            "/changelog              | [\"x\"]",
            "/changelog/features     | \"Dark mode\"",
            "/changelog/fixes        | [1]",
            "/min_version            | \"latest\"",
            "/breaking_changes       | \"yes\"",
            "/expires                | 1767225600",
            "/rollout                | 25",
            "/rollout                | {}",
            "/rollout/percent        | 101",
            "/rollout/percent        | -1",
            "/rollout/percent        | \"25\"",
            "/rollout/halted         | \"yes\"",
            "/rollout/salt           | \"a b\"",
            "/rollout/schedule       | []",
            "/rollout/schedule       | [{\"percent\": 10, \"at\": \"6h\"}]",
            "/rollout/schedule       | [{\"percent\": 101, \"at\": \"PT6H\"}]",
    })
    void aFaultHostsRefuse_theSchemaRefusesToo(String pointer, String value) throws Exception {
        ObjectNode manifest = minimal();
        set(manifest, pointer.strip(), JSON.readTree(value.strip()));
        byte[] bytes = JSON.writeValueAsBytes(manifest);

        UpdaterException refused = assertThrows(UpdaterException.class, () -> ManifestParser.parse(bytes, "test"));
        assertEquals(ErrorCode.MANIFEST_INVALID, refused.code());
        assertFalse(schema.validate(manifest).isEmpty(), "the schema accepts what hosts refuse: " + manifest);
    }

    @ParameterizedTest
    @CsvSource({"version", "binaries"})
    void aMissingRequiredField_isRefusedByBoth(String field) throws Exception {
        ObjectNode manifest = minimal();
        manifest.remove(field);

        assertThrows(UpdaterException.class, () -> ManifestParser.parse(JSON.writeValueAsBytes(manifest), "test"));
        assertFalse(schema.validate(manifest).isEmpty());
    }

    private static final String HEX = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

    private static ObjectNode minimal() throws Exception {
        return (ObjectNode) JSON.readTree("{\"version\": \"1.3.0\", \"binaries\": {\"any\": {\"url\": \"app.jar\","
                + " \"sha256\": \"" + HEX + "\", \"size\": 42}}}");
    }

    /** Sets the value at a pointer such as /rollout/percent, creating the objects on the way. */
    private static void set(ObjectNode root, String pointer, JsonNode value) {
        String[] names = pointer.substring(1).split("/");
        ObjectNode parent = root;
        for (int i = 0; i < names.length - 1; i++) {
            JsonNode child = parent.get(names[i]);
            parent = child instanceof ObjectNode object ? object : parent.putObject(names[i]);
        }
        parent.set(names[names.length - 1], value);
    }

    private Path artifact(String name) throws Exception {
        return Files.write(dir.resolve(name), name.getBytes(StandardCharsets.UTF_8));
    }

    private static Path publish(PublishRequest request) throws Exception {
        new Publisher(Clock.fixed(Instant.parse("2026-02-07T12:00:00Z"), ZoneOffset.UTC)).publish(request);
        return request.outDir();
    }

    private static JsonNode assertValid(Path manifestFile) throws Exception {
        JsonNode manifest = JSON.readTree(manifestFile.toFile());
        Set<ValidationMessage> errors = schema.validate(manifest);
        assertEquals(Set.of(), errors, "publish wrote a manifest the schema refuses: " + manifest);
        return manifest;
    }

    private static Set<String> fieldNames(JsonNode node) {
        Set<String> names = new java.util.HashSet<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }
}
