package dev.updater.sidecar.cli;

import dev.updater.sidecar.health.GateSettings;
import dev.updater.sidecar.supervise.ApplyPolicy;
import dev.updater.sidecar.supervise.RestartSettings;
import dev.updater.sidecar.supervise.SidecarSettings;
import dev.updater.sidecar.supervise.Targets;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.TypeConversionException;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;

/** The options of {@code run} and {@code watch}: when to install, how to judge the new host, how to stop the old. */
final class SupervisionOptions {
    @Option(names = "--apply", paramLabel = "POLICY", defaultValue = "on-exit", converter = PolicyConverter.class,
            description = "When to install a staged release: on-exit (whenever the host exits), immediate (stop the"
                    + " host as soon as one is staged), window=HH:MM-HH:MM (immediate, inside that window of host"
                    + " local time), manual (only after 'apply'; the sidecar says once per release which command installs it, and"
                    + " 'status' shows it). Before installing a release that waited (any policy but immediate,"
                    + " and every 'apply'), the sidecar asks its channel, for at most 5s, whether it was halted"
                    + " meanwhile. Default: ${DEFAULT-VALUE}."
                    + " Example: --apply window=02:00-04:00")
    ApplyPolicy policy;

    @Option(names = "--health-url", paramLabel = "URL", converter = Converters.HttpUrl.class,
            description = "An HTTP URL the new host must answer with 2xx to pass its health gate. It is checked"
                    + " against the serving host at start: while that fails, nothing is installed (a gate the running"
                    + " version cannot pass is misconfigured, not a bad release). Default: none (uptime and the"
                    + " agent's readiness decide). Example: --health-url http://127.0.0.1:8080/health")
    URI healthUrl;

    @Option(names = "--health-timeout", paramLabel = "DURATION", defaultValue = "60s",
            converter = Converters.PositiveSpan.class,
            description = "How long after its start a new host has to pass its health gate, else it is rolled back."
                    + " Default: ${DEFAULT-VALUE}. Example: --health-timeout 2m")
    Duration healthTimeout;

    @Option(names = "--min-uptime", paramLabel = "DURATION", defaultValue = "10s", converter = Converters.Span.class,
            description = "How long a new host must stay alive to pass its health gate. Default: ${DEFAULT-VALUE}."
                    + " Example: --min-uptime 30s")
    Duration minUptime;

    @Option(names = "--stop-timeout", paramLabel = "DURATION", defaultValue = "30s", converter = Converters.Span.class,
            description = "How long a host gets to exit after being asked (SIGTERM, or its agent), before it is"
                    + " killed. Default: ${DEFAULT-VALUE}. Example: --stop-timeout 10s")
    Duration stopTimeout;

    @Option(names = "--save-timeout", paramLabel = "DURATION", defaultValue = "10s", converter = Converters.Span.class,
            description = "How long a host's state hand-off save() may take before the update goes on without its"
                    + " state (docs/state-handoff.md; the agent allows at most 1m). Hosts without the hand-off MBean"
                    + " are never asked. Default: ${DEFAULT-VALUE}. Example: --save-timeout 3s")
    Duration saveTimeout;

    @Option(names = "--keep-backups", paramLabel = "N", defaultValue = "2", converter = Converters.BackupCount.class,
            description = "How many replaced artifacts to keep in HOME/backup for rollback, at least 1. Default:"
                    + " ${DEFAULT-VALUE}."
                    + " Example: --keep-backups 3")
    int keepBackups;

    @Option(names = "--target", paramLabel = "PATH",
            description = "The file the host runs and updates replace. Default: for run, the host command's -jar;"
                    + " for watch, the target of the sidecar's last install (HOME/installed.json). Never taken from"
                    + " the host's agent.json, which must name the same file. Example: --target /opt/app/app.jar")
    Path target;

    /**
     * The settings, with {@code target} as the sidecar's target (null: run takes the host command's -jar).
     * Each value was checked as it was parsed; what is left is how they combine.
     */
    SidecarSettings settings(CommandSpec spec, Duration restartTimeout, Targets.Target target) {
        GateSettings gate;
        try {
            gate = new GateSettings(healthUrl, minUptime, healthTimeout);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
        return new SidecarSettings(policy, gate, stopTimeout, keepBackups, target, restartTimeout,
                RestartSettings.STOP_START, saveTimeout);
    }

    static final class PolicyConverter implements ITypeConverter<ApplyPolicy> {
        @Override
        public ApplyPolicy convert(String value) {
            try {
                return ApplyPolicy.parse(value);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(e.getMessage());
            }
        }
    }
}
