package dev.updater.core.json;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.annotation.JsonInclude;
import dev.updater.core.Sha256;
import dev.updater.core.version.ReleaseVersion;

import java.io.IOException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.function.Function;

/**
 * The one Jackson configuration of updater. Duplicate keys are refused: a signed document that
 * two parsers could read differently is a classic signature bypass. Unknown fields are ignored so
 * that newer writers can add fields. {@link Instant}s are ISO-8601 strings, without the extra
 * jsr310 module; {@link Sha256} digests and {@link ReleaseVersion}s are strings too ({@code "1.3.0"},
 * 64 hex digits), parsed on the way in: a record holding a bad one cannot be read, and the error
 * says which field ({@code its sha256 "xyz" is not a SHA-256 (64 hex digits)}).
 */
public final class Json {
    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(SerializationFeature.INDENT_OUTPUT)
            .serializationInclusion(JsonInclude.Include.NON_NULL)
            .addModule(new SimpleModule("updater-time")
                    .addSerializer(Instant.class, new InstantSerializer())
                    .addDeserializer(Instant.class, new InstantDeserializer()))
            .addModule(new SimpleModule("updater-values")
                    .addSerializer(Sha256.class, new TextSerializer<>())
                    .addDeserializer(Sha256.class, new ParsingDeserializer<>(Sha256.class,
                            text -> Sha256.isValidHex(text) ? new Sha256(text) : null, "a SHA-256 (64 hex digits)"))
                    .addSerializer(ReleaseVersion.class, new TextSerializer<>())
                    .addDeserializer(ReleaseVersion.class, new ParsingDeserializer<>(ReleaseVersion.class,
                            ReleaseVersion::tryParse, "a semantic version")))
            .build();

    private Json() {
    }

    public static ObjectMapper mapper() {
        return MAPPER;
    }

    private static final class InstantSerializer extends JsonSerializer<Instant> {
        @Override
        public void serialize(Instant value, JsonGenerator gen, SerializerProvider serializers) throws IOException {
            gen.writeString(value.toString());
        }
    }

    private static final class InstantDeserializer extends JsonDeserializer<Instant> {
        @Override
        public Instant deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
            if (p.currentToken() != JsonToken.VALUE_STRING) {
                return (Instant) ctxt.handleUnexpectedToken(Instant.class, p);
            }
            String text = p.getText();
            try {
                return Instant.parse(text);
            } catch (DateTimeParseException e) {
                return (Instant) ctxt.handleWeirdStringValue(Instant.class, text, "not an ISO-8601 instant");
            }
        }
    }

    /** Writes a value as its {@code toString()}: the text its parser reads back. */
    private static final class TextSerializer<T> extends JsonSerializer<T> {
        @Override
        public void serialize(T value, JsonGenerator gen, SerializerProvider serializers) throws IOException {
            gen.writeString(value.toString());
        }
    }

    /**
     * Reads a value from a JSON string with {@code parse} (null when the text is no such value). A bad
     * value fails with a message naming the field: {@code its version "garbage" is not a semantic version};
     * its cause is an {@link IllegalArgumentException} with that same sentence.
     */
    private static final class ParsingDeserializer<T> extends JsonDeserializer<T> {
        private final Class<T> type;
        private final Function<String, T> parse;
        private final String what;

        ParsingDeserializer(Class<T> type, Function<String, T> parse, String what) {
            this.type = type;
            this.parse = parse;
            this.what = what;
        }

        @Override
        public T deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
            if (p.currentToken() != JsonToken.VALUE_STRING) {
                return type.cast(ctxt.handleUnexpectedToken(type, p));
            }
            String text = p.getText();
            T value = parse.apply(text);
            if (value == null) {
                String sentence = "its " + fieldPath(p.getParsingContext()) + " \"" + text + "\" is not " + what;
                throw JsonMappingException.from(p, sentence, new IllegalArgumentException(sentence));
            }
            return value;
        }

        /** {@code version}, or {@code artifacts.any} for a value inside an object field. */
        private static String fieldPath(JsonStreamContext context) {
            Deque<String> names = new ArrayDeque<>();
            for (JsonStreamContext c = context; c != null && !c.inRoot(); c = c.getParent()) {
                names.addFirst(c.inArray() ? String.valueOf(c.getCurrentIndex()) : String.valueOf(c.getCurrentName()));
            }
            return names.isEmpty() ? "value" : String.join(".", names);
        }
    }
}
