package dev.updater.sidecar.cli;

import dev.updater.sidecar.swap.ReleaseLink;
import dev.updater.core.home.RollbackRequest;
import dev.updater.core.ErrorCode;
import dev.updater.core.Sha256;
import dev.updater.core.UpdaterException;
import dev.updater.core.home.Backup;
import dev.updater.core.home.UpdateHome;
import dev.updater.core.text.HumanUnits;
import dev.updater.core.text.Printable;
import dev.updater.sidecar.supervise.OfflineSwap;
import dev.updater.sidecar.supervise.RequestedSwap;
import dev.updater.sidecar.supervise.SidecarLock;
import dev.updater.sidecar.supervise.Targets;
import dev.updater.sidecar.swap.Outcome;
import dev.updater.sidecar.ExitCode;
import dev.updater.sidecar.cli.ExitCodes.Code;
import dev.updater.sidecar.swap.Backups;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.OptionalLong;
import java.util.concurrent.Callable;

/** {@code updater-sidecar rollback}: reinstall the newest backup, after a confirmation; the version rolled away from is held back. */
@Command(
        name = "rollback",
        sortOptions = false,
        description = {
                "Reinstalls the newest backup (the version the last install replaced) through the same swap"
                        + " transaction, and holds back the version rolled away from: it is not installed again"
                        + " automatically until 'updater-sidecar allow VERSION'. History records 'rolled-back' and"
                        + " 'held'. For an archive layout (the target under APP/current -> releases/<version>)"
                        + " it moves the link back to the newest kept release folder older than the current one.",
                "Asks 'Proceed? [y/N]' first, since it restarts the host (--yes skips the question; without a"
                        + " terminal to ask on, --yes is required).",
                "A running sidecar does the swap, the restart and the health gate; this command waits for the"
                        + " verdict. With no sidecar and the host stopped, it swaps the artifact itself and the next"
                        + " sidecar start health-gates it."
        },
        footerHeading = "%nExamples:%n",
        footer = {
                "  updater-sidecar rollback --home /var/lib/app/updates",
                "  updater-sidecar rollback --home /var/lib/app/updates --yes"
        })
@ExitCodes({
        @Code(value = ExitCode.OK, means = "rolled back (and, with a sidecar, healthy)"),
        @Code(value = ExitCode.FAILED, means = "no backup, not confirmed, refused, unhealthy, or still running after"
                + " --wait (the message says which)"),
        @Code(ExitCode.USAGE)})
final class RollbackCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    HelpOption help;

    @Mixin
    HomeOption home;

    @Option(names = {"-y", "--yes"}, description = "Do not ask; roll back at once. Default: false.")
    boolean yes;

    @Option(names = "--wait", paramLabel = "DURATION", defaultValue = "5m", converter = Converters.Span.class,
            description = "How long to wait for the running sidecar's verdict. Default: ${DEFAULT-VALUE}."
                    + " Example: --wait 10m")
    Duration wait;

    @Option(names = "--target", paramLabel = "PATH",
            description = "The file the host runs. Default: the target of the sidecar's last install"
                    + " (HOME/installed.json); never the host's agent.json, which must name the same file."
                    + " Example: --target /opt/app/app.jar")
    Path target;

    @Override
    public Integer call() throws UpdaterException, InterruptedException {
        UpdateHome updateHome = ApplyCommand.existingHome(home);
        PrintWriter out = spec.commandLine().getOut();
        Targets.Target file = Targets.ofOptionOrInstalled(target, updateHome, home.ownHome());
        Targets.refuseOtherAgentTarget(updateHome, file, "nothing was changed");
        Backups backups = new Backups(updateHome);
        Backup backup = backups.forRollbackOf(file.path()).orElseThrow(() ->
                new UpdaterException(ErrorCode.NO_BACKUP, backups.noneFor(file.path())));
        String version = backup.version() == null ? "the previous version" : Printable.of(backup.version());
        confirm(updateHome, file.path(), version, out);
        OptionalLong sidecar = SidecarLock.holder(updateHome);
        if (sidecar.isPresent()) {
            String before = RequestedSwap.currentJournalId(updateHome);
            Instant at = Instant.now();
            updateHome.rollbackRequest().write(new RollbackRequest(installedSha(file.path()),
                    backup.sha256(), at));
            out.println("Asked the sidecar" + (sidecar.getAsLong() > 0 ? " (pid " + sidecar.getAsLong() + ")" : "")
                    + " to roll back to " + version + "; waiting for its health gate (up to "
                    + HumanUnits.setting(wait) + ").");
            out.flush();
            return ApplyCommand.report(RequestedSwap.await(updateHome, updateHome.rollbackRequest(), before, at, wait),
                    version, updateHome, out);
        }
        Outcome outcome = new OfflineSwap(updateHome, 2, Clock.systemUTC(), line -> { }).rollBack(backup, file.path());
        if (outcome instanceof Outcome.Failed) {
            throw new CommandFailedException(outcome.message());
        }
        out.println(Printable.of(outcome.message(), Printable.MAX_LINE_LENGTH));
        out.flush();
        return ExitCode.OK.code();
    }

    /**
     * A rollback restarts production: it is confirmed like {@code apply}. Without a terminal there is no
     * one to ask, and a script must say {@code --yes}; nothing is changed before the answer.
     */
    private void confirm(UpdateHome updateHome, Path target, String version, PrintWriter out) throws UpdaterException {
        if (yes) {
            return;
        }
        String installed = updateHome.installedRecord().readQuietly()
                .map(i -> i.version() == null ? "the installed version" : i.version().toString())
                .orElse("the installed version");
        String command = "updater-sidecar rollback --home " + updateHome.dir() + " --yes";
        if (!interactive()) {
            throw new UpdaterException(ErrorCode.NOT_CONFIRMED, "Not rolled back: a rollback restarts the host, and"
                    + " there is no terminal to confirm it on; nothing was changed. To roll back without a"
                    + " question: " + command);
        }
        out.println("Roll back " + target + " from " + installed + " to " + version + ". This restarts the host, and "
                + installed + " is held back: not installed again automatically until 'updater-sidecar allow'.");
        out.print("Proceed? [y/N] ");
        out.flush();
        String answer = System.console().readLine();
        if (answer == null || !(answer.strip().equalsIgnoreCase("y") || answer.strip().equalsIgnoreCase("yes"))) {
            throw new CommandFailedException("Cancelled: nothing was changed; " + installed + " stays installed.");
        }
    }

    /** A terminal to ask on: Java 22+ returns a console for redirected streams too, and says so with isTerminal(). */
    private static boolean interactive() {
        java.io.Console console = System.console();
        if (console == null) {
            return false;
        }
        try {
            return (Boolean) java.io.Console.class.getMethod("isTerminal").invoke(console);
        } catch (ReflectiveOperationException e) {
            return true; // before Java 22 a console exists only for a terminal
        }
    }

    private static Sha256 installedSha(Path target) throws UpdaterException {
        try {
            return Sha256.ofFile(ReleaseLink.inCurrentFolder(target)); // current.json: APP/current/... is not there
        } catch (IOException e) {
            throw new UpdaterException(ErrorCode.TARGET_UNKNOWN, "Cannot read the target " + target + ": " + e
                    + "; give the file the host runs with --target.", e);
        }
    }
}
