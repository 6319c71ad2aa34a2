package dev.updater.sidecar.cli;

import dev.updater.core.ErrorCode;
import dev.updater.core.UpdaterException;
import dev.updater.core.home.UpdateHome;
import dev.updater.sidecar.metrics.MetricsEndpoint;
import dev.updater.core.home.RestartRecord;
import dev.updater.sidecar.overlap.ProbePorts;
import dev.updater.sidecar.supervise.RestartSettings;
import dev.updater.sidecar.supervise.SelfRestart;
import dev.updater.sidecar.supervise.SidecarLock;
import dev.updater.sidecar.supervise.SidecarSettings;
import dev.updater.sidecar.supervise.SupervisionLoop;
import dev.updater.sidecar.supervise.Targets;
import dev.updater.sidecar.ExitCode;
import dev.updater.sidecar.log.LogEvent;
import dev.updater.sidecar.log.SidecarLog;
import dev.updater.sidecar.cli.ExitCodes.Code;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Option;
import picocli.CommandLine.TypeConversionException;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;

/** {@code updater-sidecar run}: supervisor mode, the host as a child. */
@Command(
        name = "run",
        sortOptions = false,
        description = {
                "Runs the host COMMAND as a child and keeps it updated (supervisor mode): installs staged releases"
                        + " as --apply says (stop the host, swap the artifact atomically, start it, health-gate it,"
                        + " commit or roll back), restarts the host when it exits with 42, and passes SIGTERM and"
                        + " SIGINT on to it.",
                "First it finishes or reverts a swap a previous sidecar left unfinished. One sidecar per home.",
                "When self-update has put a newer updater-sidecar.jar in place, the sidecar restarts itself in place"
                        + " (same pid, Linux, --restart stop-start) at the next install, while the host is stopped for"
                        + " it; elsewhere the new jar takes effect when the sidecar is restarted."
        },
        footerHeading = "%nExamples:%n",
        footer = {
                "  updater-sidecar run --home /var/lib/app/updates -- \\",
                "      java -javaagent:updater.jar=home=/var/lib/app/updates,... -jar /opt/app/app.jar",
                "  updater-sidecar run --home ./updates --apply immediate --health-url http://127.0.0.1:8080/health \\",
                "      --min-uptime 5s -- java -javaagent:updater.jar=... -jar app.jar",
                "  updater-sidecar run --home ./updates --restart overlap --health-url http://127.0.0.1:8080/health \\",
                "      -- java -javaagent:updater.jar=... -jar app.jar"
        })
@ExitCodes(hostStatus = "the host exited on its own with code N and nothing was due to be installed", value = {
        @Code(value = ExitCode.FAILED, means = "the sidecar failed (the message says why), or no healthy version is"
                + " left after a rollback"),
        @Code(ExitCode.USAGE),
        @Code(value = ExitCode.INTERRUPTED, means = "stopped by Ctrl+C (SIGINT; the host was stopped first)"),
        @Code(value = ExitCode.TERMINATED, means = "stopped by SIGTERM (the host was stopped first)")})
final class RunCommand implements Callable<Integer> {
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


    @Option(names = "--restart", paramLabel = "MODE", defaultValue = "stop-start", converter = RestartModeConverter.class,
            description = "How an update restarts the host: stop-start (stop it, swap, start the new version: the"
                    + " service is down meanwhile; every OS) or overlap (Linux: the new version starts beside the old"
                    + " one on the same ports, is health-checked through them on its own, then takes every new"
                    + " connection, and the old one stops gracefully once its queue is empty: no client sees the"
                    + " switch). Under overlap the host is started with UPDATER_REUSE_PORT=true, so its agent binds"
                    + " with SO_REUSEPORT; where overlap is impossible the update is a stop-start and one line says"
                    + " why. Default: ${DEFAULT-VALUE}. Example: --restart overlap")
    RestartRecord.Mode restart;

