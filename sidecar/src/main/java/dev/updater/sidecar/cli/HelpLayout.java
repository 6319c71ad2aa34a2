package dev.updater.sidecar.cli;

import picocli.CommandLine;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;
import picocli.CommandLine.Model.UsageMessageSpec;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Lays out the description, the parameters, the options and the examples of every {@code --help}
 * so that nothing an operator copies is cut: text breaks only at spaces, a word (a URL, a path) is
 * never split however long, an option's "Example: …" starts a line of its own and is kept whole,
 * and the examples below are printed as written, never wrapped. picocli's own wrapping breaks a
 * long URL or a command anywhere the column ends.
 */
final class HelpLayout {
    static final int WIDTH = 80;
    /** Where an option's description starts, as picocli lays it out. */
    static final int DESCRIPTION_COLUMN = 28;
    private static final String EXAMPLE = "Example: ";

    private HelpLayout() {
    }

    /** Installs the layout on {@code cli} and every subcommand. */
    static CommandLine addTo(CommandLine cli) {
        Map<String, CommandLine.IHelpSectionRenderer> sections = cli.getHelpSectionMap();
        sections.put(UsageMessageSpec.SECTION_KEY_DESCRIPTION, help -> paragraphs(help.commandSpec()
                .usageMessage().description()));
        sections.put(UsageMessageSpec.SECTION_KEY_PARAMETER_LIST, help -> list(help.commandSpec(), true));
        sections.put(UsageMessageSpec.SECTION_KEY_OPTION_LIST, help -> list(help.commandSpec(), false));
        sections.put(UsageMessageSpec.SECTION_KEY_FOOTER, help -> asWritten(help.commandSpec().usageMessage().footer()));
        cli.setHelpSectionMap(sections);
        cli.getSubcommands().values().forEach(HelpLayout::addTo);
        return cli;
    }

    private static String paragraphs(String[] description) {
        StringBuilder text = new StringBuilder();
        for (String paragraph : description) {
            wrap(paragraph, WIDTH, WIDTH).forEach(line -> text.append(line).append('\n'));
        }
        return text.toString();
    }

    private static String asWritten(String[] footer) {
        StringBuilder text = new StringBuilder();
        Arrays.stream(footer).forEach(line -> text.append(line.replace("%n", "\n")).append('\n'));
        return text.toString();
    }

    /** The positional parameters or the options: names in the first column, the description beside them. */
    private static String list(CommandSpec spec, boolean positional) {
        List<? extends ArgSpec> args = positional ? spec.positionalParameters() : spec.options();
        StringBuilder text = new StringBuilder();
        for (ArgSpec arg : args) {
            if (arg.hidden()) {
                continue;
            }
            String names = "  " + names(arg);
            List<Line> lines = new ArrayList<>();
            for (String part : arg.renderedDescription()) {
                lines.addAll(describe(part));
            }
            if (names.length() > DESCRIPTION_COLUMN - 1 || lines.isEmpty()) {
                text.append(names).append('\n');
                names = "";
            }
            for (int i = 0; i < lines.size(); i++) {
                Line line = lines.get(i);
                text.append(line.fromMargin() ? " ".repeat(8) + line.text()
                        : i == 0 ? pad(names) + line.text() : pad("") + "  " + line.text()).append('\n');
            }
        }
        return text.toString();
    }

    /** A line of an option's description; {@code fromMargin}: an example too long for the column, set below it. */
    private record Line(String text, boolean fromMargin) {
    }

    /** One part of a description as lines for the description column, its "Example: …" kept whole on its own. */
    private static List<Line> describe(String part) {
        int example = part.indexOf(EXAMPLE);
        String prose = example < 0 ? part : part.substring(0, example).strip();
        int column = WIDTH - DESCRIPTION_COLUMN;
        List<Line> lines = new ArrayList<>();
        if (!prose.isEmpty()) {
            wrap(prose, column, column - 2).forEach(text -> lines.add(new Line(text, false)));
        }
        if (example >= 0) {
            String shown = part.substring(example).strip();
            if (shown.length() <= column - (lines.isEmpty() ? 0 : 2)) {
                lines.add(new Line(shown, false));
            } else {
                lines.add(new Line(EXAMPLE.strip(), false));
                lines.add(new Line(shown.substring(EXAMPLE.length()), true));
            }
        }
        return lines;
    }

    private static String names(ArgSpec arg) {
        if (arg instanceof PositionalParamSpec positional) {
            return positional.paramLabel() + (positional.isMultiValue() ? "..." : "");
        }
        OptionSpec option = (OptionSpec) arg;
        String[] names = option.names();
        String shortName = Arrays.stream(names).filter(n -> n.length() == 2 && !n.startsWith("--")).findFirst()
                .orElse(null);
        String longName = Arrays.stream(names).filter(n -> !n.equals(shortName)).findFirst().orElse(null);
        String label = option.arity().max() > 0 ? "=" + option.paramLabel() : "";
        if (longName == null) {
            return shortName + label;
        }
        return (shortName == null ? "    " : shortName + ", ") + longName + label;
    }

    private static String pad(String text) {
        return text + " ".repeat(Math.max(0, DESCRIPTION_COLUMN - text.length()));
    }

    /**
     * Greedy wrap at spaces: the first line up to {@code firstWidth}, the others up to {@code width};
     * a word longer than a line stands alone on it, whole.
     */
    static List<String> wrap(String text, int firstWidth, int width) {
        List<String> lines = new ArrayList<>();
        StringBuilder line = new StringBuilder();
        for (String word : text.strip().split(" +")) {
            int limit = lines.isEmpty() ? firstWidth : width;
            if (line.length() > 0 && line.length() + 1 + word.length() > limit) {
                lines.add(line.toString());
                line.setLength(0);
            }
            if (line.length() > 0) {
                line.append(' ');
            }
            line.append(word);
        }
        if (line.length() > 0 || lines.isEmpty()) {
            lines.add(line.toString());
        }
        return lines;
    }
}
