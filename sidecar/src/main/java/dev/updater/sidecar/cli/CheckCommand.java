package dev.updater.sidecar.cli;

import dev.updater.core.UpdaterException;
import dev.updater.core.home.UpdateHome;
import dev.updater.core.text.Printable;
import dev.updater.sidecar.channel.ChannelOffer;
import dev.updater.sidecar.console.Screen;
import dev.updater.sidecar.console.UpdateScreens;
import dev.updater.sidecar.ExitCode;
import dev.updater.sidecar.cli.ExitCodes.Code;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.time.Clock;
import java.util.concurrent.Callable;

/** {@code updater-sidecar check}: what the channel offers this install, without installing anything. */
@Command(
        name = "check",
        sortOptions = false,
        description = {
                "Checks the release channel now, as the host's agent does (the manifest URL and policy options"
                        + " the agent recorded in HOME/channel.json), and shows what it offers: current and new"
                        + " version, release age, what's new and download size. Installs nothing; 'apply' does.",
                "Signatures are checked with the keys given by --key or --keyfile only: channel.json is written"
                        + " by the host, and one that lists another key or sets an insecure-* flag is refused."
        },
        footerHeading = "%nExamples:%n",
        footer = {
                "  updater-sidecar check --home /var/lib/app/updates --key ed25519:MCowBQYDK2VwAyEA..."
        })
@ExitCodes({
        @Code(value = ExitCode.OK, means = "checked (an update is available, or there is none to install: the box says which)"),
        @Code(value = ExitCode.FAILED, means = "the check failed (unreachable channel, bad signature, expired manifest, ...)"),
        @Code(ExitCode.USAGE)})
final class CheckCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    HelpOption help;

    @Mixin
    HomeOption home;

    @Mixin
    ChannelTrustOptions trust;

    @Override
    public Integer call() throws UpdaterException {
        UpdateHome updateHome = ApplyCommand.existingHome(home);
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Clock clock = Clock.systemUTC();
        ChannelOffer.Offer offer = ChannelOffer.check(updateHome, trust.trust(), clock, warning -> {
            err.println(Printable.of(warning, Printable.MAX_LINE_LENGTH));
            err.flush();
        });
        new UpdateScreens(Screen.forConsole(out)).offer(offer, clock.instant());
        return ExitCode.OK.code();
    }
}
