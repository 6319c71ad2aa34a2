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

    @org.junit.jupiter.params.ParameterizedTest(name = "{0} columns")
    @org.junit.jupiter.params.provider.ValueSource(ints = {60, 80, 120})
    void progressBar_onATerminal_isNeverWiderThanIt_andErasesTheRestOfTheLine(int columns) {
        StringWriter text = new StringWriter();
        ProgressBar bar = new ProgressBar(new Screen(new PrintWriter(text), true, true, columns));
        bar.progress(8_400_000, 12_400_000, 2_100_000);
        bar.progress(12_400_000, 12_400_000, 2_100_000);
        bar.finish();

        String[] redraws = text.toString().split("\r", -1);
        assertEquals(3, redraws.length, text.toString());
        for (int i = 1; i < redraws.length; i++) {
            String shown = redraws[i].substring(0, redraws[i].indexOf(Screen.CLEAR_LINE));
            assertTrue(Screen.columns(shown) <= columns - 1, Screen.columns(shown) + " > " + (columns - 1) + ": " + shown);
        }
        assertTrue(text.toString().endsWith(Screen.CLEAR_LINE + "\n"), "the final line ends clean: " + text);
    }

    @Test
    void progressBar_onANarrowTerminal_dropsTheTimeLeftThenTheRate_beforeTheBarGetsUseless() {
        StringWriter text = new StringWriter();
        new ProgressBar(new Screen(new PrintWriter(text), true, false, 60)).progress(8_400_000, 12_400_000, 2_100_000);

        assertEquals("\r" + "#".repeat(15) + ".".repeat(8) + "  67%  8.4 MB / 12.4 MB  -  2.1 MB/s" + Screen.CLEAR_LINE,
                text.toString());
    }

    @Test
    void terminalWidth_fromColumns_isThatNumber_elseEighty() {
        assertEquals(120, TerminalWidth.parse("120"));
        assertEquals(80, TerminalWidth.parse(null));
        assertEquals(80, TerminalWidth.parse("wide"));
        assertEquals(80, TerminalWidth.parse("0"));
    }

    @Test
    void checklist_onAPipe_saysEachStepOnce_asItIsReached_inOrder_withoutControlCharacters() {
        StringWriter text = new StringWriter();
        InstallChecklist list = new UpdateScreens(new Screen(new PrintWriter(text), false, false))
                .checklist(List.of("Download complete", "Backup created", "Restarted", "Healthy"), 1, "Asked the sidecar");

        list.reached(2, "Restarting the host...");
        list.reached(2, "Restarting the host...");
        list.reached(3, "Health gate: waiting for 1.1.0 to pass...");
        list.failed("Health gate", "1.1.0 failed its health gate: the host exited with code 3.");

        assertEquals("INSTALLING UPDATE:\n"
                + "  [ok] Download complete\n"
                + "  Asked the sidecar\n"
                + "  [ok] Backup created\n"
                + "  [ok] Restarted\n"
                + "  [FAILED] Health gate\n"
                + "  1.1.0 failed its health gate: the host exited with code 3.\n", text.toString());
    }

    @Test
    void checklist_onATerminal_isOneBox_redrawnInPlace_overTheLinesItDrew() {
        StringWriter text = new StringWriter();
        InstallChecklist list = new UpdateScreens(new Screen(new PrintWriter(text), true, true))
                .checklist(List.of("Download complete", "Backup created"), 1, "Asked the sidecar");
        String first = text.toString();

        list.reached(2, null);

        List<String> firstLines = first.lines().toList();
        assertEquals(List.of("│ ✓ Download complete", "│ ○ Backup created", "│", "│ Asked the sidecar"),
                firstLines.subList(1, 5).stream().map(l -> l.substring(0, l.length() - 1).stripTrailing()).toList());
        String redraw = text.toString().substring(first.length());
        assertTrue(redraw.startsWith("\u001b[6F\u001b[J┌─ INSTALLING UPDATE "), redraw);
        List<String> redrawn = redraw.substring("\u001b[6F\u001b[J".length()).lines().toList();
        assertEquals(4, redrawn.size(), redraw);
        assertEquals("│ ✓ Backup created", redrawn.get(2).substring(0, redrawn.get(2).length() - 1).stripTrailing());
    }

    @Test
    void box_onATerminalNarrowerThanTheBox_isAsWideAsTheTerminalAllows() {
        StringWriter text = new StringWriter();
        new Screen(new PrintWriter(text), true, true, 60).box("UPDATE AVAILABLE", List.of("Current version: 1.0.0"));

        text.toString().lines().forEach(l -> assertEquals(59, Screen.columns(l), l));
    }
}
