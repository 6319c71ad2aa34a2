package dev.updater.sidecar.cli;

import dev.updater.core.ErrorCode;
import dev.updater.core.UpdaterException;
import dev.updater.core.home.UpdateHome;
import dev.updater.sidecar.metrics.MetricsEndpoint;
import dev.updater.sidecar.supervise.SidecarLock;
import dev.updater.sidecar.supervise.SidecarSettings;
import dev.updater.sidecar.supervise.SupervisionLoop;
import dev.updater.sidecar.supervise.Targets;
import dev.updater.sidecar.swap.ReleaseLink;
import dev.updater.sidecar.ExitCode;
import dev.updater.sidecar.log.LogEvent;
import dev.updater.sidecar.log.SidecarLog;
import dev.updater.sidecar.cli.ExitCodes.Code;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Callable;

/** {@code updater-sidecar watch}: container mode, the host started by the container runtime. */
@Command(
        name = "watch",
        sortOptions = false,
        description = {
                "Keeps a host that something else starts (a Kubernetes container sharing the home's volume) updated:"
                        + " swaps the artifact while the host runs, asks the host to exit (through its agent, or"
                        + " SIGTERM where its pid is visible), health-gates the host the runtime starts next, and"
                        + " rolls back the same way.",
                "The target must be on the shared volume. First it finishes or reverts a swap a previous sidecar"
                        + " left unfinished. One sidecar per home."
        },
        footerHeading = "%nExamples:%n",
        footer = {
                "  updater-sidecar watch --home /updates",
                "  updater-sidecar watch --home /updates --apply window=02:00-04:00 --health-url http://127.0.0.1:8080/health"
        })
@ExitCodes({
        @Code(value = ExitCode.FAILED, means = "the sidecar failed (the message says why), or no healthy version is"
                + " left after a rollback"),
        @Code(ExitCode.USAGE),
        @Code(ExitCode.INTERRUPTED),
        @Code(ExitCode.TERMINATED)})
final class WatchCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    HelpOption help;

    @Mixin
    HomeOption home;

    @Mixin
    SupervisionOptions options;

    @Mixin
    LogFormatOption logFormat;

    @Mixin
    MetricsOptions metrics;

    @Option(names = "--restart-timeout", paramLabel = "DURATION", defaultValue = "5m",
            converter = Converters.PositiveSpan.class,
            description = "How long the container runtime gets to start the host again after it exits for a swap"
                    + " (Kubernetes backs off up to 5 minutes); past it the swap is rolled back. Default: ${DEFAULT-VALUE}."
                    + " Example: --restart-timeout 10m")
    Duration restartTimeout;

    @Override
    public Integer call() throws UpdaterException, InterruptedException {
        SidecarSettings checked = options.settings(spec, restartTimeout, null); // usage errors before the home is touched
        metrics.check(spec);
        UpdateHome updateHome = home.openOrCreate();
        SidecarSettings settings = checked.withTarget(Targets.ofOptionOrInstalled(options.target, updateHome,
                home.ownHome()));
        Optional<Path> recordLayout = ReleaseLink.recordLayoutOf(settings.target().path());
        if (recordLayout.isPresent()) {
            // the container runtime starts the host from APP/current/..., which does not exist in this layout
            throw new UpdaterException(ErrorCode.CONFIG_INVALID, "watch cannot update " + recordLayout.get()
                    + ": it uses " + recordLayout.get().resolve("current.json") + " instead of the link "
                    + recordLayout.get().resolve("current") + ", and only the sidecar as launcher (run) starts the"
                    + " host from the folder that record names; nothing was changed. Use run, or make current a"
                    + " link to releases/<version> and delete current.json (see docs/archives.md).");
        }
        SidecarLock lock = SidecarLock.acquire(updateHome);
        try {
            SidecarLog log = logFormat.log(spec.commandLine().getOut());
            log.event(LogEvent.info("watching", "watching " + updateHome.dir() + " (apply=" + settings.policy() + ")",
                    "home", updateHome.dir(), "apply", settings.policy()));
            SupervisionLoop loop = SupervisionLoop.ofContainer(updateHome, settings, Clock.systemDefaultZone(), log);
            try (MetricsEndpoint endpoint = metrics.open(updateHome, settings, loop.counters(), loop.report(), Clock.systemUTC(), log)) {
                return loop.run();
            }
        } finally {
            lock.close();
        }
    }
}
