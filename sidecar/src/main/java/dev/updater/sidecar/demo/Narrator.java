package dev.updater.sidecar.demo;

import dev.updater.core.text.HumanUnits;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintWriter;
import java.time.Duration;

/** Tells the demo's story: scene titles, what happened with its timing, and pauses for Enter. */
final class Narrator {
    private final PrintWriter out;
    private final BufferedReader in;
    private final boolean interactive;
    private final long started = System.nanoTime();
    private long sceneStarted = System.nanoTime();

    Narrator(PrintWriter out, BufferedReader in, boolean interactive) {
        this.out = out;
        this.in = in;
        this.interactive = interactive;
    }

    void scene(int number, String title) {
        sceneStarted = System.nanoTime();
        out.println();
        out.println("== " + number + ". " + title);
        out.flush();
    }

    void say(String line) {
        out.println("   " + line);
        out.flush();
    }

    /** A checked outcome, with the time since the scene began. */
    void ok(String line) {
        out.printf("   ok  %-62s (%s)%n", line, HumanUnits.duration(Duration.ofNanos(System.nanoTime() - sceneStarted)));
        out.flush();
    }

    void fail(String line) {
        out.println("   FAILED  " + line);
        out.flush();
    }

    void pause(String prompt) throws IOException {
        if (!interactive) {
            return;
        }
        out.print("   " + prompt + " [Enter] ");
        out.flush();
        in.readLine();
    }

    Duration elapsed() {
        return Duration.ofNanos(System.nanoTime() - started);
    }
}
