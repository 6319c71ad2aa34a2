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
    /** The width of a terminal that does not say its own. */
    static final int DEFAULT_COLUMNS = 80;
    /** Erases from the cursor to the end of the line: a shorter redraw leaves nothing of the longer one. */
    static final String CLEAR_LINE = "\u001b[K";

    private final PrintWriter out;
    private final boolean terminal;
    private final boolean unicode;
    private final int columns;
    /** How many lines the last {@link #redrawBox} drew, to go back up over them; 0 before the first. */
    private int drawnLines;

    public Screen(PrintWriter out, boolean terminal, boolean unicode) {
        this(out, terminal, unicode, DEFAULT_COLUMNS);
    }

    /** {@code columns}: the terminal's width; nothing drawn on a terminal is wider than one column less. */
    public Screen(PrintWriter out, boolean terminal, boolean unicode, int columns) {
        this.out = out;
        this.terminal = terminal;
        this.unicode = unicode;
        this.columns = columns > 1 ? columns : DEFAULT_COLUMNS;
    }

    /** A screen for this process: boxes when stdout is a terminal that takes UTF-8, as wide as the terminal allows. */
    public static Screen forConsole(PrintWriter out) {
        boolean terminal = System.console() != null;
        boolean unicode = Charset.defaultCharset().name().toUpperCase(java.util.Locale.ROOT).contains("UTF");
        return new Screen(out, terminal, terminal && unicode, terminal ? TerminalWidth.read() : DEFAULT_COLUMNS);
    }

    /** The widest line drawn on a terminal: one column less than it has, so the cursor never wraps. */
    int lineWidth() {
        return columns - 1;
    }

    private int boxWidth() {
        return Math.min(WIDTH, lineWidth());
    }

    public boolean isTerminal() {
        return terminal;
    }

    PrintWriter out() {
        return out;
    }

    /** A titled box on a terminal; on a pipe the title and the lines. */
    public void box(String title, List<String> lines) {
        drawBox(title, lines);
        out.flush();
    }

    /**
     * The box drawn again in place of the one this method drew last (a live checklist): on a terminal
     * the cursor goes back up over it and the screen below is cleared, so the box is updated, not
     * repeated. Only for a terminal; a pipe gets no control characters.
     */
    void redrawBox(String title, List<String> lines) {
        if (drawnLines > 0) {
            out.print("\u001b[" + drawnLines + "F\u001b[J");
        }
        drawnLines = drawBox(title, lines);
        out.flush();
    }

    private int drawBox(String title, List<String> lines) {
        String heading = printable(title);
        List<String> shown = lines.stream().map(Screen::printable).toList();
        if (!terminal) {
            out.println(heading + ":");
            for (String line : shown) {
                if (!line.isEmpty()) {
                    out.println("  " + line);
                }
            }
            return 0;
        }
        int width = boxWidth();
        String h = unicode ? "─" : "-";
        String v = unicode ? "│" : "|";
        String head = (unicode ? "┌─ " : "+- ") + heading + " ";
        out.println(head + h.repeat(Math.max(0, width - head.length() - 1)) + (unicode ? "┐" : "+"));
        int drawn = 1;
        for (String line : shown) {
            for (String part : wrap(line, width - 4)) {
                out.println(v + " " + pad(part, width - 4) + " " + v);
                drawn++;
            }
        }
        out.println((unicode ? "└" : "+") + h.repeat(width - 2) + (unicode ? "┘" : "+"));
        return drawn + 1;
    }

    /** The mark of a done step: a check mark on a UTF-8 terminal. */
    public String done() {
        return unicode ? "✓" : "[ok]";
    }

    /** The mark of a step not reached yet. */
    public String pending() {
        return unicode ? "○" : "[  ]";
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

    /**
     * Rewrites the current line in place on a terminal (a progress bar): from its first column, no
     * wider than {@link #lineWidth}, the rest of the old line erased. Prints it on a pipe.
     */
    void overwrite(String text) {
        if (terminal) {
            out.print("\r" + cut(text, lineWidth()) + CLEAR_LINE);
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

    /** {@code text} cut to {@code width} columns. */
    static String cut(String text, int width) {
        StringBuilder kept = new StringBuilder();
        int used = 0;
        for (int cp : text.codePoints().toArray()) {
            int w = columns(Character.toString(cp));
            if (used + w > width) {
                break;
            }
            kept.appendCodePoint(cp);
            used += w;
        }
        return kept.toString();
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
