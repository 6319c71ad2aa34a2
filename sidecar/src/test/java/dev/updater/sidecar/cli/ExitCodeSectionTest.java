package dev.updater.sidecar.cli;

import dev.updater.sidecar.ExitCode;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The exit codes in {@code --help} and in docs/sidecar.md come from {@link ExitCode} and never drift from it. */
class ExitCodeSectionTest {
    /** Tests run in the sidecar module's directory (surefire's default). */
    private static final Path SIDECAR_DOC = Path.of("").toAbsolutePath().getParent().resolve("docs/sidecar.md");

    @Test
    void runHelp_listsItsExitCodes_aligned_withTheHostsOwnStatusFirst_beforeTheExamples() {
        CliRun run = CliRun.run("run", "--help");

        assertEquals(0, run.exitCode());
        assertTrue(run.out().contains("""

                Exit codes:
                  N    the host exited on its own with code N and nothing was due to be
                         installed
                  1    the sidecar failed (the message says why), or no healthy version is left
                         after a rollback
                  2    usage error (a wrong or missing option)
                  130  stopped by Ctrl+C (SIGINT; the host was stopped first)
                  143  stopped by SIGTERM (the host was stopped first)

                Examples:
                """), run.out());
        assertTrue(run.out().replaceAll("\\s+", " ").contains("restarts the host when it exits with 42,"), run.out());
    }

    @Test
    void topLevelHelp_listsEveryExitCode_withItsMeaning() {
        CliRun run = CliRun.run("--help");

        assertEquals(0, run.exitCode());
        StringBuilder expected = new StringBuilder("\nExit codes:\n");
        for (ExitCode code : ExitCode.values()) {
            expected.append(String.format("  %-3d  %s%n", code.code(), code.meaning()));
        }
        expected.append("\nRun 'updater-sidecar COMMAND --help' for its options, examples and exit codes.\n");
        assertTrue(run.out().endsWith(expected.toString()), run.out());
    }

    @Test
    void everyCommand_declaresItsExitCodes_andEachCodeIsKnown() {
        for (CommandLine command : UpdaterCommand.newCommandLine().getSubcommands().values()) {
            Map<String, String> lines = command.getCommandSpec().usageMessage().exitCodeList();
            // help shows text and can only be asked wrongly; every other command can fail
            assertTrue((lines.containsKey("1") || command.getCommandName().equals("help")) && lines.containsKey("2"),
                    command.getCommandName() + ": " + lines);
            CliRun help = CliRun.run(command.getCommandName(), "--help");
            assertTrue(help.out().contains("\nExit codes:\n"), help.toString());
        }
    }

    @Test
    void aCommandWithoutExitCodes_isABug_caughtWhenTheCommandLineIsBuilt() {
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> ExitCodeSection.lines(String.class));

        assertEquals("String declares no @ExitCodes", e.getMessage());
    }

    @Test
    void docsTable_isExactlyTheEnum_withTheCommandsThatReturnEachCode() throws Exception {
        List<String> commands = new ArrayList<>();
        Map<String, List<String>> returnedBy = new LinkedHashMap<>();
        Map<String, String> meaning = new LinkedHashMap<>();
        for (ExitCode code : ExitCode.values()) {
            returnedBy.put(String.valueOf(code.code()), new ArrayList<>());
            meaning.put(String.valueOf(code.code()), code.meaning());
        }
        for (CommandLine command : UpdaterCommand.newCommandLine().getSubcommands().values()) {
            commands.add(command.getCommandName());
            for (Map.Entry<String, String> line : command.getCommandSpec().usageMessage().exitCodeList().entrySet()) {
                returnedBy.computeIfAbsent(line.getKey(), key -> new ArrayList<>()).add(command.getCommandName());
                meaning.putIfAbsent(line.getKey(), line.getValue()); // N: the host's status, run's own words
            }
        }
        List<String> expected = new ArrayList<>(List.of("| code | meaning | returned by |", "|---|---|---|"));
        returnedBy.forEach((code, by) -> expected.add("| " + code + " | " + meaning.get(code) + " | "
                + returnedBy(by, commands) + " |"));

        assertEquals(String.join("\n", expected), String.join("\n", docsTable("## Exit codes")));
    }

    /** Each command's own words for a code, where they say more than the enum's: the same as its --help. */
    @Test
    void docsTableByCommand_isEveryCommandsOwnMeaning_asItsHelpSaysIt() throws Exception {
        List<String> expected = new ArrayList<>(List.of("| command | code | what it means for the command |",
                "|---|---|---|"));
        for (CommandLine command : UpdaterCommand.newCommandLine().getSubcommands().values()) {
            for (Map.Entry<String, String> line : command.getCommandSpec().usageMessage().exitCodeList().entrySet()) {
                boolean general = java.util.Arrays.stream(ExitCode.values())
                        .anyMatch(c -> String.valueOf(c.code()).equals(line.getKey()) && c.meaning().equals(line.getValue()));
                if (!general) {
                    expected.add("| `" + command.getCommandName() + "` | " + line.getKey() + " | " + line.getValue() + " |");
                }
            }
        }

        assertEquals(String.join("\n", expected), String.join("\n", docsTable("### Exit codes by command")));
    }

    private static String returnedBy(List<String> by, List<String> commands) {
        if (by.equals(commands)) {
            return "every command";
        }
        List<String> missing = commands.stream().filter(c -> !by.contains(c)).toList();
        if (missing.size() == 1) {
            return "every command but `" + missing.get(0) + "`";
        }
        return by.stream().map(c -> "`" + c + "`").collect(Collectors.joining(", "));
    }

    /** The first table under {@code heading} in docs/sidecar.md, line by line. */
    private static List<String> docsTable(String heading) throws Exception {
        List<String> lines = Files.readAllLines(SIDECAR_DOC);
        int at = lines.indexOf(heading);
        assertTrue(at >= 0, "docs/sidecar.md has no '" + heading + "' section");
        return lines.subList(at, lines.size()).stream()
                .dropWhile(line -> !line.startsWith("|"))
                .takeWhile(line -> line.startsWith("|"))
                .toList();
    }
}
