package dev.updater.sidecar.console;

import org.junit.jupiter.api.Test;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ScreenTest {

    @Test
    void box_onAUnicodeTerminal_isTheSeedsBox_everyLineTheSameWidth() {
        StringWriter text = new StringWriter();
        Screen screen = new Screen(new PrintWriter(text), true, true);
        screen.box("UPDATE AVAILABLE", List.of("Current version: 1.2.3", "", "Proceed? [Y/n]"));
        List<String> lines = text.toString().lines().toList();
        assertEquals(5, lines.size(), text.toString());
        assertTrue(lines.get(0).startsWith("┌─ UPDATE AVAILABLE ─"), lines.get(0));
        assertEquals("│ Current version: 1.2.3" + " ".repeat(Screen.WIDTH - 4 - 22) + " │", lines.get(1));
        assertTrue(lines.get(4).startsWith("└─"), lines.get(4));
        lines.forEach(l -> assertEquals(Screen.WIDTH, l.codePointCount(0, l.length()), l));
    }

    @Test
    void box_withoutATerminal_isPlainLines_withoutControlCharacters() {
        StringWriter text = new StringWriter();
        Screen screen = new Screen(new PrintWriter(text), false, false);
        screen.box("INSTALLING UPDATE", List.of(screen.done() + " Download complete", "", "Restarting"));
        assertEquals("INSTALLING UPDATE:\n  [ok] Download complete\n  Restarting\n", text.toString());
    }

    @Test
    void box_onATerminal_showsTerminalControlsInItsLines_escaped_withTheBorderAligned() {
        StringWriter text = new StringWriter();
        Screen screen = new Screen(new PrintWriter(text), true, true);
        screen.box("UPDATE\u001b[2J", List.of("+ Faster\u001b[1A\u001b[2K", "Needs your approval: breaking changes"));
        List<String> lines = text.toString().lines().toList();
        assertTrue(lines.get(0).startsWith("┌─ UPDATE\\e[2J ─"), lines.get(0));
        String shown = "+ Faster\\e[1A\\e[2K";
        assertEquals("│ " + shown + " ".repeat(Screen.WIDTH - 4 - shown.length()) + " │", lines.get(1));
        String approval = "Needs your approval: breaking changes";
        assertEquals("│ " + approval + " ".repeat(Screen.WIDTH - 4 - approval.length()) + " │", lines.get(2));
        assertTrue(text.toString().codePoints().noneMatch(c -> c != '\n' && dev.updater.core.text.Printable.isEscaped(c)),
                text.toString());
        lines.forEach(l -> assertEquals(Screen.WIDTH, Screen.columns(l), l));
    }

    @Test
    void emoji_countAsTwoColumns_soTheRightBorderStaysAligned() {
        StringWriter text = new StringWriter();
        Screen screen = new Screen(new PrintWriter(text), true, true);
        screen.box("T", List.of(screen.feature() + " Dark theme", screen.fix() + " Login timeout"));
        List<String> lines = text.toString().lines().toList();
        assertEquals(Screen.WIDTH, Screen.columns(lines.get(1)), lines.get(1));
        assertEquals(Screen.WIDTH, Screen.columns(lines.get(2)), lines.get(2));
        assertEquals(Screen.WIDTH, Screen.columns(lines.get(0)), lines.get(0));
    }

    @Test
    void longLines_wrapInsideTheBox() {
        StringWriter text = new StringWriter();
        Screen screen = new Screen(new PrintWriter(text), true, false);
        screen.box("T", List.of("word ".repeat(30).strip()));
        List<String> lines = text.toString().lines().toList();
        assertEquals(5, lines.size(), text.toString());
        lines.forEach(l -> assertEquals(Screen.WIDTH, l.length(), l));
    }

    @Test
    void progressBar_onAPipe_printsEveryTenPercent_once() {
        StringWriter text = new StringWriter();
        ProgressBar bar = new ProgressBar(new Screen(new PrintWriter(text), false, false));
        for (long done = 0; done <= 1000; done += 50) {
            bar.progress(done, 1000, 100);
        }
        bar.finish();
        List<String> lines = text.toString().lines().toList();
        assertEquals(11, lines.size(), text.toString());
        assertEquals("  0%  0 B / 1.0 kB  -  100 B/s  -  10s remaining", lines.get(0));
        assertEquals("100%  1.0 kB / 1.0 kB  -  100 B/s  -  0s remaining", lines.get(10));
    }
}
