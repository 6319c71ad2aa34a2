package dev.updater.sidecar.load;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * What a {@link LoadGenerator} run saw: every request, failures by reason, and latency percentiles
 * for the whole run or any time window (a cut-over against steady state). Times are
 * {@link System#nanoTime()} values of the JVM that ran the load.
 */
public final class LoadReport {
    private final long startedAt;
    private final long stoppedAt;
    private final List<Sample> samples;
    private final List<Mark> marks;

    LoadReport(long startedAt, long stoppedAt, List<Sample> samples, List<Mark> marks) {
        this.startedAt = startedAt;
        this.stoppedAt = stoppedAt;
        this.samples = samples.stream().sorted((a, b) -> Long.compare(a.scheduledAt(), b.scheduledAt())).toList();
        this.marks = List.copyOf(marks);
    }

    /** A moment named during the run ({@link LoadGenerator#mark}), such as "cut-over". */
    public record Mark(String name, long at) {
    }

    /**
     * The requests scheduled in {@code [from, to)}.
     *
     * @param maxStartLag how late the generator started a request at worst; far above a millisecond
     *                    means it fell behind its schedule and the rate was not held
     */
    public record Window(String name, long from, long to, int requests, int failed, Duration p50, Duration p99,
                         Duration maxStartLag) {
        public String line() {
            return String.format("%s requests=%d failed=%d p50_ms=%.2f p99_ms=%.2f max_start_lag_ms=%.2f", name,
                    requests, failed, millis(p50), millis(p99), millis(maxStartLag));
        }
    }

    public long startedAt() {
        return startedAt;
    }

    public long stoppedAt() {
        return stoppedAt;
    }

    public List<Sample> samples() {
        return samples;
    }

    public List<Mark> marks() {
        return marks;
    }

    public int requests() {
        return samples.size();
    }

    public List<Sample> failures() {
        return samples.stream().filter(Sample::failed).toList();
    }

    public long retried() {
        return samples.stream().filter(Sample::retried).count();
    }

    /** Failed requests by reason; reasons with none are left out. */
    public Map<FailureReason, Long> failuresByReason() {
        Map<FailureReason, Long> counts = new EnumMap<>(FailureReason.class);
        for (Sample s : samples) {
            if (s.failed()) {
                counts.merge(s.failure(), 1L, Long::sum);
            }
        }
        return counts;
    }

    /** Requests a second actually sent over the run. */
    public double achievedRate() {
        return samples.size() / Math.max(1e-9, (stoppedAt - startedAt) / 1e9);
    }

    public Window total() {
        return window("total", startedAt, stoppedAt + 1);
    }

    public Window window(String name, long from, long to) {
        List<Sample> in = samples.stream().filter(s -> s.scheduledAt() >= from && s.scheduledAt() < to).toList();
        long[] latencies = in.stream().mapToLong(Sample::latency).sorted().toArray();
        long maxLag = in.stream().mapToLong(Sample::startLag).max().orElse(0);
        int failed = (int) in.stream().filter(Sample::failed).count();
        return new Window(name, from, to, in.size(), failed, percentile(latencies, 0.50), percentile(latencies, 0.99),
                Duration.ofNanos(maxLag));
    }

    /** Windows of {@code length} from the start, for a timeline. */
    public List<Window> timeline(Duration length) {
        List<Window> windows = new ArrayList<>();
        long step = length.toNanos();
        for (long from = startedAt, i = 0; from < stoppedAt; from += step, i++) {
            windows.add(window("t+" + Duration.ofNanos(i * step).toMillis() + "ms", from, from + step));
        }
        return windows;
    }

    /** From each mark to the next (the last to the end of the run). */
    public List<Window> betweenMarks() {
        List<Window> windows = new ArrayList<>();
        for (int i = 0; i < marks.size(); i++) {
            long to = i + 1 < marks.size() ? marks.get(i + 1).at() : stoppedAt + 1;
            windows.add(window(marks.get(i).name(), marks.get(i).at(), to));
        }
        return windows;
    }

    /** One line a script can read: {@code RESULT requests=… failed=… retried=… refused=… … p50_ms=… p99_ms=…}. */
    public String resultLine() {
        StringBuilder line = new StringBuilder("RESULT requests=" + requests());
        line.append(" failed=").append(failures().size()).append(" retried=").append(retried());
        Map<FailureReason, Long> reasons = failuresByReason();
        for (FailureReason r : FailureReason.values()) {
            line.append(' ').append(r.name().toLowerCase(java.util.Locale.ROOT)).append('=')
                    .append(reasons.getOrDefault(r, 0L));
        }
        Window total = total();
        return line.append(String.format(" rate=%.1f p50_ms=%.2f p99_ms=%.2f max_start_lag_ms=%.2f", achievedRate(),
                millis(total.p50()), millis(total.p99()), millis(total.maxStartLag()))).toString();
    }

    static Duration percentile(long[] sorted, double p) {
        if (sorted.length == 0) {
            return Duration.ZERO;
        }
        int rank = (int) Math.ceil(p * sorted.length); // nearest rank
        return Duration.ofNanos(sorted[Math.max(0, Math.min(sorted.length, rank) - 1)]);
    }

    private static double millis(Duration d) {
        return d.toNanos() / 1e6;
    }

    @Override
    public String toString() {
        return resultLine() + (failures().isEmpty() ? "" : "\nfirst failures: "
                + Arrays.toString(failures().stream().limit(5).map(s -> s.failure() + " " + s.detail()).toArray()));
    }
}
