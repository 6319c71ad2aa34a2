package dev.updater.sidecar.cli;

import dev.updater.core.Durations;
import dev.updater.core.ErrorCode;
import dev.updater.core.UpdaterException;
import dev.updater.core.home.JsonRecords;
import dev.updater.core.home.Quarantine;
import dev.updater.core.home.StagedRelease;
import dev.updater.core.home.UpdateHome;
import dev.updater.sidecar.supervise.HomeGuard;
import dev.updater.sidecar.supervise.HomeStatus;
import dev.updater.sidecar.supervise.OfflineSwap;
import dev.updater.sidecar.supervise.RequestedSwap;
import dev.updater.sidecar.supervise.Requests;
import dev.updater.sidecar.supervise.SidecarLock;
import dev.updater.sidecar.supervise.Targets;
import dev.updater.sidecar.swap.Outcome;
import dev.updater.sidecar.swap.QuarantineFile;
import dev.updater.sidecar.swap.SwapJournal;
import dev.updater.sidecar.swap.SwapState;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.Charset;
import java.nio.file.Files;
import java.nio.file.Path;
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
                        + " verdict. With no sidecar and the host stopped, it swaps the artifact itself and the next"
                        + " sidecar start health-gates it."
        },
        footerHeading = "%nExamples:%n",
        footer = {
                "  updater-sidecar apply --home /var/lib/app/updates",
                "  updater-sidecar apply --home /var/lib/app/updates --yes --wait 10m",
                "",
                "Exit codes:",
                "  0  installed (and, with a sidecar, healthy)",
                "  1  nothing staged, cancelled, refused, rolled back after a failed health gate, or still running"
                        + " after --wait (the message says which)",
                "  2  usage error (a wrong or missing option)"
        })
final class ApplyCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    HelpOption help;

    @Mixin
    HomeOption home;

    @Option(names = {"-y", "--yes"}, description = "Do not ask; approve at once. Default: false.")
    boolean yes;

    @Option(names = "--wait", paramLabel = "DURATION", defaultValue = "5m", converter = Converters.Span.class,
            description = "How long to wait for the running sidecar's verdict. Default: ${DEFAULT-VALUE}."
                    + " Example: --wait 10m")
    Duration wait;

    @Option(names = "--target", paramLabel = "PATH",
            description = "Without a running sidecar: the file the host runs. Default: the agent's record of it."
                    + " Example: --target /opt/app/app.jar")
    Path target;

    @Option(names = "--keep-backups", paramLabel = "N", defaultValue = "2",
            description = "Without a running sidecar: how many backups to keep. Default: ${DEFAULT-VALUE}. Example: --keep-backups 3")
    int keepBackups;

    @Override
    public Integer call() throws UpdaterException, InterruptedException {
        UpdateHome updateHome = existingHome(home.home);
        StagedRelease staged = JsonRecords.read(updateHome.stagedRecord(), StagedRelease.class)
                .orElseThrow(() -> new UpdaterException(ErrorCode.NOTHING_STAGED, "Nothing is staged in "
                        + updateHome.dir() + ": the agent stages a release once it finds one; see 'updater-sidecar"
                        + " status --home " + updateHome.dir() + "'."));
        PrintWriter out = spec.commandLine().getOut();
        describe(updateHome, staged, out);
        if (!yes && !confirmed(out)) {
            throw new CommandFailedException("Cancelled: nothing was installed; " + staged.version() + " stays staged.");
        }
        OptionalLong sidecar = SidecarLock.holder(updateHome);
        if (sidecar.isPresent()) {
            Requests requests = new Requests(updateHome);
            String before = RequestedSwap.currentJournalId(updateHome);
            Instant at = Instant.now();
            requests.write(requests.applyFile(), new Requests.Apply(staged.version(), staged.sha256(), at));
            out.println("Asked the sidecar" + pid(sidecar) + " to install " + staged.version()
                    + "; waiting for its health gate (up to " + Durations.format(wait) + ").");
            out.flush();
            return report(RequestedSwap.await(updateHome, requests.applyFile(), before, at, wait), staged.version(),
                    updateHome, out);
        }
        Path file = Targets.resolve(target, updateHome, List.of()).orElseThrow(() -> new UpdaterException(
                ErrorCode.TARGET_UNKNOWN, "No sidecar runs on " + updateHome.dir() + " and no agent has recorded the"
                + " target; give the file the host runs with --target."));
        Outcome outcome = new OfflineSwap(updateHome, keepBackups, Clock.systemUTC(), line -> { }).install(staged, file);
        if (outcome.result() == Outcome.Result.REJECTED) {
            throw new CommandFailedException(outcome.message());
        }
        out.println(outcome.message());
        out.flush();
        return ExitCode.OK;
    }

    static UpdateHome existingHome(Path dir) throws UpdaterException {
        UpdateHome updateHome = new UpdateHome(dir);
        if (!Files.isDirectory(updateHome.dir())) {
            throw new UpdaterException(ErrorCode.IO, "There is no update home at " + updateHome.dir()
                    + "; check --home (the agent's home=).");
        }
        HomeGuard.check(updateHome);
        return updateHome;
    }

    private void describe(UpdateHome updateHome, StagedRelease staged, PrintWriter out) throws UpdaterException {
        HomeStatus status = HomeStatus.read(updateHome);
        String installed = status.installed() == null || status.installed().version() == null
                ? "unknown version" : status.installed().version();
        out.println("Installed:  " + installed);
        out.println("Staged:     " + staged.version() + released(staged) + ", " + staged.size() + " bytes");
        if (staged.needsApproval()) {
            out.println("Waits for approval: " + (staged.approvalReason() == null ? "yes" : staged.approvalReason()));
        }
        Quarantine quarantine = QuarantineFile.read(updateHome);
        quarantine.versions().stream().filter(e -> e.version().equals(staged.version())).findFirst()
                .ifPresent(e -> out.println("Quarantined here: " + e.reason()));
        printList(out, "Features:", staged.features());
        printList(out, "Fixes:", staged.fixes());
        out.flush();
    }

    private static String released(StagedRelease staged) {
        if (staged.releaseDate() == null) {
            return "";
        }
        long days = Duration.between(staged.releaseDate(), Instant.now()).toDays();
        return ", released " + staged.releaseDate().atOffset(ZoneOffset.UTC).toLocalDate()
                + (days <= 0 ? " (today)" : days == 1 ? " (1 day ago)" : " (" + days + " days ago)");
    }

    private static void printList(PrintWriter out, String heading, List<String> items) {
        if (items == null || items.isEmpty()) {
            return;
        }
        out.println(heading);
        for (String item : items) {
            out.println("  - " + item);
        }
    }

    private static boolean confirmed(PrintWriter out) {
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
        if (j.state() == SwapState.COMMITTED && j.detail() == null) {
            out.println((j.kind() == SwapJournal.Kind.INSTALL ? "Installed " : "Rolled back to ") + j.to().label()
                    + "; it passed its health gate.");
            out.flush();
            return ExitCode.OK;
        }
        throw new CommandFailedException(Optional.ofNullable(j.detail()).orElse(j.describe() + " ended "
                + j.state().label()) + ".");
    }
}
