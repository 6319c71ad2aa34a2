package dev.updater.sidecar.cli;

import dev.updater.core.UpdaterException;
import dev.updater.sidecar.supervise.SidecarReport;
import dev.updater.core.home.UpdateHome;
import dev.updater.sidecar.metrics.MetricsAddress;
import dev.updater.sidecar.metrics.MetricsEndpoint;
import dev.updater.sidecar.supervise.HomeStatus;
import dev.updater.sidecar.supervise.SidecarSettings;
import dev.updater.sidecar.supervise.SupervisionCounters;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.TypeConversionException;

import java.net.InetAddress;
import java.time.Clock;
import java.util.function.Consumer;

/** {@code --metrics-port} and {@code --metrics-bind} of {@code run} and {@code watch}: the sidecar's HTTP endpoint. */
final class MetricsOptions {
    @Option(names = "--metrics-port", paramLabel = "PORT", converter = Port.class,
            description = "Serve /metrics (Prometheus text format), /status (what 'status --json' prints) and"
                    + " /healthz (the sidecar itself) on this TCP port. A port in use is logged and shown by 'status';"
                    + " the sidecar supervises on. Default: none (no endpoint). Example: --metrics-port 9400")
    Integer port;

    @Option(names = "--metrics-bind", paramLabel = "ADDR", defaultValue = MetricsAddress.DEFAULT_BIND,
            converter = Bind.class,
            description = "The address of this machine the endpoint listens on: 127.0.0.1 keeps it to this machine,"
                    + " 0.0.0.0 opens it to the network (a Kubernetes pod's, for Prometheus). Default: ${DEFAULT-VALUE}."
                    + " Example: --metrics-bind 0.0.0.0")
    InetAddress bind;

    /** A usage error (exit 2) for --metrics-bind without --metrics-port, before the home is touched. */
    void check(CommandSpec spec) {
        boolean bindGiven = spec.commandLine().getParseResult().hasMatchedOption("--metrics-bind");
        if (bindGiven && port == null) {
            throw new ParameterException(spec.commandLine(), "--metrics-bind needs --metrics-port: give the port to"
                    + " listen on, such as --metrics-port 9400");
        }
    }

    /**
     * Opens the endpoint when a port was given, and records in {@code sidecar.json} where it listens or why it
     * does not, for {@code status}. Never fails the sidecar: supervision matters more than its metrics.
     */
    MetricsEndpoint open(UpdateHome home, SidecarSettings settings, SupervisionCounters counters, SidecarReport report,
                         Clock clock, Consumer<String> log) {
        MetricsEndpoint endpoint = port == null ? MetricsEndpoint.none()
                : MetricsEndpoint.open(new MetricsAddress(bind, port), home, settings.policy(), counters::snapshot,
                        VersionProvider.version(), () -> StatusCommand.json(HomeStatus.read(home)) + "\n", clock, log);
        report.metrics(endpoint.metricsUrl().orElse(null), endpoint.problem().orElse(null));
        return endpoint;
    }

    static final class Port implements ITypeConverter<Integer> {
        @Override
        public Integer convert(String value) {
            int port;
            try {
                port = Integer.parseInt(value.strip());
            } catch (NumberFormatException e) {
                throw new TypeConversionException("'" + value + "' is not a TCP port; give 1 to 65535, such as 9400");
            }
            if (port < 1 || port > 65535) {
                throw new TypeConversionException(port + " is not a TCP port; give 1 to 65535, such as 9400");
            }
            return port;
        }
    }

    static final class Bind implements ITypeConverter<InetAddress> {
        @Override
        public InetAddress convert(String value) {
            try {
                return MetricsAddress.localAddress(value);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(e.getMessage());
            }
        }
    }
}
