package dev.updater.sidecar.console;

import dev.updater.core.text.HumanUnits;
import dev.updater.core.download.DownloadListener;

import java.time.Duration;

/**
 * The download's progress as the seed draws it — a bar, then "8.4 MB / 12.4 MB • 2.1 MB/s • 2s
 * remaining" — rewritten in place on a terminal, and every 10 % as a plain line elsewhere.
 */
public final class ProgressBar implements DownloadListener {
    private static final int BAR = 36;

    private final Screen screen;
    private int lastDecile = -1;

    public ProgressBar(Screen screen) {
        this.screen = screen;
    }

    @Override
    public void progress(long bytesDone, long totalBytes, long bytesPerSecond) {
        int percent = totalBytes <= 0 ? 0 : (int) Math.min(100, bytesDone * 100 / totalBytes);
        String figures = HumanUnits.size(bytesDone) + " / " + HumanUnits.size(totalBytes) + "  " + dot() + "  "
                + HumanUnits.rate(bytesPerSecond) + "  " + dot() + "  "
                + (bytesPerSecond > 0 ? HumanUnits.remaining(Duration.ofSeconds((totalBytes - bytesDone) / bytesPerSecond))
                : "starting");
        if (screen.isTerminal()) {
            int filled = percent * BAR / 100;
            String bar = screen.unicode()
                    ? "█".repeat(filled) + "░".repeat(BAR - filled)
                    : "#".repeat(filled) + ".".repeat(BAR - filled);
            screen.overwrite(bar + String.format(" %3d%%  ", percent) + figures);
        } else if (percent / 10 != lastDecile) {
            lastDecile = percent / 10;
            screen.overwrite(String.format("%3d%%  ", percent) + figures);
        }
    }

    @Override
    public void resumed(long fromByte) {
        screen.line("Resuming the earlier download from " + HumanUnits.size(fromByte) + ".");
    }

    /** Ends the progress line. */
    public void finish() {
        screen.endOverwrite();
    }

    private String dot() {
        return screen.unicode() ? "•" : "-";
    }
}
