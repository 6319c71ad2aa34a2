package dev.updater.sidecar.cli;

import dev.updater.core.home.ApplyRequest;
import dev.updater.core.version.ReleaseVersion;
import dev.updater.core.text.HumanUnits;
import dev.updater.core.ErrorCode;
import dev.updater.core.Sha256;
import dev.updater.core.UpdaterException;
import dev.updater.core.check.ReleaseStager;
import dev.updater.core.download.Cancellation;
import dev.updater.core.download.Downloader;
import dev.updater.core.home.HomeFiles;
import dev.updater.core.home.Quarantine;
import dev.updater.core.home.StagedRelease;
import dev.updater.core.home.SwapJournal;
import dev.updater.core.home.SwapState;
import dev.updater.core.home.UpdateHome;
import dev.updater.core.manifest.Artifact;
import dev.updater.core.policy.Decision;
import dev.updater.core.text.Printable;
import dev.updater.sidecar.channel.ChannelOffer;
import dev.updater.sidecar.console.CancelKeys;
import dev.updater.sidecar.console.ProgressBar;
import dev.updater.sidecar.console.Screen;
import dev.updater.sidecar.console.InstallChecklist;
import dev.updater.sidecar.console.UpdateScreens;
import dev.updater.sidecar.supervise.HomeStatus;
import dev.updater.sidecar.supervise.OfflineSwap;
import dev.updater.sidecar.supervise.RequestedSwap;
import dev.updater.sidecar.supervise.SidecarLock;
import dev.updater.sidecar.supervise.Targets;
import dev.updater.sidecar.swap.Outcome;
import dev.updater.sidecar.ExitCode;
import dev.updater.sidecar.cli.ExitCodes.Code;
import java.net.URI;
import java.util.ArrayList;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.Charset;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.Callable;

/** {@code updater-sidecar apply}: approve and install the staged release now. */
@Command(
        name = "apply",
        sortOptions = false,
        description = {
                "Approves the staged release and installs it now, whatever the apply policy: shows its version,"
                        + " age, changelog and size and asks 'Proceed? [Y/n]' (unless --yes).",
                "A running sidecar (run or watch) does the install and its health gate; this command waits for the"
                        + " verdict. With no sidecar and the host stopped, it swaps the artifact itself (into --target,"
                        + " else the target of the last install) and the next sidecar start health-gates it.",
                "With nothing staged it checks the channel as 'check' does, trusting only the keys given with"
                        + " --key or --keyfile."
        },
        footerHeading = "%nExamples:%n",
        footer = {
                "  updater-sidecar apply --home /var/lib/app/updates",
                "  updater-sidecar apply --home /var/lib/app/updates --yes --wait 10m",
                "  updater-sidecar apply --home /var/lib/app/updates --key ed25519:MCowBQYDK2VwAyEA...   (nothing staged:"
                        + " checks the channel)"
        })
@ExitCodes({
        @Code(value = ExitCode.OK, means = "installed (and, with a sidecar, healthy); or nothing to install: the"
                + " channel offers nothing newer (UP TO DATE) or a release this host may not take (NO UPDATE TO"
                + " INSTALL, with the reason)"),
        @Code(value = ExitCode.FAILED, means = "nothing staged and no channel recorded to check (the agent has not"
                + " run yet), cancelled, refused by the sidecar, rolled back after a failed health gate, or still"
                + " running after --wait (the message says which)"),
        @Code(ExitCode.USAGE),
        @Code(value = ExitCode.INTERRUPTED, means = "stopped by Ctrl+C; a download is kept, and the next 'apply'"
                + " resumes it")})
