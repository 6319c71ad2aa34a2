package dev.updater.sidecar.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** The top-level {@code updater-sidecar} command; it only lists its subcommands. */
@Command(
        name = "updater-sidecar",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = "Installs, verifies and publishes updates of a JVM application run with the updater agent.",
        footerHeading = "%nExit codes:%n",
        footer = {
                "  0  success",
                "  1  the operation failed (the message says what and what to do)",
                "  2  usage error (a wrong or missing option)"
        })
final class UpdaterCommand implements Runnable {
    @Spec
    CommandSpec spec;

    static CommandLine newCommandLine() {
        return new CommandLine(new UpdaterCommand());
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
