package dev.updater.sidecar.testhost;

import dev.updater.core.testing.ChildProcess;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Runs a command on a real pseudo-terminal of a given width (util-linux {@code script}), and replays
 * what it wrote the way a terminal shows it: carriage returns, "erase line" ({@code ESC[K}),
 * "erase below" ({@code ESC[J}) and "cursor to a line above" ({@code ESC[nF}).
 *
 * <pre>{@code
 * PseudoTerminal.Run run = PseudoTerminal.run(dir, 60, command, Duration.ofSeconds(60));
 * List<String> screen = PseudoTerminal.screen(run.raw());
 * }</pre>
 */
public final class PseudoTerminal {
    private PseudoTerminal() {
    }

    /** What the command wrote to the terminal, byte for byte as UTF-8, and how it exited. */
    public record Run(int exitCode, String raw) {
    }

    /** Skips the test, saying why, without util-linux {@code script}. */
    public static void assumeAvailable() {
        assumeTrue(ChildProcess.available("script", "--version"), "needs util-linux 'script' for a pseudo-terminal");
    }

    /** Runs {@code command} on a terminal {@code columns} wide, in a UTF-8 locale. */
    public static Run run(Path dir, int columns, List<String> command, Duration timeout)
            throws IOException, InterruptedException {
        Path log = Files.createTempFile(dir, "tty", ".log");
        String shell = "stty cols " + columns + " rows 50; exec " + command.stream().map(PseudoTerminal::quote)
                .collect(Collectors.joining(" "));
        ProcessBuilder builder = new ProcessBuilder("script", "-q", "-e", "--log-out", log.toString(), "-c", shell);
        builder.environment().put("LANG", "C.UTF-8");
        builder.environment().put("LC_ALL", "C.UTF-8");
        builder.environment().remove("COLUMNS");
        ChildProcess.Finished finished = ChildProcess.run(builder, timeout);
        return new Run(finished.exitCode(), withoutScriptsOwnLines(Files.readString(log, StandardCharsets.UTF_8)));
    }

    /** The log of {@code script} begins and ends with a line of its own ("Script started on …"): not the command's. */
    private static String withoutScriptsOwnLines(String log) {
        String raw = log.startsWith("Script started on ") ? log.substring(log.indexOf('\n') + 1) : log;
        int done = raw.lastIndexOf("\nScript done on ");
        return done >= 0 ? raw.substring(0, done + 1) : raw;
    }

    /** The screen once everything was written, trailing blanks dropped. */
    public static List<String> screen(String raw) {
        return frames(raw).get(frames(raw).size() - 1);
    }

    /**
     * The screen as it was before each jump back up ({@code ESC[nF}, a redraw in place), then the
     * final screen.
     */
    public static List<List<String>> frames(String raw) {
        List<List<String>> frames = new ArrayList<>();
        List<StringBuilder> rows = new ArrayList<>(List.of(new StringBuilder()));
        int row = 0;
        int col = 0;
        int[] cps = raw.codePoints().toArray();
        for (int i = 0; i < cps.length; i++) {
            int c = cps[i];
            if (c == '\r') {
                col = 0;
            } else if (c == '\n') {
                row++;
                col = 0;
                while (rows.size() <= row) {
                    rows.add(new StringBuilder());
                }
            } else if (c == 0x1b && i + 1 < cps.length && cps[i + 1] == '[') {
                int j = i + 2;
                StringBuilder param = new StringBuilder();
                while (j < cps.length && (Character.isDigit(cps[j]) || cps[j] == ';' || cps[j] == '?')) {
                    param.appendCodePoint(cps[j++]);
                }
                int command = j < cps.length ? cps[j] : 0;
                int n = param.length() == 0 || !param.chars().allMatch(Character::isDigit) ? 1
                        : Integer.parseInt(param.toString());
                StringBuilder current = rows.get(row);
                if (command == 'K') {
                    current.setLength(Math.min(current.length(), col));
                } else if (command == 'J') {
                    current.setLength(Math.min(current.length(), col));
                    rows.subList(row + 1, rows.size()).clear();
                } else if (command == 'F') {
                    frames.add(snapshot(rows));
                    row = Math.max(0, row - n);
                    col = 0;
                }
                i = j;
            } else {
                StringBuilder current = rows.get(row);
                while (current.codePointCount(0, current.length()) < col) {
                    current.append(' ');
                }
                int at = current.offsetByCodePoints(0, col);
                if (at < current.length()) {
                    int end = current.offsetByCodePoints(at, 1);
                    current.replace(at, end, Character.toString(c));
                } else {
                    current.appendCodePoint(c);
                }
                col++;
            }
        }
        frames.add(snapshot(rows));
        return frames;
    }

    private static List<String> snapshot(List<StringBuilder> rows) {
        List<String> lines = new ArrayList<>(rows.stream().map(r -> r.toString().stripTrailing()).toList());
        while (!lines.isEmpty() && lines.get(lines.size() - 1).isEmpty()) {
            lines.remove(lines.size() - 1);
        }
        return lines;
    }

    /** Terminal columns of {@code text}: the emoji of changelogs take two. */
    public static int columns(String text) {
        return text.codePoints().map(cp -> cp >= 0x1F000 || cp == 0x2728 ? 2 : 1).sum();
    }

    private static String quote(String word) {
        return "'" + word.replace("'", "'\\''") + "'";
    }
}
