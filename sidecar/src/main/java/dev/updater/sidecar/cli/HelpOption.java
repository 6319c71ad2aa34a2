package dev.updater.sidecar.cli;

import picocli.CommandLine.Option;

/**
 * {@code -h, --help} for a subcommand. Subcommands do not take picocli's standard mixin because it
 * also claims {@code --version}, which {@code publish} needs for the release version.
 */
final class HelpOption {
    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help message and exit.")
    boolean help;
}
