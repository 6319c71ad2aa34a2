package dev.updater.agent;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/** Reads both nginx access logs and what the hosts saw; writes results.md and two SVG plots into WORKDIR/out. */
final class FleetReport {
    private FleetReport() {
    }

    /** One logged request: simulated minute, status, bytes each way on the wire (as nginx counts them), path. */
    record Hit(int minute, int status, long requestBytes, long responseBytes, String path, char server) {
    }

    static void write(Path work, FleetBench.Observed observed, int hosts, long factor, Duration length, long epochStartMillis)
            throws IOException {
        int minutes = (int) length.toMinutes();
        List<Hit> hits = new ArrayList<>();
        read(work.resolve("nginx-a/access.log"), 'A', factor, epochStartMillis, minutes, hits);
        read(work.resolve("nginx-b/access.log"), 'B', factor, epochStartMillis, minutes, hits);
        long[] all = new long[minutes];
        long[] polls304 = new long[minutes];
        long[] busy = new long[minutes];
        long[] manifests = new long[minutes];
        Map<Integer, long[]> byStatus = new TreeMap<>();
        long bytesIn304 = 0;
        long bytesOut304 = 0;
        long count304 = 0;
        long maxIn304 = 0;
        long maxOut304 = 0;
        for (Hit h : hits) {
            if (h.minute() < 0 || h.minute() >= minutes) {
                continue;
            }
            all[h.minute()]++;
            if (h.path().endsWith("/manifest.json")) {
                manifests[h.minute()]++;
            }
            byStatus.computeIfAbsent(h.status(), k -> new long[2])[0]++;
            byStatus.get(h.status())[1] += h.responseBytes();
            if (h.status() == 304) {
                polls304[h.minute()]++;
                count304++;
                bytesIn304 += h.requestBytes();
                bytesOut304 += h.responseBytes();
                maxIn304 = Math.max(maxIn304, h.requestBytes());
                maxOut304 = Math.max(maxOut304, h.responseBytes());
            } else if (h.status() == 429) {
                busy[h.minute()]++;
            }
        }
        int release = (int) FleetBench.RELEASE_AT.toMinutes();
        int interval = (int) FleetBench.INTERVAL.toMinutes();
        StringBuilder md = new StringBuilder();
        md.append(String.format(Locale.ROOT, "%d simulated hosts, %s simulated in %.0f s (clock %dx), interval %s ±10 %%;"
                        + " rates are per simulated second, bucketed per simulated minute.%n%n", hosts, human(length),
                length.toMillis() / (double) factor / 1000, factor, human(FleetBench.INTERVAL)));
        md.append("| window | mean req/s | peak req/s (1-min bucket) | peak/mean |\n|---|---|---|---|\n");
        // The first interval is the warm-up: every host's first check is a full fetch, and the JVM is cold.
        int from = 2 * interval;
        double steady = mean(all, from, release);
        row(md, "all requests, steady state (" + from + "–" + release + " min, no release)", all, from, release, steady);
        row(md, "all requests, release hour (" + release + "–" + (release + 60) + " min), against the steady mean", all, release, release + 60, steady);
        row(md, "all requests, " + from + " min to the end, against the steady mean", all, from, minutes, steady);
        double steadyPolls = mean(manifests, from, release);
        row(md, "manifest polls only, steady state", manifests, from, release, steadyPolls);
        row(md, "manifest polls only, release hour, against their steady mean", manifests, release, release + 60, steadyPolls);
        md.append(String.format(Locale.ROOT, "%nBytes on the wire per unchanged poll (nginx `$request_length` / `$bytes_sent`, HTTP/1.1,"
                        + " %d polls answered 304): request %.0f bytes (max %d), response %.0f bytes (max %d).%n%n",
                count304, count304 == 0 ? 0.0 : bytesIn304 / (double) count304, maxIn304,
                count304 == 0 ? 0.0 : bytesOut304 / (double) count304, maxOut304));
        md.append("| status | requests | bytes sent |\n|---|---|---|\n");
        byStatus.forEach((status, v) -> md.append("| ").append(status).append(" | ").append(v[0]).append(" | ").append(v[1]).append(" |\n"));
        long stuck = java.util.Arrays.stream(observed.stagedAtMinute).filter(m -> m < 0).count();
        long lastStaged = java.util.Arrays.stream(observed.stagedAtMinute).max().orElse(-1);
        md.append(String.format(Locale.ROOT, "%nHosts that staged 1.1.0: %d of %d (stuck: %d); the last at simulated minute %d"
                        + " (release at %d, nginx B stopped at %d).%n", hosts - stuck, hosts, stuck, lastStaged, release,
                FleetBench.MIRROR_DOWN_AT.toMinutes()));
        md.append(String.format(Locale.ROOT, "Retry-After: %d checks were answered with one (Retry-After %d s while nginx A"
                        + " answered 429, minutes %d–%d); checks started before the time given: %d.%n",
                observed.pushbacksObeyed.get(), FleetBench.RETRY_AFTER_SECONDS, FleetBench.BUSY_FROM.toMinutes(),
                FleetBench.BUSY_UNTIL.toMinutes(), observed.retryAfterViolations.get()));
        md.append("Failed checks by error: ").append(new TreeMap<>(observed.errors)).append(".\n");
        long totalChecks = 0;
        StringBuilder csv = new StringBuilder("minute,requests,unchanged_polls_304,answered_429,host_checks,hosts_staged_first\n");
        for (int m = 0; m < minutes; m++) {
            totalChecks += observed.checks.get(m);
            csv.append(m).append(',').append(all[m]).append(',').append(polls304[m]).append(',').append(busy[m]).append(',')
                    .append(observed.checks.get(m)).append(',').append(observed.stagedFirst.get(m)).append('\n');
        }
        md.append(String.format(Locale.ROOT, "Checks run by the hosts: %d; requests logged by nginx: %d. Checks that began more than"
                        + " a simulated minute late (the JVM behind the compressed clock): %d, the latest %.1f simulated s late.%n",
                totalChecks, hits.size(), observed.lateChecks.get(), observed.maxLateMillis.get() / 1000.0));
        Path out = Files.createDirectories(work.resolve("out"));
        Files.writeString(out.resolve("per-minute.csv"), csv);
        Files.writeString(out.resolve("results.md"), md);
        Files.writeString(out.resolve("requests.svg"), requestsSvg(all, polls304, busy, minutes));
        Files.writeString(out.resolve("versions.svg"), versionsSvg(observed, hosts, minutes));
        System.out.print(md);
    }

