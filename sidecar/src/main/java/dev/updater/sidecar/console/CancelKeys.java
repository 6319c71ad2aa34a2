package dev.updater.sidecar.console;

import dev.updater.core.download.Cancellation;

import java.io.IOException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Lets the operator cancel a download: Ctrl-C (SIGINT) anywhere, and Esc on a POSIX terminal. Either
 * way the download stops cleanly and keeps its part, so the next {@code apply} resumes it.
 */
public final class CancelKeys implements AutoCloseable {
    private final Cancellation cancellation;
    private final CountDownLatch stopped = new CountDownLatch(1);
    private final Thread hook;
    private final boolean rawTerminal;

    private CancelKeys(Cancellation cancellation, boolean escape) {
        this.cancellation = cancellation;
        // SIGINT starts the JVM's shutdown: the hook cancels, then holds the exit until the download
        // has stopped and closed its files.
        this.hook = new Thread(() -> {
            cancellation.cancel();
            try {
                stopped.await(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "apply-cancel");
        Runtime.getRuntime().addShutdownHook(hook);
        this.rawTerminal = escape && stty("-icanon -echo min 1");
        if (rawTerminal) {
            Thread reader = new Thread(this::watchEscape, "apply-escape");
            reader.setDaemon(true);
            reader.start();
        }
    }

    /** Watches for Ctrl-C, and for Esc when {@code terminal} is a POSIX terminal. */
    public static CancelKeys watch(Cancellation cancellation, boolean terminal) {
        boolean posix = !System.getProperty("os.name", "").toLowerCase(java.util.Locale.ROOT).startsWith("windows");
        return new CancelKeys(cancellation, terminal && posix);
    }

    private void watchEscape() {
        try {
            int b;
            while ((b = System.in.read()) >= 0 && !cancellation.isCancelled()) {
                if (b == 27) {
                    cancellation.cancel();
                    return;
                }
            }
        } catch (IOException e) {
            // stdin closed: only Ctrl-C remains
        }
    }

    @Override
    public void close() {
        stopped.countDown();
        if (rawTerminal) {
            stty("icanon echo");
        }
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
            // the JVM is already shutting down (Ctrl-C): the hook is running and now lets it finish
        }
    }

    private static boolean stty(String settings) {
        try {
            Process p = new ProcessBuilder("sh", "-c", "stty " + settings + " < /dev/tty")
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            return p.waitFor(2, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
