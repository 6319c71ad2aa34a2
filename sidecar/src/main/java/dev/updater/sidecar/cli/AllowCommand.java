package dev.updater.sidecar.cli;

import dev.updater.core.ErrorCode;
import dev.updater.core.UpdaterException;
import dev.updater.core.home.HistoryEvent;
import dev.updater.core.home.Quarantine;
import dev.updater.core.home.UpdateHome;
import dev.updater.core.text.Printable;
import dev.updater.core.version.ReleaseVersion;
import dev.updater.sidecar.ExitCode;
import dev.updater.sidecar.cli.ExitCodes.Code;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.Callable;

/**
 * {@code updater-sidecar allow VERSION}: lifts a quarantine (a failed health gate) or a hold (an
 * operator's rollback), so that the version may be staged and installed again. Named for what it
 * does to the version, not {@code release}: "release" is what the channel publishes.
 */
@Command(
        name = "allow",
        sortOptions = false,
        description = {
                "Allows a quarantined or held-back version again: removes it from HOME/quarantine.json and records"
                        + " 'allowed' in the history. A version is quarantined when it failed its health gate here,"
                        + " and held back when an operator rolled back from it; either way it is never installed"
                        + " again automatically until allowed.",
                "The agent stages it again at its next check if the channel still offers it, and the apply policy"
                        + " decides when it is installed ('updater-sidecar apply' installs it now)."
        },
        footerHeading = "%nExamples:%n",
        footer = {
                "  updater-sidecar allow 1.3.0 --home /var/lib/app/updates"
        })
@ExitCodes({
        @Code(value = ExitCode.OK, means = "allowed again"),
        @Code(value = ExitCode.FAILED, means = "the version is neither quarantined nor held back, or the home cannot"
                + " be read or written (the message says why); nothing was changed"),
        @Code(ExitCode.USAGE)})
final class AllowCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    HelpOption help;

    @Mixin
    HomeOption home;

    @Parameters(index = "0", paramLabel = "VERSION", converter = Converters.Version.class,
            description = "The version to allow again, as 'status' lists it under Quarantined. Example: 1.3.0")
    ReleaseVersion version;

    @Override
    public Integer call() throws UpdaterException {
        UpdateHome updateHome = home.existing();
        Quarantine list = updateHome.quarantineList().read().orElse(Quarantine.NONE);
        Optional<Quarantine.Entry> entry = list.entry(version);
        if (entry.isEmpty()) {
            throw new UpdaterException(ErrorCode.NOT_QUARANTINED, version + " is neither quarantined nor held back in "
                    + updateHome.quarantine() + " (" + (list.versions().isEmpty() ? "it lists no version"
                    : "it lists " + String.join(", ", list.versions().stream()
                    .map(e -> Printable.of(e.version()) + " (" + e.label() + ")").toList())) + "); nothing was changed.");
        }
        updateHome.quarantineList().write(list.without(version).orElseThrow());
        String was = entry.get().label() + ": " + entry.get().reason();
        updateHome.history().append(new HistoryEvent(Instant.now(), HistoryEvent.Kind.ALLOWED, version, null,
                "allowed again by an operator (it was " + was + ")"));
        PrintWriter out = spec.commandLine().getOut();
        out.println("Allowed " + version + " again (it was " + Printable.of(was) + "). The agent stages it at its"
                + " next check if the channel still offers it; the apply policy decides when it is installed, or run"
                + " 'updater-sidecar apply --home " + updateHome.dir() + "'.");
        out.flush();
        return ExitCode.OK.code();
    }
}
