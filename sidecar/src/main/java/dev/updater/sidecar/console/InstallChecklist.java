package dev.updater.sidecar.console;

import java.util.ArrayList;
import java.util.List;

/**
 * The "INSTALLING UPDATE" checklist, live: every step is listed from the start and ticks as the
 * install reaches it. On a terminal the box is drawn once and updated in place; on a pipe each step
 * comes as a line when it is done, with no control characters.
 *
 * <pre>{@code
 * InstallChecklist list = screens.checklist(List.of("Download complete", "Backup created"), 1, "Backing up...");
 * list.reached(2, null);
 * }</pre>
 */
public final class InstallChecklist {
    static final String TITLE = "INSTALLING UPDATE";

    private final Screen screen;
    private final List<String> steps;
    private int done;
    private String now;

    InstallChecklist(Screen screen, List<String> steps, int done, String now) {
        this.screen = screen;
        this.steps = List.copyOf(steps);
        this.done = Math.min(done, steps.size());
        this.now = now;
        if (screen.isTerminal()) {
            screen.redrawBox(TITLE, lines(null));
        } else {
            screen.line(TITLE + ":");
            for (int i = 0; i < this.done; i++) {
                screen.line("  " + screen.done() + " " + steps.get(i));
            }
            if (now != null) {
                screen.line("  " + now);
            }
        }
    }

    /** The first {@code doneSteps} steps are done, and {@code nowDoing} is what happens now (null: nothing). */
    public void reached(int doneSteps, String nowDoing) {
        int reached = Math.max(done, Math.min(doneSteps, steps.size()));
        boolean sameNow = nowDoing == null ? now == null : nowDoing.equals(now);
        if (reached == done && sameNow) {
            return;
        }
        if (!screen.isTerminal()) {
            // a log gets each step once, in order, whichever states were seen on the way
            for (int i = done; i < reached; i++) {
                screen.line("  " + screen.done() + " " + steps.get(i));
            }
        }
        done = reached;
        now = nowDoing;
        if (screen.isTerminal()) {
            screen.redrawBox(TITLE, lines(null));
        }
    }

    /** The step after the done ones failed: it is marked as {@code failedStep}, and why is said. */
    public void failed(String failedStep, String why) {
        now = why;
        if (screen.isTerminal()) {
            screen.redrawBox(TITLE, lines(failedStep));
        } else {
            screen.line("  " + screen.failed() + " " + failedStep);
            screen.line("  " + why);
        }
    }

    private List<String> lines(String failedStep) {
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < steps.size(); i++) {
            if (i < done) {
                lines.add(screen.done() + " " + steps.get(i));
            } else if (i == done && failedStep != null) {
                lines.add(screen.failed() + " " + failedStep);
            } else {
                lines.add(screen.pending() + " " + steps.get(i));
            }
        }
        if (now != null) {
            lines.add("");
            lines.add(now);
        }
        return lines;
    }
}