    static void read(Path log, char server, long factor, long epochStartMillis, int minutes, List<Hit> hits) throws IOException {
        if (!Files.exists(log)) {
            return;
        }
        for (String line : Files.readAllLines(log)) {
            String[] f = line.split(" ");
            if (f.length < 5) {
                continue;
            }
            double realMs = Double.parseDouble(f[0]) * 1000 - epochStartMillis;
            int minute = (int) Math.floor(realMs * factor / 60_000.0);
            hits.add(new Hit(minute, Integer.parseInt(f[1]), Long.parseLong(f[2]), Long.parseLong(f[3]), f[4], server));
        }
    }

    static double mean(long[] perMinute, int from, int to) {
        long sum = 0;
        for (int m = from; m < to && m < perMinute.length; m++) {
            sum += perMinute[m];
        }
        return sum / (double) (Math.min(to, perMinute.length) - from) / 60.0;
    }

    static void row(StringBuilder md, String label, long[] perMinute, int from, int to, double against) {
        long peak = 0;
        for (int m = from; m < to && m < perMinute.length; m++) {
            peak = Math.max(peak, perMinute[m]);
        }
        md.append(String.format(Locale.ROOT, "| %s | %.2f | %.2f | %.2f |%n", label, mean(perMinute, from, to), peak / 60.0,
                peak / 60.0 / against));
    }

    private static String requestsSvg(long[] all, long[] polls304, long[] busy, int minutes) {
        long max = 1;
        for (long v : all) {
            max = Math.max(max, v);
        }
        Svg svg = new Svg("Requests per simulated second (1-minute buckets), both nginx servers", minutes, max / 60.0, "req/s");
        svg.line(all, 60.0, "#1f77b4", "all requests");
        svg.line(polls304, 60.0, "#7f7f7f", "unchanged polls (304)");
        svg.line(busy, 60.0, "#d62728", "answered 429 (Retry-After)");
        events(svg);
        return svg.finish();
    }

