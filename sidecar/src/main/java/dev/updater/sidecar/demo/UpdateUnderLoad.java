package dev.updater.sidecar.demo;

import dev.updater.core.UpdaterException;
import dev.updater.sidecar.load.FailureReason;
import dev.updater.sidecar.load.LoadGenerator;
import dev.updater.sidecar.load.LoadReport;
import dev.updater.sidecar.load.LoadSettings;
import dev.updater.sidecar.load.Sample;

import java.io.IOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
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

    /**
     * Runs {@code update} under the same load on each of {@code urls} (one service, or it and its twin
     * under overlap mode); the loads stop when the update is done or failed. Reports in the order of {@code urls}.
     */
    static List<LoadReport> during(List<URI> urls, Update update) throws IOException, UpdaterException,
            InterruptedException {
        List<LoadGenerator> loads = new ArrayList<>();
        List<LoadReport> reports = new ArrayList<>();
        try {
            for (URI url : urls) {
                loads.add(LoadGenerator.start(LoadSettings.of(url, RATE)));
            }
            update.run();
        } finally {
            for (LoadGenerator load : loads) {
                reports.add(load.stop());
            }
        }
        return reports;
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

    /**
     * The first failed request, for a reader who expected none:
     * {@code "first failed request: 5.2 s into the load, a new connection: reset (Connection reset)"}.
     */
    static Optional<String> firstFailure(LoadReport report) {
        return report.failures().stream().min(Comparator.comparingLong(Sample::scheduledAt)).map(s ->
                String.format(Locale.ROOT, "first failed request: %.1f s into the load, %s: %s (%s)",
                        (s.scheduledAt() - report.startedAt()) / 1e9,
                        s.keepAlive() ? (s.retried() ? "a kept-alive connection, retried on a new one" : "a kept-alive connection")
                                : "a new connection",
                        s.failure().name().toLowerCase(Locale.ROOT), s.detail()));
    }
}
