package dev.updater.sidecar.cli;

import picocli.CommandLine.Option;

import java.nio.file.Path;

/** {@code --home DIR}, the update home every sidecar command works on. */
final class HomeOption {
    @Option(names = "--home", paramLabel = "DIR", required = true,
            description = "The update home shared with the agent (its home=). Example: --home /var/lib/app/updates")
    Path home;
}
