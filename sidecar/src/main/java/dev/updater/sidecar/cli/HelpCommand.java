package dev.updater.sidecar.cli;

import dev.updater.sidecar.ExitCode;
import dev.updater.sidecar.cli.ExitCodes.Code;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.util.concurrent.Callable;

/** {@code updater-sidecar help [COMMAND]}: the same help as {@code --help}, for those who type it the other way. */
@Command(
        name = "help",
        description = "Shows the help of updater-sidecar, or of COMMAND: the same as 'updater-sidecar COMMAND --help'.",
        footerHeading = "%nExamples:%n",
        footer = {"  updater-sidecar help", "  updater-sidecar help run"})
@ExitCodes({@Code(value = ExitCode.OK, means = "the help was shown"),
        @Code(value = ExitCode.USAGE, means = "COMMAND is not a command of updater-sidecar")})
final class HelpCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @CommandLine.Mixin
    HelpOption help;

    @Parameters(arity = "0..1", paramLabel = "COMMAND",
            description = "The command to show the help of. Default: updater-sidecar's own. Example: run")
    String command;

    @Override
    public Integer call() {
        CommandLine top = spec.parent().commandLine();
        CommandLine shown = top;
        if (command != null) {
            shown = top.getSubcommands().get(command);
            if (shown == null) {
                throw new ParameterException(spec.commandLine(), "'" + command + "' is not a command; the commands are "
                        + String.join(", ", top.getSubcommands().keySet()) + ".");
            }
        }
        shown.usage(spec.commandLine().getOut());
        return ExitCode.OK.code();
    }
}
