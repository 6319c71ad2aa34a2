package dev.updater.sidecar.console;

import dev.updater.core.text.Printable;

import java.io.PrintWriter;
import java.nio.charset.Charset;
import java.util.List;

/**
 * Draws the operator's update screens: boxes, a progress line, a checklist. On a terminal they are
 * the seed's boxes; elsewhere (a pipe, a log, CI) the same information comes as plain lines, with
 * no control characters.
 *
 * <p>Every title and line is drawn {@link Printable}: they quote changelogs, versions and reasons
 * from the channel and the update home, and an escape sequence in one of them must not move the
 * cursor or erase what the operator is asked to approve.
 */
public final class Screen {
    static final int WIDTH = 72;

    private final PrintWriter out;
    private final boolean terminal;
    private final boolean unicode;

    public Screen(PrintWriter out, boolean terminal, boolean unicode) {
        this.out = out;
        this.terminal = terminal;
        this.unicode = unicode;
    }

    /** A screen for this process: boxes when stdout is a terminal that takes UTF-8. */
    public static Screen forConsole(PrintWriter out) {
        boolean terminal = System.console() != null;
        boolean unicode = Charset.defaultCharset().name().toUpperCase(java.util.Locale.ROOT).contains("UTF");
        return new Screen(out, terminal, terminal && unicode);
    }

    public boolean isTerminal() {
        return terminal;
    }

    PrintWriter out() {
        return out;
    }

    /** A titled box on a terminal; on a pipe the title and the lines. */
    public void box(String title, List<String> lines) {
        String heading = printable(title);
        List<String> shown = lines.stream().map(Screen::printable).toList();
        if (!terminal) {
            out.println(heading + ":");
            for (String line : shown) {
                if (!line.isEmpty()) {
                    out.println("  " + line);
                }
            }
            out.flush();
            return;
        }
        String h = unicode ? "─" : "-";
        String v = unicode ? "│" : "|";
        String head = (unicode ? "┌─ " : "+- ") + heading + " ";
        out.println(head + h.repeat(Math.max(0, WIDTH - head.length() - 1)) + (unicode ? "┐" : "+"));
        for (String line : shown) {
            for (String part : wrap(line, WIDTH - 4)) {
                out.println(v + " " + pad(part, WIDTH - 4) + " " + v);
            }
        }
        out.println((unicode ? "└" : "+") + h.repeat(WIDTH - 2) + (unicode ? "┘" : "+"));
        out.flush();
    }

    /** The mark of a done step: a check mark on a UTF-8 terminal. */
    public String done() {
        return unicode ? "✓" : "[ok]";
    }

    public String failed() {
        return unicode ? "✗" : "[FAILED]";
    }

    /** The bullet of a feature and of a fix in the changelog. */
    public String feature() {
        return unicode ? "✨" : "+";
    }

    public String fix() {
        return unicode ? "🐛" : "*";
    }

    public void line(String text) {
        out.println(printable(text));
        out.flush();
    }

    /** Rewrites the current line in place on a terminal (a progress bar); prints it on a pipe. */
    void overwrite(String text) {
        if (terminal) {
            out.print("\r" + pad(text, WIDTH));
        } else {
            out.println(text);
        }
        out.flush();
    }

    void endOverwrite() {
        if (terminal) {
            out.println();
            out.flush();
        }
    }

    private static String printable(String text) {
        return Printable.of(text, Printable.MAX_LINE_LENGTH);
    }

    boolean unicode() {
        return unicode;
    }

    static String pad(String text, int width) {
        int length = columns(text);
        return length >= width ? text : text + " ".repeat(width - length);
    }

    /** Terminal columns: emoji such as ✨ and 🐛 take two. */
    static int columns(String text) {
        return text.codePoints().map(cp -> cp >= 0x1F000 || cp == 0x2728 ? 2 : 1).sum();
    }

    static List<String> wrap(String line, int width) {
        if (columns(line) <= width) {
            return List.of(line);
        }
        java.util.List<String> parts = new java.util.ArrayList<>();
        String rest = line;
        String indent = "";
        while (columns(rest) > width) {
            int cut = rest.lastIndexOf(' ', width);
            if (cut <= indent.length()) {
                cut = width;
            }
            parts.add(rest.substring(0, cut));
            indent = "  ";
            rest = indent + rest.substring(cut).strip();
        }
        parts.add(rest);
        return parts;
    }
}