final class ApplyCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    HelpOption help;

    @Mixin
    HomeOption home;

    @Mixin
    ChannelTrustOptions trust;

    @Option(names = {"-y", "--yes"}, description = "Do not ask; approve at once. Default: false.")
    boolean yes;

    @Option(names = "--wait", paramLabel = "DURATION", defaultValue = "5m", converter = Converters.Span.class,
            description = "How long to wait for the running sidecar's verdict. Default: ${DEFAULT-VALUE}."
                    + " Example: --wait 10m")
    Duration wait;

    @Option(names = "--target", paramLabel = "PATH",
            description = "Without a running sidecar: the file the host runs. Default: the target of the sidecar's"
                    + " last install (HOME/installed.json); never the host's agent.json, which must name the same"
                    + " file. Example: --target /opt/app/app.jar")
    Path target;

    @Option(names = "--keep-backups", paramLabel = "N", defaultValue = "2", converter = Converters.BackupCount.class,
            description = "Without a running sidecar: how many backups to keep, at least 1. Default: ${DEFAULT-VALUE}."
                    + " Example: --keep-backups 3")
    int keepBackups;

    @Override
    public Integer call() throws UpdaterException, InterruptedException {
        UpdateHome updateHome = existingHome(home);
        PrintWriter out = spec.commandLine().getOut();
        Screen screen = Screen.forConsole(out);
        UpdateScreens screens = new UpdateScreens(screen);
        Clock clock = Clock.systemUTC();
        ReleaseVersion installed = installedVersion(updateHome);

        StagedRelease staged = updateHome.stagedRecord().read().orElse(null);
        if (staged != null) {
            screens.staged(installed, staged, clock.instant());
            confirmOrCancel(out, staged.version().toString(), true);
        } else {
            staged = downloadFromChannel(updateHome, screen, screens, clock, out);
            if (staged == null) {
                return ExitCode.OK.code();
            }
        }

        List<String> done = new ArrayList<>();
        done.add("Download complete (" + HumanUnits.size(staged.size()) + ")");
        done.add("Checksum verified (" + verifiedPrefix(updateHome, staged) + "...)");

        OptionalLong sidecar = SidecarLock.holder(updateHome);
        List<String> steps = new ArrayList<>(done);
        steps.addAll(SwapProgress.STEPS);
        if (sidecar.isPresent()) {
            String before = RequestedSwap.currentJournalId(updateHome);
            Instant at = Instant.now();
            updateHome.applyRequest().write(new ApplyRequest(staged.version(), staged.sha256(), at));
            InstallChecklist checklist = screens.checklist(steps, done.size(), "Asked the sidecar" + pid(sidecar)
                    + " to install " + staged.version() + " (waiting up to " + HumanUnits.setting(wait) + ").");
            RequestedSwap.Result result = RequestedSwap.await(updateHome, updateHome.applyRequest(), before, at, wait,
                    journal -> checklist.reached(done.size() + SwapProgress.stepsDone(journal), SwapProgress.doing(journal)));
            return reportInstall(result, staged.version().toString(), installed, updateHome, screens, checklist,
                    done.size());
        }
        Targets.Target file = Targets.ofOptionOrInstalled(target, updateHome, home.ownHome());
        Targets.refuseOtherAgentTarget(updateHome, file, "nothing was installed");
        Outcome outcome = new OfflineSwap(updateHome, keepBackups, clock, line -> { }).install(staged, file.path());
        if (outcome instanceof Outcome.Rejected || outcome instanceof Outcome.Failed) {
            throw new CommandFailedException(outcome.message());
        }
        screens.checklist(steps.subList(0, done.size() + 2), done.size() + 2, outcome.message());
        return ExitCode.OK.code();
    }

    /**
     * Nothing staged yet: check the channel as the agent does, show the offer, and download it with a
     * progress bar. Returns null when there is nothing to install.
     */
    private StagedRelease downloadFromChannel(UpdateHome updateHome, Screen screen, UpdateScreens screens,
                                              Clock clock, PrintWriter out) throws UpdaterException {
        if (!updateHome.channelRecord().exists()) {
            throw new UpdaterException(ErrorCode.NOTHING_STAGED, "Nothing is staged in " + updateHome.dir()
                    + ": the agent stages a release once it finds one; see 'updater-sidecar status --home "
                    + updateHome.dir() + "'.");
        }
        ChannelOffer.Offer offer = ChannelOffer.check(updateHome, trust.trust(), clock, warning -> {
            spec.commandLine().getErr().println(Printable.of(warning, Printable.MAX_LINE_LENGTH));
            spec.commandLine().getErr().flush();
        });
        screens.offer(offer, clock.instant());
        if (offer.decision() instanceof Decision.Refused refused && refused.reason() == Decision.Reason.QUARANTINED) {
            throw new CommandFailedException(notAllowed(updateHome, refused.offered()));
        }
        if (!(offer.decision() instanceof Decision.Install install)) {
            return null;
        }
        confirmOrCancel(out, offer.manifest().version().toString(), false);
        Artifact artifact = offer.manifest().artifactFor(offer.platform());
        URI uri = artifact.resolve(offer.manifestUri());
        screen.box("DOWNLOADING UPDATE", List.of("Downloading " + Printable.of(uri) + " ...", "",
                screen.isTerminal() ? "[Esc] or Ctrl-C cancels; the download resumes next time."
                        : "Ctrl-C cancels; the download resumes next time."));
        ProgressBar bar = new ProgressBar(screen);
        Cancellation cancellation = new Cancellation();
        try (CancelKeys keys = CancelKeys.watch(cancellation, screen.isTerminal())) {
            return new ReleaseStager(updateHome, new Downloader(offer.options()), clock).stage(offer.manifest(),
                    offer.manifest().keyFor(offer.platform()), artifact, offer.manifestUri(),
                    new Decision.Install(install.version(), false, install.message()), bar, cancellation);
        } catch (UpdaterException e) {
            if (e.code() == ErrorCode.DOWNLOAD_CANCELLED) {
                bar.finish();
                throw new CommandFailedException("Cancelled: nothing was installed; the partial download is kept in "
                        + updateHome.downloads() + " and the next 'updater-sidecar apply' resumes it.");
            }
            throw e;
        } finally {
            bar.finish();
        }
    }

    /** Why a quarantined or held-back release is not installed, and the command that allows it again. */
    private static String notAllowed(UpdateHome updateHome, ReleaseVersion version) throws UpdaterException {
        Optional<Quarantine.Entry> entry = updateHome.quarantineList().read().orElse(Quarantine.NONE)
                .entry(version);
        String why = entry.map(e -> e.label() + " (" + Printable.of(e.reason()) + ")").orElse("quarantined");
        return "Not installed: " + version + " is " + why + " on this host, and is not installed again until it is"
                + " allowed: run 'updater-sidecar allow " + version + " --home " + updateHome.dir() + "', then apply"
                + " again.";
    }

    private void confirmOrCancel(PrintWriter out, String version, boolean staged) {
        if (!yes && !confirmed(out)) {
            throw new CommandFailedException("Cancelled: nothing was installed" + (staged ? "; " + version
                    + " stays staged." : "."));
        }
    }

    /**
     * Re-hashes the staged file, as the swap will: the operator sees the proof, not the claim. The file
     * must lie inside {@code releases/}, with no symbolic link on the way or at its name: staged.json
     * is written by the host, and a path out of the home would make this command read any file.
     */
    private static String verifiedPrefix(UpdateHome updateHome, StagedRelease staged) throws UpdaterException {
        String dropIt = "; nothing was installed. Delete " + updateHome.stagedRecord()
                + " and let the agent stage the release again.";
        Path file;
        try {
            file = updateHome.resolveInside(staged.file(), updateHome.releases());
        } catch (IllegalArgumentException e) {
            throw new UpdaterException(ErrorCode.STAGED_INVALID, "staged.json's file " + e.getMessage() + dropIt, e);
        }
        try {
            HomeFiles.refuseLinksOnTheWay(updateHome, file);
            MessageDigest digest = Sha256.newDigest();
            try (FileChannel channel = HomeFiles.open(file, StandardOpenOption.READ)) {
                ByteBuffer buffer = ByteBuffer.allocate(1 << 20);
                while (channel.read(buffer) >= 0) {
                    digest.update(buffer.flip());
                    buffer.clear();
                }
            }
            Sha256 sha = Sha256.of(digest.digest());
            if (!sha.equals(staged.sha256())) {
                throw new UpdaterException(ErrorCode.STAGED_INVALID, "The staged " + file + " has SHA-256 " + sha
                        + ", not the " + staged.sha256() + " of release " + staged.version() + dropIt);
            }
            return sha.hex().substring(0, 8);
        } catch (UpdaterException e) {
            if (e.code() == ErrorCode.STAGED_INVALID) {
                throw e;
            }
            throw new UpdaterException(ErrorCode.STAGED_INVALID, "The staged file is refused: " + e.getMessage(), e);
        } catch (IOException e) {
            throw new UpdaterException(ErrorCode.STAGED_INVALID, "Cannot read the staged " + file + ": " + e
                    + "; delete " + updateHome.stagedRecord() + " and let the agent stage it again.", e);
        }
    }

    private static ReleaseVersion installedVersion(UpdateHome updateHome) throws UpdaterException {
        HomeStatus status = HomeStatus.read(updateHome);
        if (status.installed() != null && status.installed().version() != null) {
            return status.installed().version();
        }
        return status.agent() == null ? null : status.agent().runningVersion();
    }

    /** The existing home, refused when others can write it or it is another user's (HomeGuard). */
    static UpdateHome existingHome(HomeOption option) throws UpdaterException {
        return option.existing();
    }

    static boolean confirmed(PrintWriter out) {
        out.print("Proceed? [Y/n] ");
        out.flush();
        try {
            String answer = new BufferedReader(new InputStreamReader(System.in, Charset.defaultCharset())).readLine();
            if (answer == null) {
                return false; // no terminal: only --yes approves
            }
            String a = answer.strip().toLowerCase(Locale.ROOT);
            return a.isEmpty() || a.equals("y") || a.equals("yes");
        } catch (IOException e) {
            return false;
        }
    }

    private static String pid(OptionalLong sidecar) {
        return sidecar.getAsLong() > 0 ? " (pid " + sidecar.getAsLong() + ")" : "";
    }

    /** Shows the verdict of a request a running sidecar handled: 0 once committed, else a failure sentence. */
    static int reportInstall(RequestedSwap.Result result, String version, ReleaseVersion installed,
                             UpdateHome updateHome, UpdateScreens screens, InstallChecklist checklist, int before) {
        if (result.timedOut()) {
            throw new CommandFailedException("The sidecar has not finished with " + version + " yet; follow it with"
                    + " 'updater-sidecar status --home " + updateHome.dir() + "'.");
        }
        if (result.refusal() != null) {
            throw new CommandFailedException("The sidecar refused: " + result.refusal());
        }
        SwapJournal j = result.journal();
        if (j.state() == SwapState.COMMITTED) {
            checklist.reached(before + SwapProgress.STEPS.size(), null);
            screens.updated(installed == null ? j.from().label() : installed.toString(), j.to().label());
            return ExitCode.OK.code();
        }
        String why = Optional.ofNullable(j.detail()).orElse(j.describe() + " ended " + j.state().label()) + ".";
        checklist.failed("Health gate", why);
        throw new CommandFailedException(why);
    }

    /** Prints the verdict of a request a running sidecar handled: 0 once committed, else a failure sentence. */
    static int report(RequestedSwap.Result result, String version, UpdateHome updateHome, PrintWriter out) {
        if (result.timedOut()) {
            throw new CommandFailedException("The sidecar has not finished with " + version + " yet; follow it with"
                    + " 'updater-sidecar status --home " + updateHome.dir() + "'.");
        }
        if (result.refusal() != null) {
            throw new CommandFailedException("The sidecar refused: " + result.refusal());
        }
        SwapJournal j = result.journal();
        if (j.state() == SwapState.COMMITTED) {
            out.println((j.kind() == SwapJournal.Kind.INSTALL ? "Installed " : "Rolled back to ")
                    + Printable.of(j.to().label()) + "; it passed its health gate.");
            out.flush();
            return ExitCode.OK.code();
        }
        throw new CommandFailedException(Optional.ofNullable(j.detail()).orElse(j.describe() + " ended "
                + j.state().label()) + ".");
    }
}
