package dev.updater.sidecar.cli;

import dev.updater.sidecar.ExitCode;
import picocli.CommandLine;
import picocli.CommandLine.Help.Column;
import picocli.CommandLine.Help.TextTable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.UsageMessageSpec;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The "Exit codes" section of every command's {@code --help}, generated from the command's
 * {@link ExitCodes} and {@link ExitCode}: the numbers never drift from what the code returns.
 */
final class ExitCodeSection {
    /** The key of the line for the host's own exit status, which {@code run} passes on. */
    static final String HOST_STATUS = "N";

    private ExitCodeSection() {
    }

    /** Adds the section to {@code cli} and every subcommand; a command without {@link ExitCodes} is a bug. */
    static CommandLine addTo(CommandLine cli) {
        CommandSpec spec = cli.getCommandSpec();
        UsageMessageSpec usage = spec.usageMessage();
        usage.exitCodeListHeading("%nExit codes:%n");
        usage.exitCodeList(lines(spec.userObject().getClass()));
        usage.sectionMap().put(UsageMessageSpec.SECTION_KEY_EXIT_CODE_LIST, ExitCodeSection::render);
        cli.getSubcommands().values().forEach(ExitCodeSection::addTo);
        return cli;
    }

    /** The section's lines, code to meaning, in the order the command declares them. */
    static Map<String, String> lines(Class<?> command) {
        ExitCodes declared = command.getAnnotation(ExitCodes.class);
        if (declared == null) {
            throw new IllegalStateException(command.getSimpleName() + " declares no @ExitCodes");
        }
        Map<String, String> lines = new LinkedHashMap<>();
        if (!declared.hostStatus().isEmpty()) {
            lines.put(HOST_STATUS, declared.hostStatus());
        }
        for (ExitCodes.Code code : declared.value()) {
            ExitCode exit = code.value();
            lines.put(String.valueOf(exit.code()), code.means().isEmpty() ? exit.meaning() : code.means());
        }
        return lines;
    }

    /** {@code "  143  stopped by SIGTERM"}: two spaces between code and meaning, wrapped meanings aligned. */
    private static String render(CommandLine.Help help) {
        Map<String, String> lines = help.commandSpec().usageMessage().exitCodeList();
        int codeWidth = lines.keySet().stream().mapToInt(String::length).max().orElse(0) + 4;
        TextTable table = TextTable.forColumns(help.colorScheme(),
                new Column(codeWidth, 2, Column.Overflow.SPAN),
                new Column(help.commandSpec().usageMessage().width() - codeWidth, 0, Column.Overflow.WRAP));
        lines.forEach(table::addRowValues);
        return table.toString();
    }
}
