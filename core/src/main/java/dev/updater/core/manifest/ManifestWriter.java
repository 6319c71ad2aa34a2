package dev.updater.core.manifest;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import dev.updater.core.json.Json;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
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
        DefaultPrettyPrinter printer = new DefaultPrettyPrinter()
                .withObjectIndenter(new DefaultIndenter("  ", "\n"))
                .withArrayIndenter(new DefaultIndenter("  ", "\n"));
        try (JsonGenerator gen = Json.mapper().getFactory().createGenerator(out)) {
            gen.setPrettyPrinter(printer);
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
                double percent = manifest.rollout().percent();
                if (percent == Math.rint(percent)) {
                    gen.writeNumberField("percent", (long) percent);
                } else {
                    gen.writeNumberField("percent", percent);
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
