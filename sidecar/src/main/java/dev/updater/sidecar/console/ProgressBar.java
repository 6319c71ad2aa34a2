package dev.updater.sidecar.console;

import dev.updater.core.UpdaterException;
import dev.updater.core.text.HumanUnits;
import dev.updater.core.download.DownloadListener;

import java.time.Duration;

/**
 * The download's progress as the seed draws it — a bar, then "8.4 MB / 12.4 MB • 2.1 MB/s • 2s
 * remaining" — rewritten in place on a terminal, and every 10 % as a plain line elsewhere.
 */
public final class ProgressBar implements DownloadListener {
    private static final int BAR = 36;
    /** A bar narrower than this says little: the figures give way first (the time left, then the rate). */
    private static final int MIN_BAR = 10;

    private final Screen screen;
    private int lastDecile = -1;

    public ProgressBar(Screen screen) {
        this.screen = screen;
    }

    @Override
    public void progress(long bytesDone, long totalBytes, long bytesPerSecond) {
        int percent = totalBytes <= 0 ? 0 : (int) Math.min(100, bytesDone * 100 / totalBytes);
        String sizes = HumanUnits.size(bytesDone) + " / " + HumanUnits.size(totalBytes);
        String rate = sizes + "  " + dot() + "  " + HumanUnits.rate(bytesPerSecond);
        String figures = rate + "  " + dot() + "  "
                + (bytesPerSecond > 0 ? HumanUnits.remaining(Duration.ofSeconds((totalBytes - bytesDone) / bytesPerSecond))
                : "starting");
        String shownPercent = String.format(" %3d%%  ", percent);
        if (screen.isTerminal()) {
            // the figures that leave the bar at least MIN_BAR columns, the bar at most BAR: never wider than the terminal
            String shown = sizes;
            for (String candidate : new String[] {figures, rate}) {
                if (room(shownPercent, candidate) >= MIN_BAR) {
                    shown = candidate;
                    break;
                }
            }
            int width = Math.max(0, Math.min(BAR, room(shownPercent, shown)));
            int filled = percent * width / 100;
            String bar = screen.unicode()
                    ? "█".repeat(filled) + "░".repeat(width - filled)
                    : "#".repeat(filled) + ".".repeat(width - filled);
            screen.overwrite((width > 0 ? bar : "") + shownPercent + shown);
        } else if (percent / 10 != lastDecile) {
            lastDecile = percent / 10;
            screen.overwrite(String.format("%3d%%  ", percent) + figures);
        }
    }

    private int room(String percent, String figures) {
        return screen.lineWidth() - Screen.columns(percent) - Screen.columns(figures);
    }

    @Override
    public void resumed(long fromByte) {
        screen.line("Resuming the earlier download from " + HumanUnits.size(fromByte) + ".");
    }

    @Override
    public void deltaUsed(long bytesFetched, long fullSize, int objects, DeltaPieces pieces) {
        screen.line("Rebuilt from a delta: fetched " + HumanUnits.size(bytesFetched) + " of " + HumanUnits.size(fullSize)
                + " (the index and " + pieces.count(objects) + "); the result matches the manifest's SHA-256.");
    }

    @Override
    public void deltaRefused(UpdaterException reason) {
        screen.line("Downloading the full artifact: the delta was not used (" + reason.getMessage() + ")");
    }

    /** Ends the progress line. */
    public void finish() {
        screen.endOverwrite();
    }

    private String dot() {
        return screen.unicode() ? "•" : "-";
    }
}
