package dev.updater.sidecar.cli;

import dev.updater.core.text.HumanUnits;
import dev.updater.core.UpdaterException;
import dev.updater.core.home.HistoryEvent;
import dev.updater.core.home.UpdateHome;
import dev.updater.core.text.Printable;
import dev.updater.sidecar.ExitCode;
import dev.updater.sidecar.cli.ExitCodes.Code;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code updater-sidecar history}: the events of {@code history.jsonl}, newest last. */
@Command(
        name = "history",
        sortOptions = false,
        description = "Prints what happened to this install, oldest first and newest last: checks, staged releases,"
                + " installs, health gates passed, failures, rollbacks and quarantines (HOME/history.jsonl).",
        footerHeading = "%nExamples:%n",
        footer = {
                "  updater-sidecar history --home /var/lib/app/updates",
                "  updater-sidecar history --home /var/lib/app/updates --json | jq '.[-1]'"
        })
@ExitCodes({
        @Code(value = ExitCode.OK, means = "shown (also when there are no events yet)"),
        @Code(value = ExitCode.FAILED, means = "the home cannot be read (the message says why)"),
        @Code(ExitCode.USAGE)})
final class HistoryCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    HelpOption help;

    @Mixin
    HomeOption home;

    @Option(names = "--json", description = "Print one JSON array of the events instead of text. Default: false.")
    boolean json;

    @Override
    public Integer call() throws UpdaterException {
        UpdateHome updateHome = home.existing();
        List<HistoryEvent> events = updateHome.history().read();
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            out.println(PrintableJson.write(events));
        } else if (events.isEmpty()) {
            out.println("No events yet in " + updateHome.history() + ".");
        } else {
            for (HistoryEvent e : events) {
                out.println(line(e));
            }
        }
        out.flush();
        return ExitCode.OK.code();
    }

    /**
     * {@code 2026-02-07T12:00:00Z  installed    1.1.0 (from 1.0.0)  swapped /opt/app/app.jar to 1.1.0…}.
     * history.jsonl is appended to by the host process too: every field is shown {@link Printable}.
     */
    static String line(HistoryEvent e) {
        StringBuilder sb = new StringBuilder();
        sb.append(e.at() == null ? "unknown time" : HumanUnits.time(e.at())).append("  ").append(String.format("%-12s", Printable.of(e.event())));
        if (e.version() != null) {
            sb.append(' ').append(Printable.of(e.version()));
        }
        if (e.from() != null) {
            sb.append(" (from ").append(Printable.of(e.from())).append(')');
        }
        if (e.detail() != null) {
            sb.append("  ").append(Printable.of(e.detail(), Printable.MAX_LINE_LENGTH));
        }
        return sb.toString();
    }
}
