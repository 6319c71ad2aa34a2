package dev.updater.core.text;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PrintableTest {
    private static final String ESC = "\u001b";

    @Test
    void plainText_isReturnedAsItIs() {
        String text = "Release 1.2.0: faster start-up (https://example.com/a?b=c#d) C:\\apps\\app.jar";
        assertSame(text, Printable.of(text));
    }

    @ParameterizedTest
    @ValueSource(strings = {"Grüße aus Köln", "日本語のリリースノート", "Ελληνικά", "עברית", "العربية", "emoji ✨🐛👍🏽"})
    void nonAsciiText_rightToLeftScripts_andEmoji_areLeftAlone(String text) {
        assertEquals(text, Printable.of(text));
    }

    @Test
    void null_isShownAsNull() {
        assertEquals("null", Printable.of(null));
    }

    @Test
    void anyObject_isShownByItsToString() {
        assertEquals("https://example.com/x%1B", Printable.of(java.net.URI.create("https://example.com/x%1B")));
        assertEquals("https://example.com/\\u202egpj.exe",
                Printable.of(java.net.URI.create("https://example.com/\u202egpj.exe")));
    }

    @Test
    void namedControls_areShownAsTheirCEscape() {
        assertEquals("a\\tb\\nc\\rd\\ee", Printable.of("a\tb\nc\rd" + ESC + "e"));
    }

    @Test
    void theCursorUpAndEraseLineAttack_isShownVisibly() {
        assertEquals("Faster\\e[1A\\e[2K\\e[1A\\e[2K", Printable.of("Faster" + ESC + "[1A" + ESC + "[2K" + ESC + "[1A"
                + ESC + "[2K"));
    }

    @Test
    void theWindowTitleAttack_withBel_isShownVisibly() {
        assertEquals("\\e]0;pwned\\x07", Printable.of(ESC + "]0;pwned\u0007"));
    }

    @Test
    void everyOtherC0Control_andDel_isShownAsHex() {
        for (int c = 0; c < 0x20; c++) {
            if (c == '\t' || c == '\n' || c == '\r' || c == 0x1b) {
                continue;
            }
            assertEquals(String.format("[\\x%02x]", c), Printable.of("[" + (char) c + "]"), "char " + c);
        }
        assertEquals("[\\x00]", Printable.of("[\u0000]"));
        assertEquals("[\\x7f]", Printable.of("[\u007f]"));
    }

    @Test
    void everyC1Control_isShownAsAUnicodeEscape() {
        for (int c = 0x80; c <= 0x9f; c++) {
            assertEquals(String.format("[\\u%04x]", c), Printable.of("[" + (char) c + "]"), "char " + c);
        }
        assertEquals("\\u009b2J", Printable.of("\u009b2J"), "the one-character CSI");
    }

    @Test
    void theCharactersAroundTheC1Range_areKept() {
        assertEquals("~\u00a0\u00a9", Printable.of("~\u00a0\u00a9"));
    }

    @Test
    void bidiControls_areShownAsUnicodeEscapes() {
        int[] bidi = {0x061C, 0x200E, 0x200F, 0x202A, 0x202B, 0x202C, 0x202D, 0x202E, 0x2066, 0x2067, 0x2068, 0x2069};
        for (int c : bidi) {
            assertEquals(String.format("x\\u%04xy", c), Printable.of("x" + (char) c + "y"), "char " + c);
        }
        assertEquals("invoice_\\u202efdp.exe", Printable.of("invoice_\u202efdp.exe"));
    }

    @Test
    void theNeighboursOfTheBidiControls_areKept() {
        // zero-width joiner (emoji sequences), en dash, per mille: ordinary text
        assertEquals("\u200d\u2013\u2030\u2065\u206a", Printable.of("\u200d\u2013\u2030\u2065\u206a"));
    }

    @Test
    void lineAndParagraphSeparators_areShownAsUnicodeEscapes() {
        assertEquals("a\\u2028b\\u2029c", Printable.of("a\u2028b\u2029c"));
    }

    @Test
    void anUnpairedSurrogate_isShownAsAUnicodeEscape() {
        assertEquals("a\\ud83db", Printable.of("a\ud83db"));
        assertEquals("a\\udc1b", Printable.of("a\udc1b"));
    }

    @Test
    void isEscaped_tellsWhichCodePointsAreEscaped() {
        assertTrue(Printable.isEscaped(0x1b));
        assertTrue(Printable.isEscaped(0x9b));
        assertTrue(Printable.isEscaped(0x202e));
        assertFalse(Printable.isEscaped('a'));
        assertFalse(Printable.isEscaped('ü'));
        assertFalse(Printable.isEscaped(0x1F41B));
    }

    @Test
    void aLongValue_isCutAtTheDefaultLimit_endingInAnEllipsis() {
        String shown = Printable.of("x".repeat(10_000));
        assertEquals(Printable.MAX_LENGTH, shown.length());
        assertEquals("x".repeat(Printable.MAX_LENGTH - 3) + "...", shown);
    }

    @Test
    void aValueOfExactlyTheLimit_isNotCut() {
        assertEquals("x".repeat(10), Printable.of("x".repeat(10), 10));
        assertEquals("x".repeat(7) + "...", Printable.of("x".repeat(11), 10));
    }

    @Test
    void theLimit_countsEscapesAsTheyAreShown_andNeverSplitsOne() {
        assertEquals("ab\\e", Printable.of("ab" + ESC, 4), "fits exactly");
        assertEquals("a...", Printable.of("ab" + ESC + "c", 4), "\\e does not fit before the ellipsis");
        assertEquals("ab\\ec", Printable.of("ab" + ESC + "c", 5), "five shown code points fit a limit of five");
        String flood = Printable.of(ESC.repeat(1000), 20);
        assertEquals("\\e".repeat(8) + "...", flood);
        assertEquals(19, flood.length());
        assertEquals("\\u202e...", Printable.of("\u202e".repeat(3), 10));
    }

    @Test
    void theLimit_countsCodePoints_andNeverSplitsASurrogatePair() {
        String bugs = "🐛".repeat(10);
        String shown = Printable.of(bugs, 6);
        assertEquals("🐛🐛🐛...", shown);
        assertEquals(6, shown.codePointCount(0, shown.length()));
        assertEquals(bugs, Printable.of(bugs, 10), "ten emoji are ten code points, within a limit of 10");
        assertEquals("日本...", Printable.of("日本語のテキスト", 5));
    }

    @Test
    void escapingTwice_changesNothing() {
        String hostile = "ok" + ESC + "[2K\u009b\u202e\n" + "y".repeat(300);
        String once = Printable.of(hostile);
        assertEquals(once, Printable.of(once));
        String shortOne = Printable.of("a" + ESC + "b");
        assertEquals(shortOne, Printable.of(shortOne));
    }

    @Test
    void theOutput_holdsNoCharacterThatIsEscaped() {
        StringBuilder every = new StringBuilder();
        for (int c = 0; c < 0x3000; c++) {
            every.append((char) c);
        }
        String shown = Printable.of(every, Integer.MAX_VALUE);
        assertTrue(shown.codePoints().noneMatch(Printable::isEscaped), "nothing left to escape");
        assertFalse(shown.contains(ESC));
    }

    @Test
    void aLimitWithNoRoomForText_isRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Printable.of("abc", 3));
        assertEquals("maxLength must be more than 3, got 3", e.getMessage());
    }
}