    @Option(names = "--probe-ports", paramLabel = "FIRST-LAST", defaultValue = "61000-61099",
            converter = ProbePortsConverter.class,
            description = "(--restart overlap) The source ports the health probe connects from; connections from"
                    + " them reach the new host alone. Must lie outside net.ipv4.ip_local_port_range. Default:"
                    + " ${DEFAULT-VALUE}. Example: --probe-ports 64000-64099")
    ProbePorts probePorts;

    @Parameters(arity = "1..*", paramLabel = "COMMAND",
            description = "The host's command line, after '--'. Example: -- java -javaagent:updater.jar=... -jar app.jar")
    List<String> command;

    /**
     * Without '--', a host option the sidecar also has ({@code --home}, {@code --target}) would be
     * silently taken by one or the other: the command must come after '--', and the message shows the
     * operator's own line with it in place.
     */
    private void requireDashDash() {
        List<String> args = spec.commandLine().getParseResult().originalArgs();
        int commandStart = args.size() - command.size();
        if (commandStart > 0 && args.get(commandStart - 1).equals("--")) {
            return;
        }
        List<String> sidecarPart = args.subList(0, commandStart);
        throw new ParameterException(spec.commandLine(), "The host's command must come after '--', so that none of"
                + " its words is taken for an option of the sidecar: updater-sidecar " + quoted(sidecarPart) + " -- "
                + quoted(command));
    }

    private static String quoted(List<String> words) {
        return words.stream().map(w -> w.matches("[\\w@%+=:,./-]+") ? w : "'" + w.replace("'", "'\\''") + "'")
                .collect(Collectors.joining(" "));
    }

    @Override
    public Integer call() throws UpdaterException, InterruptedException {
        requireDashDash();
        SidecarSettings checked = options.settings(spec, Duration.ZERO, null) // usage errors first
                .withRestart(new RestartSettings(restart, probePorts));
        metrics.check(spec);
        SidecarSettings settings = checked.withTarget(Targets.ofCommand(options.target, command).orElseThrow(() ->
                new UpdaterException(ErrorCode.TARGET_UNKNOWN, "Cannot tell which file the host runs: the command "
                        + command + " has no -jar; give it with --target.")));
        UpdateHome updateHome = home.openOrCreate();
        SidecarLog log = logFormat.log(spec.commandLine().getOut());
        SelfRestart self = SelfRestart.forRun(settings.restart(), updateHome, log);
        boolean said = false;
        while (true) {
            SidecarLock lock = SidecarLock.acquire(updateHome);
            int code;
            try {
                if (!said) {
                    said = true;
                    log.event(LogEvent.info("supervising", "supervising " + command + " on " + updateHome.dir()
                            + " (apply=" + settings.policy() + ")", "command", String.join(" ", command), "home",
                            updateHome.dir(), "apply", settings.policy(), "restart", restart));
                }
                SupervisionLoop loop = SupervisionLoop.ofChild(updateHome, settings, command, self,
                        Clock.systemDefaultZone(), log);
                try (MetricsEndpoint endpoint = metrics.open(updateHome, settings, loop.counters(), loop.report(),
                        Clock.systemUTC(), log)) {
                    code = loop.run();
                }
            } finally {
                lock.close(); // before an exec too: the new sidecar takes it
            }
            if (!self.pending()) {
                return code;
            }
            if (!self.exec()) { // returns only when execve failed (go on: its recovery starts the host) or a stop came first
                return code;
            }
        }
    }

    static final class RestartModeConverter implements ITypeConverter<RestartRecord.Mode> {
        @Override
        public RestartRecord.Mode convert(String value) {
            try {
                return RestartRecord.Mode.of(value);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(e.getMessage());
            }
        }
    }

    static final class ProbePortsConverter implements ITypeConverter<ProbePorts> {
        @Override
        public ProbePorts convert(String value) {
            try {
                return ProbePorts.parse(value);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(e.getMessage());
            }
        }
    }
}
