package dev.updater.sidecar.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.core.io.CharacterEscapes;
import com.fasterxml.jackson.core.io.SerializedString;
import dev.updater.core.json.Json;
import dev.updater.core.text.Printable;

/**
 * The JSON of {@code status --json} and {@code history --json}: the exact values of the records,
 * with every character that {@link Printable} escapes written as a JSON escape (a backslash, u,
 * four hex digits). Jackson already escapes C0 controls; this adds DEL, the C1 controls (which some
 * terminals obey in UTF-8 too), the bidi controls and the line and paragraph separators, so that the
 * JSON printed on a terminal is as safe as the text form, while a script that parses it still gets
 * the values unchanged.
 */
final class PrintableJson {
    private static final Escapes ESCAPES = new Escapes();

    private PrintableJson() {
    }

    static String write(Object value) {
        try {
            return Json.mapper().writer().with(ESCAPES).writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Cannot write " + value.getClass().getSimpleName() + " as JSON", e);
        }
    }

    private static final class Escapes extends CharacterEscapes {
        private static final long serialVersionUID = 1L;
        private static final int[] ASCII = asciiEscapes();

        private static int[] asciiEscapes() {
            int[] escapes = CharacterEscapes.standardAsciiEscapesForJSON();
            escapes[0x7F] = CharacterEscapes.ESCAPE_STANDARD;
            return escapes;
        }

        @Override
        public int[] getEscapeCodesForAscii() {
            return ASCII;
        }

        /** Called for every UTF-16 char above ASCII: null keeps it; the halves of a surrogate pair (emoji) stay too. */
        @Override
        public SerializableString getEscapeSequence(int ch) {
            boolean surrogate = ch >= Character.MIN_SURROGATE && ch <= Character.MAX_SURROGATE;
            return !surrogate && Printable.isEscaped(ch) ? new SerializedString(String.format("\\u%04x", ch)) : null;
        }
    }
}
