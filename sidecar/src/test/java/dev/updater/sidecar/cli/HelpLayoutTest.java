package dev.updater.sidecar.cli;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code --help} never breaks what an operator copies, and {@code help COMMAND} is the same help. */
class HelpLayoutTest {
    private static final Pattern URL = Pattern.compile("https?://[^\\s)'\"]+");
    private static final Pattern PATH = Pattern.compile("(?<![\\w.=:])/[\\w.-]+(?:/[\\w.*-]+)+");
    private static final Pattern EXAMPLE = Pattern.compile("Example: (.*)$");

    @Test
    void help_isTheSameAsDashDashHelp_forTheToolAndEveryCommand() {
        assertEquals(CliRun.run("--help").out(), CliRun.run("help").out());
        for (String command : UpdaterCommand.newCommandLine().getSubcommands().keySet()) {
            CliRun help = CliRun.run("help", command);

            assertEquals(0, help.exitCode(), help.toString());
            assertEquals(CliRun.run(command, "--help").out(), help.out(), command);
        }
    }

    @Test
    void help_ofAnUnknownCommand_isAUsageError_namingTheCommands() {
        CliRun help = CliRun.run("help", "rollout");

        assertEquals(2, help.exitCode());
        assertTrue(help.err().startsWith("'rollout' is not a command; the commands are keygen, publish, verify, serve,"
                + " agent-jar, attach, run, watch, status, history, check, apply, rollback, allow, self-update, demo, help.\nUsage: updater-sidecar"
                + " help "), help.err());
    }

    @Test
    void everyUrlPathAndExample_standsWholeOnOneLine_andProseFitsEightyColumns() {
        for (CommandLine command : UpdaterCommand.newCommandLine().getSubcommands().values()) {
            CommandSpec spec = command.getCommandSpec();
            List<String> lines = CliRun.run(command.getCommandName(), "--help").out().lines().toList();
            List<String> whole = new ArrayList<>();
            List<String> sources = new ArrayList<>(List.of(spec.usageMessage().description()));
            for (ArgSpec arg : spec.args()) {
                if (!arg.hidden()) {
                    for (String part : arg.renderedDescription()) {
                        sources.add(part);
                        Matcher example = EXAMPLE.matcher(part);
                        if (example.find()) {
                            whole.add(example.group(1));
                        }
                    }
                }
            }
            for (String source : sources) {
                URL.matcher(source).results().forEach(m -> whole.add(m.group()));
                PATH.matcher(source).results().forEach(m -> whole.add(m.group()));
            }
            List<String> footer = List.of(spec.usageMessage().footer());
            for (String text : whole) {
                assertTrue(lines.stream().anyMatch(line -> line.contains(text)),
                        command.getCommandName() + ": \"" + text + "\" is broken across lines in:\n" + String.join("\n", lines));
            }
            for (String line : footer) {
                assertTrue(lines.contains(line), command.getCommandName() + ": the example \"" + line + "\" is not"
                        + " printed as written");
            }
            for (String line : lines) {
                boolean copied = footer.contains(line) || whole.stream().anyMatch(line::contains);
                assertTrue(copied || line.length() <= HelpLayout.WIDTH, command.getCommandName() + ": " + line.length()
                        + " columns: " + line);
            }
        }
    }

    @Test
    void wrap_breaksOnlyAtSpaces_andKeepsAWordLongerThanTheLineWhole() {
        assertEquals(List.of("see", "https://releases.example.com/app/manifest.json", "then"),
                HelpLayout.wrap("see https://releases.example.com/app/manifest.json then", 10, 10));
        assertEquals(List.of("one two", "three"), HelpLayout.wrap("one two   three", 7, 9));
    }
}
