package dev.updater.core.manifest;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.updater.core.ErrorCode;
import dev.updater.core.UpdaterException;
import dev.updater.core.json.Json;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Writes a manifest in one stable form: fields in the seed's order, platforms sorted, two-space
 * indentation, {@code \n} line ends, a final newline. The same manifest always gives the same bytes,
 * so a re-published channel does not change its signature for nothing.
 */
public final class ManifestWriter {
    private ManifestWriter() {
    }

    public static byte[] write(Manifest manifest) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (JsonGenerator gen = generator(out)) {
            gen.writeStartObject();
            gen.writeStringField("version", manifest.version().toString());
            writeInstant(gen, "release_date", manifest.releaseDate());
            gen.writeObjectFieldStart("binaries");
            for (Map.Entry<String, Artifact> entry : manifest.binaries().entrySet()) {
                Artifact artifact = entry.getValue();
                gen.writeObjectFieldStart(entry.getKey());
                gen.writeStringField("url", artifact.url());
                gen.writeStringField("sha256", artifact.sha256().hex());
                gen.writeNumberField("size", artifact.size());
                if (!artifact.urls().isEmpty()) {
                    writeStrings(gen, "urls", artifact.urls());
                }
                if (artifact.format() != null) {
                    gen.writeStringField("format", artifact.format().wireName());
                }
                if (!artifact.config().isEmpty()) {
                    writeStrings(gen, "config", artifact.config());
                }
                if (artifact.index() != null) {
                    gen.writeObjectFieldStart("index");
                    gen.writeStringField("url", artifact.index().url());
                    gen.writeStringField("sha256", artifact.index().sha256().hex());
                    gen.writeNumberField("size", artifact.index().size());
                    gen.writeStringField("objects", artifact.index().objects());
                    gen.writeEndObject();
                }
                gen.writeEndObject();
            }
            gen.writeEndObject();
            if (!manifest.changelog().isEmpty()) {
                gen.writeObjectFieldStart("changelog");
                writeStrings(gen, "features", manifest.changelog().features());
                writeStrings(gen, "fixes", manifest.changelog().fixes());
                gen.writeEndObject();
            }
            if (manifest.minVersion() != null) {
                gen.writeStringField("min_version", manifest.minVersion().toString());
            }
            gen.writeBooleanField("breaking_changes", manifest.breakingChanges());
            writeInstant(gen, "expires", manifest.expires());
            if (manifest.rollout() != null) {
                gen.writeObjectFieldStart("rollout");
                Rollout rollout = manifest.rollout();
                writePercent(gen, rollout.percent());
                if (rollout.schedule() != null) {
                    gen.writeArrayFieldStart("schedule");
                    for (RolloutSchedule.Step step : rollout.schedule().steps()) {
                        gen.writeStartObject();
                        writePercent(gen, step.percent());
                        gen.writeStringField("at", step.at().toString());
                        gen.writeEndObject();
                    }
                    gen.writeEndArray();
                }
                if (rollout.halted()) {
                    gen.writeBooleanField("halted", true);
                }
                if (rollout.salt() != null) {
                    gen.writeStringField("salt", rollout.salt());
                }
                gen.writeEndObject();
            }
            gen.writeEndObject();
            gen.writeRaw('\n');
        } catch (IOException e) {
            throw new UncheckedIOException("Writing JSON to memory cannot fail", e);
        }
        return out.toByteArray();
    }

    /**
     * The same manifest with only {@code expires} set to {@code expires}: every other field, unknown
     * ones included, keeps its value and its place, and numbers keep their exact decimal form, so
     * re-signing a release changes nothing a host decides by except the expiry. A manifest without
     * {@code expires} gets it where {@link #write} puts it (after {@code breaking_changes}, or before
     * {@code rollout}, or last). A manifest {@link #write} made changes in its {@code expires} line only.
     *
     * @param source names the manifest in the error message
     * @throws UpdaterException {@code MANIFEST_MALFORMED} when {@code manifest} is not a JSON object
     */
    public static byte[] withExpires(byte[] manifest, Instant expires, String source) throws UpdaterException {
        ObjectNode original = readTree(manifest, source);
        ObjectNode renewed = original.objectNode();
        boolean placed = false;
        for (Iterator<Map.Entry<String, JsonNode>> fields = original.fields(); fields.hasNext(); ) {
            Map.Entry<String, JsonNode> field = fields.next();
            String name = field.getKey();
            if (!placed && (name.equals("expires") || name.equals("rollout"))) {
                renewed.put("expires", expires.toString());
                placed = true;
            }
            if (!name.equals("expires")) {
                renewed.set(name, field.getValue());
            }
            if (!placed && name.equals("breaking_changes")) {
                renewed.put("expires", expires.toString());
                placed = true;
            }
        }
        if (!placed) {
            renewed.put("expires", expires.toString());
        }
        return writeTree(renewed);
    }

    /**
     * The same manifest with its release halted (DESIGN §11): {@code rollout.halted} true and
     * {@code rollout.percent} 0, so agents that predate halting stop too. Every other field, unknown ones
     * and the rest of {@code rollout} included, keeps its value and place; a manifest without
     * {@code rollout} gets one at the end.
     *
     * @throws UpdaterException {@code MANIFEST_MALFORMED} when {@code manifest} is not a JSON object
     */
    public static byte[] withHalted(byte[] manifest, String source) throws UpdaterException {
        ObjectNode root = readTree(manifest, source);
        JsonNode existing = root.get("rollout");
        ObjectNode rollout = existing instanceof ObjectNode object ? object : root.objectNode();
        rollout.put("percent", 0);
        rollout.put("halted", true);
        root.set("rollout", rollout);
        return writeTree(root);
    }

    /** The tree of {@code manifest}, numbers kept in their exact decimal form. */
    private static ObjectNode readTree(byte[] manifest, String source) throws UpdaterException {
        JsonNode root;
        try {
            root = Json.mapper().reader()
                    .with(JsonNodeFactory.withExactBigDecimals(true))
                    .with(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
                    .readTree(manifest);
        } catch (IOException e) {
            throw new UpdaterException(ErrorCode.MANIFEST_MALFORMED, "Manifest " + source
                    + " could not be read as JSON: " + e.getMessage() + ".", e);
        }
        if (!(root instanceof ObjectNode original)) {
            throw new UpdaterException(ErrorCode.MANIFEST_MALFORMED, "Manifest " + source + " is not a JSON object.");
        }
        return original;
    }

    private static byte[] writeTree(ObjectNode root) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (JsonGenerator gen = generator(out)) {
            gen.writeTree(root);
            gen.writeRaw('\n');
        } catch (IOException e) {
            throw new UncheckedIOException("Writing JSON to memory cannot fail", e);
        }
        return out.toByteArray();
    }

    /** Two-space indentation, {@code \n} line ends: the one layout of every manifest updater writes. */
    private static JsonGenerator generator(ByteArrayOutputStream out) throws IOException {
        JsonGenerator gen = Json.mapper().getFactory().createGenerator(out);
        gen.setPrettyPrinter(new DefaultPrettyPrinter()
                .withObjectIndenter(new DefaultIndenter("  ", "\n"))
                .withArrayIndenter(new DefaultIndenter("  ", "\n")));
        return gen;
    }

    /** {@code 25}, not {@code 25.0}: whole shares as integers, as people write them. */
    private static void writePercent(JsonGenerator gen, double percent) throws IOException {
        if (percent == Math.rint(percent)) {
            gen.writeNumberField("percent", (long) percent);
        } else {
            gen.writeNumberField("percent", percent);
        }
    }

    private static void writeInstant(JsonGenerator gen, String field, Instant value) throws IOException {
        if (value != null) {
            gen.writeStringField(field, value.toString());
        }
    }

    private static void writeStrings(JsonGenerator gen, String field, List<String> values) throws IOException {
        gen.writeArrayFieldStart(field);
        for (String value : values) {
            gen.writeString(value);
        }
        gen.writeEndArray();
    }
}
