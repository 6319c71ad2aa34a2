package dev.updater.sidecar.console;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/**
 * The terminal's width in columns: what the terminal itself says ({@code stty size}, which follows
 * a resize), else {@code COLUMNS}, else 80. A bar wider than the terminal wraps, and every redraw
 * then leaves a line behind.
 */
final class TerminalWidth {
    private TerminalWidth() {
    }

    static int read() {
        int fromTerminal = fromStty();
        if (fromTerminal > 0) {
            return fromTerminal;
        }
        return parse(System.getenv("COLUMNS"));
    }

    /** A positive number of columns, else {@link Screen#DEFAULT_COLUMNS}. */
    static int parse(String columns) {
        try {
            int value = columns == null ? 0 : Integer.parseInt(columns.strip());
            return value > 0 ? value : Screen.DEFAULT_COLUMNS;
        } catch (NumberFormatException e) {
            return Screen.DEFAULT_COLUMNS;
        }
    }

    /** {@code stty size} prints "rows columns"; 0 where there is no stty or no terminal (Windows, a pipe). */
    private static int fromStty() {
        try {
            Process p = new ProcessBuilder("sh", "-c", "stty size < /dev/tty").redirectErrorStream(false)
                    .redirectError(ProcessBuilder.Redirect.DISCARD).start();
            String size = new String(p.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).strip();
            if (!p.waitFor(2, TimeUnit.SECONDS) || p.exitValue() != 0) {
                return 0;
            }
            String[] parts = size.split("\\s+");
            return parts.length == 2 ? Integer.parseInt(parts[1]) : 0;
        } catch (IOException | NumberFormatException e) {
            return 0;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 0;
        }
    }
}
