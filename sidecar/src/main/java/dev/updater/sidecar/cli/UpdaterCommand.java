package dev.updater.sidecar.cli;

import dev.updater.sidecar.ExitCode;
import dev.updater.sidecar.cli.ExitCodes.Code;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

/** The top-level {@code updater-sidecar} command; it only lists its subcommands. */
@Command(
        name = "updater-sidecar",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        subcommands = {KeygenCommand.class, PublishCommand.class, VerifyCommand.class, ServeCommand.class,
                AgentJarCommand.class, AttachCommand.class, RunCommand.class, WatchCommand.class, StatusCommand.class, HistoryCommand.class,
                CheckCommand.class, ApplyCommand.class, RollbackCommand.class, AllowCommand.class, SelfUpdateCommand.class, DemoCommand.class, HelpCommand.class},
        description = "Installs, verifies and publishes updates of a JVM application run with the updater agent.",
        footer = {"", "Run 'updater-sidecar COMMAND --help' for its options, examples and exit codes."})
@ExitCodes({@Code(ExitCode.OK), @Code(ExitCode.FAILED), @Code(ExitCode.USAGE), @Code(ExitCode.INTERRUPTED),
        @Code(ExitCode.TERMINATED)})
final class UpdaterCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Option(names = ErrorReporting.STACKTRACE_OPTION, scope = ScopeType.INHERIT,
            description = "Print the stack trace of a failure, for a bug report.")
    boolean stacktrace;

    static CommandLine newCommandLine() {
        ErrorReporting errors = new ErrorReporting();
        CommandLine cli = HelpLayout.addTo(ExitCodeSection.addTo(new CommandLine(new UpdaterCommand())
                .setExecutionExceptionHandler(errors)
                .setParameterExceptionHandler(errors)));
        // the host's command is taken whole from its first word, so that RunCommand can say where '--' goes
        // instead of "Unknown option: '-jar'"
        cli.getSubcommands().get("run").setStopAtPositional(true);
        return cli;
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
