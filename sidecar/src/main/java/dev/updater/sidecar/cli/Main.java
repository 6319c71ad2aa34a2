package dev.updater.sidecar.cli;

import picocli.CommandLine;

/** Entry point of {@code updater-sidecar.jar}. */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        System.exit(UpdaterCommand.newCommandLine().execute(args));
    }
}
