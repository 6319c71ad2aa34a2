package dev.updater.core.text;

/**
 * Text that came from outside (a server's header, a manifest field, a changelog line, a record a
 * host process wrote in the update home) made safe to show on a terminal or to write to a log.
 *
 * <p>Threat: a terminal obeys escape sequences wherever they appear. A signed changelog line
 * {@code "Faster" ESC "[1A" ESC "[2K"} moves the cursor up and erases "Needs your approval" right
 * above {@code Proceed? [Y/n]}; a redirect's {@code Location} header quoted in an error can retitle
 * the window or hide the rest of the line; a bidi override (U+202E) makes a log line read
 * backwards. Such characters are written as visible escapes instead:
 * <ul>
 *   <li>{@code \t \n \r} and ESC as {@code \t \n \r \e}; other C0 controls and DEL as {@code \x01}…{@code \x7f};</li>
 *   <li>C1 controls (U+0080–U+009F, among them the one-character CSI U+009B), bidi controls (U+061C,
 *       U+200E, U+200F, U+202A–U+202E, U+2066–U+2069), the line and paragraph separators U+2028 and
 *       U+2029, and unpaired surrogates as a backslash, {@code u} and four hex digits ({@code u009b}).</li>
 * </ul>
 * Every value is shown on one line, so a newline is escaped too: a value never starts a line of its
 * own that could pass for the program's. Everything else is kept as it is, including non-ASCII text
 * ({@code Grüße}, {@code 日本語}, emoji) and backslashes, so the output of {@code of} is printable and
 * {@code of(of(x))} equals {@code of(x)}.
 *
 * <p>A value longer than the limit (by default {@value #MAX_LENGTH} code points, counted after
 * escaping) is cut and ends with {@value #ELLIPSIS}; a cut never splits an escape or a surrogate pair.
 *
 * <pre>{@code
 * throw new UpdaterException(ErrorCode.HTTP_REDIRECT, "The server redirected " + uri
 *         + " to an invalid URL \"" + Printable.of(location) + "\"; fix the server's redirect.");
 * }</pre>
 */
public final class Printable {
    /** The default limit of a value, in code points, ellipsis included: a URL or a sentence fits, a flood does not. */
    public static final int MAX_LENGTH = 200;
    /** The limit of a whole line or message that quotes several values, in code points. */
    public static final int MAX_LINE_LENGTH = 4000;
    /** The end of a value that was cut; ASCII, so it reads the same in any output encoding. */
    public static final String ELLIPSIS = "...";

    private Printable() {
    }

    /** {@code value} as visible, one-line text of at most {@link #MAX_LENGTH} code points; {@code "null"} for null. */
    public static String of(Object value) {
        return of(value, MAX_LENGTH);
    }

    /**
     * {@code value} as visible, one-line text of at most {@code maxLength} code points.
     *
     * @param maxLength the limit in code points, ellipsis included; at least {@code ELLIPSIS.length() + 1}
     */
    public static String of(Object value, int maxLength) {
        if (maxLength <= ELLIPSIS.length()) {
            throw new IllegalArgumentException("maxLength must be more than " + ELLIPSIS.length() + ", got " + maxLength);
        }
        String text = String.valueOf(value);
        if (isPlain(text, maxLength)) {
            return text;
        }
        StringBuilder out = new StringBuilder(Math.min(text.length(), maxLength) + ELLIPSIS.length());
        int shown = 0; // code points in out
        int fits = 0; // out.length() at the last boundary where the ellipsis still fits within maxLength
        for (int i = 0; i < text.length(); ) {
            int cp = text.codePointAt(i);
            int chars = Character.charCount(cp);
            String escape = escape(cp);
            int width = escape == null ? 1 : escape.length();
            if (shown + width > maxLength) {
                out.setLength(fits);
                return out.append(ELLIPSIS).toString();
            }
            if (escape == null) {
                out.append(text, i, i + chars);
            } else {
                out.append(escape);
            }
            shown += width;
            if (shown <= maxLength - ELLIPSIS.length()) {
                fits = out.length();
            }
            i += chars;
        }
        return out.toString();
    }

    /** True when {@link #of} shows {@code codePoint} as an escape rather than as itself. */
    public static boolean isEscaped(int codePoint) {
        return escape(codePoint) != null;
    }

    /** True when {@code text} has nothing to escape and is within the limit: the common case costs no copy. */
    private static boolean isPlain(String text, int maxLength) {
        if (text.codePointCount(0, text.length()) > maxLength) {
            return false;
        }
        for (int i = 0; i < text.length(); ) {
            int cp = text.codePointAt(i);
            if (escape(cp) != null) {
                return false;
            }
            i += Character.charCount(cp);
        }
        return true;
    }

    /** The visible form of {@code cp}, or null when it is shown as it is. */
    private static String escape(int cp) {
        switch (cp) {
            case '\t':
                return "\\t";
            case '\n':
                return "\\n";
            case '\r':
                return "\\r";
            case 0x1B:
                return "\\e";
            default:
                break;
        }
        if (cp < 0x20 || cp == 0x7F) {
            return String.format("\\x%02x", cp);
        }
        if ((cp >= 0x80 && cp <= 0x9F) || isBidiControl(cp) || cp == 0x2028 || cp == 0x2029
                || (cp >= Character.MIN_SURROGATE && cp <= Character.MAX_SURROGATE)) {
            return String.format("\\u%04x", cp);
        }
        return null;
    }

    /** The Unicode bidi controls: marks, embeddings, overrides and isolates (UAX #9). */
    private static boolean isBidiControl(int cp) {
        return cp == 0x061C || cp == 0x200E || cp == 0x200F
                || (cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069);
    }
}
