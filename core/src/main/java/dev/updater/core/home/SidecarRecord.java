package dev.updater.core.home;

import java.time.Instant;

/**
 * {@code sidecar.json}: the running sidecar ({@code run} or {@code watch}) as it describes itself to
 * {@code status}: its pid, when it started and its metrics endpoint. Written once at start, after the
 * endpoint was opened or refused; a record whose pid does not hold {@code sidecar.lock} is stale.
 *
 * @param pid the sidecar's process id
 * @param startedAt when the sidecar started
 * @param metricsUrl where {@code /metrics} answers ({@code http://127.0.0.1:9400/metrics}), or null when it does not
 * @param metricsProblem why the endpoint asked for with {@code --metrics-port} is not open (the port is in use), or null
 */
public record SidecarRecord(long pid, Instant startedAt, String metricsUrl, String metricsProblem) {
}
