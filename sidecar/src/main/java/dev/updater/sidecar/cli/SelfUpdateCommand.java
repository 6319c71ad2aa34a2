package dev.updater.sidecar.cli;

import dev.updater.core.ErrorCode;
import dev.updater.core.UpdaterException;
import dev.updater.core.download.Cancellation;
import dev.updater.core.policy.Decision;
import dev.updater.core.signature.TrustedKey;
import dev.updater.core.text.Printable;
import dev.updater.sidecar.ExitCode;
import dev.updater.sidecar.channel.ChannelOffer;
import dev.updater.sidecar.cli.ExitCodes.Code;
import dev.updater.sidecar.console.CancelKeys;
import dev.updater.sidecar.console.ProgressBar;
import dev.updater.sidecar.console.Screen;
import dev.updater.sidecar.console.UpdateScreens;
import dev.updater.sidecar.selfupdate.SelfUpdate;
import dev.updater.sidecar.selfupdate.SelfUpdateChannel;
import dev.updater.sidecar.selfupdate.UpdaterInstall;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.net.URI;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code updater-sidecar self-update}: the updater updating itself from its own release channel. */
@Command(
        name = "self-update",
        sortOptions = false,
        description = {
                "Updates the updater itself: checks the updater's own release channel (the one scripts/release.sh"
                        + " publishes, whose URL and key a released jar carries), shows the offer and asks"
                        + " 'Proceed? [Y/n]' (unless --yes), downloads the new updater-sidecar.jar, verifies its"
                        + " signature, size and SHA-256, runs it once ('--version' in a child JVM), then replaces"
                        + " updater-sidecar.jar and the updater.jar beside it, each by one atomic rename, keeping the"
                        + " old ones as NAME.previous.",
                "Never older or equal (same rules as any update), never unsigned. Anything that fails leaves both"
                        + " jars as they were. A running 'run' or 'watch' sidecar keeps running its old version until"
                        + " it restarts ('status' says so); hosts load the new agent jar at their next start."
        },
        footerHeading = "%nExamples:%n",
        footer = {
                "  updater-sidecar self-update --check",
                "  sudo java -jar /opt/updater/updater-sidecar.jar self-update --yes",
                "  updater-sidecar self-update --manifest https://updates.example.com/updater/manifest.json"
                        + " --key ed25519:MCowBQYDK2VwAyEA..."
        })
@ExitCodes({
        @Code(value = ExitCode.OK, means = "updated, or up to date, or (--check) the offer was shown"),
        @Code(value = ExitCode.FAILED, means = "nothing was replaced: no channel, the check failed (unreachable,"
                + " unsigned, bad signature, expired), an older release offered, a download that does not match,"
                + " a failed smoke test, or cancelled (the message says which)"),
        @Code(ExitCode.USAGE),
        @Code(value = ExitCode.INTERRUPTED, means = "stopped by Ctrl+C; nothing was replaced, unless the stop came"
                + " between the two renames (the new updater.jar, the old updater-sidecar.jar): run self-update"
                + " again")})
final class SelfUpdateCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    HelpOption help;

    @Option(names = "--check", description = "Only show what the channel offers; replace nothing. Default: false.")
    boolean checkOnly;

    @Option(names = {"-y", "--yes"}, description = "Do not ask; install at once. Default: false.")
    boolean yes;

    @Option(names = "--manifest", paramLabel = "URL",
            description = "The manifest URL of the updater's channel. Default: the one built into this jar at"
                    + " release. Example: --manifest https://updates.example.com/updater/manifest.json")
    URI manifest;

    @Option(names = "--key", paramLabel = "KEY", converter = ChannelTrustOptions.KeyText.class,
            description = "A public key trusted to sign the updater's releases; repeat it for a rotation. Replaces"
                    + " the keys built into this jar. Default: the built-in ones."
                    + " Example: --key ed25519:MCowBQYDK2VwAyEA...")
    List<TrustedKey> keys = new ArrayList<>();

    @Option(names = "--keyfile", paramLabel = "FILE", converter = ChannelTrustOptions.KeyFile.class,
            description = "As --key, from a public key file (updater.pub, or an OpenSSL PEM public key)."
                    + " Default: none. Example: --keyfile /etc/updater/release.pub")
    List<TrustedKey> keyFiles = new ArrayList<>();

    @Override
    public Integer call() throws UpdaterException, InterruptedException {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Screen screen = Screen.forConsole(out);
        Clock clock = Clock.systemUTC();
        List<TrustedKey> trusted = new ArrayList<>(keys);
        trusted.addAll(keyFiles);

        SelfUpdate update = SelfUpdate.of(UpdaterInstall.running(), SelfUpdateChannel.of(manifest, trusted), clock,
                warning -> {
                    err.println(Printable.of(warning, Printable.MAX_LINE_LENGTH));
                    err.flush();
                });
        out.println("Checking " + Printable.of(update.channel().manifest()) + " (" + update.channel().origin() + ")");
        ChannelOffer.Offer offer;
        try {
            offer = update.check();
        } catch (UpdaterException e) {
            throw SelfUpdate.nothingReplaced(e);
        }
        new UpdateScreens(screen).offer(offer, clock.instant());
        if (offer.decision() instanceof Decision.Refused refused) {
            throw new CommandFailedException("Nothing was replaced: " + refused.message());
        }
        if (!(offer.decision() instanceof Decision.Install)) {
            return ExitCode.OK.code();
        }
        if (checkOnly) {
            out.println("Install it with 'updater-sidecar self-update'.");
            out.flush();
            return ExitCode.OK.code();
        }
        if (!yes && !ApplyCommand.confirmed(out)) {
            throw new CommandFailedException("Cancelled: nothing was replaced.");
        }
        SelfUpdate.Installed installed = installWithProgress(update, offer, screen);
        List<String> lines = new ArrayList<>();
        lines.add(screen.done() + " " + installed.sidecarJar() + " (the old one kept as "
                + installed.sidecarBackup().getFileName() + ")");
        lines.add(installed.agentJar() == null ? "No " + UpdaterInstall.AGENT_JAR + " beside it: where hosts load the"
                + " agent from elsewhere, write the new one with 'updater-sidecar agent-jar --out PATH'."
                : screen.done() + " " + installed.agentJar() + " (the old one kept as "
                + installed.agentBackup().getFileName() + ")");
        lines.add("");
        lines.add("A running 'run' or 'watch' sidecar keeps running " + installed.from() + " until it restarts;"
                + " hosts load the new agent at their next start.");
        screen.box("UPDATED THE UPDATER FROM " + installed.from() + " TO " + installed.to(), lines);
        return ExitCode.OK.code();
    }

    /** Steps 2 to 5 with a progress bar; [Esc] (on a terminal) cancels the download. */
    private static SelfUpdate.Installed installWithProgress(SelfUpdate update, ChannelOffer.Offer offer, Screen screen)
            throws UpdaterException, InterruptedException {
        ProgressBar bar = new ProgressBar(screen);
        Cancellation cancellation = new Cancellation();
        try (CancelKeys keys = CancelKeys.watch(cancellation, screen.isTerminal())) {
            return update.install(offer, bar, cancellation);
        } catch (UpdaterException e) {
            if (e.code() == ErrorCode.DOWNLOAD_CANCELLED) {
                throw new CommandFailedException("Cancelled: nothing was replaced.");
            }
            throw e;
        } finally {
            bar.finish();
        }
    }
}