    private static String versionsSvg(FleetBench.Observed observed, int hosts, int minutes) {
        long[] cumulative = new long[minutes];
        long sum = 0;
        for (int m = 0; m < minutes; m++) {
            sum += observed.stagedFirst.get(m);
            cumulative[m] = sum;
        }
        Svg svg = new Svg("Hosts that staged 1.1.0 (rollout.percent 100)", minutes, 100, "% of hosts");
        svg.line(cumulative, hosts / 100.0, "#2ca02c", "staged 1.1.0");
        events(svg);
        return svg.finish();
    }

    private static void events(Svg svg) {
        svg.marker(FleetBench.RELEASE_AT.toMinutes(), "release");
        svg.marker(FleetBench.MIRROR_DOWN_AT.toMinutes(), "nginx B stopped");
        svg.marker(FleetBench.BUSY_FROM.toMinutes(), "429 on");
        svg.marker(FleetBench.BUSY_UNTIL.toMinutes(), "429 off");
    }

    static String human(Duration d) {
        return d.toMinutes() % 60 == 0 ? d.toHours() + " h" : d.toMinutes() + " min";
    }

    /** A hand-written line chart: x in simulated minutes, y from 0 to a maximum. */
    static final class Svg {
        private static final int W = 900;
        private static final int H = 360;
        private static final int L = 60;
        private static final int B = 40;
        private final StringBuilder s = new StringBuilder();
        private final int minutes;
        private final double yMax;
        private int legend;

        Svg(String title, int minutes, double yMax, String yLabel) {
            this.minutes = minutes;
            this.yMax = yMax * 1.1;
            s.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" font-family=\"sans-serif\" font-size=\"12\">%n", W, H));
            s.append("<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n");
            s.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"18\" font-size=\"14\">%s</text>%n", L, title));
            s.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"black\"/>%n", L, H - B, W - 10, H - B));
            s.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"30\" x2=\"%d\" y2=\"%d\" stroke=\"black\"/>%n", L, L, H - B));
            for (int i = 0; i <= 4; i++) {
                double v = this.yMax * i / 4;
                s.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%.1f</text>%n", L - 4, y(v) + 4, v));
            }
            for (int m = 0; m <= minutes; m += 30) {
                s.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%d</text>%n", x(m), H - B + 16, m));
            }
            s.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">simulated minutes</text>%n", (W + L) / 2, H - 6));
            s.append(String.format(Locale.ROOT, "<text x=\"14\" y=\"%d\" transform=\"rotate(-90 14 %d)\" text-anchor=\"middle\">%s</text>%n", H / 2, H / 2, yLabel));
        }

        double x(double minute) {
            return L + (W - 10 - L) * minute / minutes;
        }

        double y(double v) {
            return H - B - (H - B - 30) * v / yMax;
        }

        void line(long[] values, double divisor, String colour, String label) {
            s.append("<polyline fill=\"none\" stroke=\"").append(colour).append("\" stroke-width=\"1.5\" points=\"");
            for (int m = 0; m < values.length; m++) {
                s.append(String.format(Locale.ROOT, "%.1f,%.1f ", x(m + 0.5), y(values[m] / divisor)));
            }
            s.append("\"/>\n");
            s.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"12\" height=\"3\" fill=\"%s\"/><text x=\"%d\" y=\"%d\">%s</text>%n",
                    W - 230, 36 + legend * 16, colour, W - 214, 40 + legend * 16, label));
            legend++;
        }

        void marker(long minute, String label) {
            s.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"30\" x2=\"%.1f\" y2=\"%d\" stroke=\"#999\" stroke-dasharray=\"4 3\"/>%n", x(minute), x(minute), H - B));
            s.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" font-size=\"10\" fill=\"#555\">%s</text>%n", x(minute) + 3, 42 + (int) (minute % 3) * 11, label));
        }

        String finish() {
            return s.append("</svg>\n").toString();
        }
    }
}
