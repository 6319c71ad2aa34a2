package dev.updater.sidecar.demo;

import dev.updater.core.UpdaterException;
import dev.updater.sidecar.load.FailureReason;
import dev.updater.sidecar.load.LoadGenerator;
import dev.updater.sidecar.load.LoadReport;
import dev.updater.sidecar.load.LoadSettings;

import java.io.IOException;
import java.net.URI;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * What clients see during an update: the walkthrough sends requests at a fixed rate, half on new
 * and half on keep-alive connections ({@link LoadGenerator}), while an update runs, then tells how
 * many failed. A stop-start update fails every request while no JVM listens; overlap mode (issue 12)
 * fails none.
 */
final class UpdateUnderLoad {
    /** Requests a second: well within what the generator sustains on 2 busy cores (2000). */
    static final int RATE = 200;

    /** The update the load runs beside. */
    interface Update {
        void run() throws IOException, UpdaterException, InterruptedException;
    }

    private UpdateUnderLoad() {
    }

    /** Runs {@code update} under load on {@code url}; the load stops when the update is done or failed. */
    static LoadReport during(URI url, Update update) throws IOException, UpdaterException, InterruptedException {
        LoadGenerator load = LoadGenerator.start(LoadSettings.of(url, RATE));
        LoadReport report;
        try {
            update.run();
        } finally {
            report = load.stop();
        }
        return report;
    }

    /** {@code "stop-start update: 212 of 1043 requests failed (refused 212); p99 1077 ms"}. */
    static String summary(String mode, LoadReport report) {
        Map<FailureReason, Long> reasons = report.failuresByReason();
        String why = reasons.isEmpty() ? "" : reasons.entrySet().stream()
                .map(e -> e.getKey().name().toLowerCase(Locale.ROOT) + " " + e.getValue())
                .collect(Collectors.joining(", ", " (", ")"));
        return mode + " update: " + report.failures().size() + " of " + report.requests() + " requests failed" + why
                + "; p99 " + report.total().p99().toMillis() + " ms";
    }
}
