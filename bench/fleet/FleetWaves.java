package dev.updater.agent;

import dev.updater.core.manifest.ManifestWriter;
import dev.updater.core.manifest.Rollout;
import dev.updater.core.manifest.RolloutSchedule;
import dev.updater.core.policy.RolloutGate;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The waves scenario of the fleet simulation (bench/fleet/README.md, {@code SCENARIO=waves}), on the hosts
 * and clock {@link FleetBench} set up. Scenario times are simulated minutes:
 * <ol>
 *   <li>0–60: every host runs 1.0.0 and polls (steady state);</li>
 *   <li>60: 1.1.0 published with {@link #SCHEDULE_1}, signed once: the agents open each wave themselves from
 *       the signed release date ({@link RolloutGate}), nothing is re-published;</li>
 *   <li>180: 1.2.0 published with {@link #SCHEDULE_2};</li>
 *   <li>215, after its 10 % wave staged it: 1.2.0 halted, re-signed through {@link ManifestWriter#withHalted},
 *       the code path of {@code publish --halt} (ReleaseHalter), whose module the bench does not load;</li>
 *   <li>the end: how long each host took to see the halt, and whether the staged copies were dropped.</li>
 * </ol>
 * The schedule {@code 1%@0h,10%@6h,50%@24h,100%@48h} is compressed to waves 30 minutes (two poll
 * intervals) apart, so that 10,000 hosts run the whole thing in minutes on 2 cores; a host's behaviour in
 * a wave depends on the interval, not on how long the wave lasts.
 */
final class FleetWaves {
    static final Duration RELEASE_1 = Duration.ofMinutes(60);
    static final RolloutSchedule SCHEDULE_1 = RolloutSchedule.parse("1%@0h,10%@30m,50%@60m,100%@90m");
    static final Duration RELEASE_2 = Duration.ofMinutes(180);
    static final RolloutSchedule SCHEDULE_2 = RolloutSchedule.parse("1%@0h,10%@15m,50%@60m,100%@120m");
    static final Duration HALT_AT = Duration.ofMinutes(215);

    private final Path channel;
    private final KeyPair keys;
    private final byte[] artifact;
    private final URI manifestA;
    private final URI manifestB;
    private final FleetBench.SimClock clock;
    private final FleetBench.Observed observed;

    FleetWaves(Path channel, KeyPair keys, byte[] artifact, URI manifestA, URI manifestB, FleetBench.SimClock clock,
               FleetBench.Observed observed) {
        this.channel = channel;
        this.keys = keys;
        this.artifact = artifact;
        this.manifestA = manifestA;
        this.manifestB = manifestB;
        this.clock = clock;
        this.observed = observed;
    }

    void events() throws Exception {
        clock.sleepUntil(RELEASE_1);
        // percent is the first wave's share: what agents older than schedules read (Rollout's comment)
        FleetBench.publish(channel, keys, "1.1.0", artifact, manifestA, manifestB,
                new Rollout(SCHEDULE_1.steps().get(0).percent(), SCHEDULE_1, false, null), clock.instant());
        FleetBench.mark(null, "1.1.0 published, schedule " + text(SCHEDULE_1), clock);
        clock.sleepUntil(RELEASE_2);
        FleetBench.publish(channel, keys, "1.2.0", artifact, manifestA, manifestB,
                new Rollout(SCHEDULE_2.steps().get(0).percent(), SCHEDULE_2, false, null), clock.instant());
        FleetBench.mark(null, "1.2.0 published, schedule " + text(SCHEDULE_2), clock);
        clock.sleepUntil(HALT_AT);
        Path manifest = channel.resolve("manifest.json");
        FleetBench.writeSigned(channel, keys, ManifestWriter.withHalted(Files.readAllBytes(manifest), manifest.toString()));
        observed.haltAtMillis = clock.elapsed().toMillis();
        FleetBench.mark(null, "1.2.0 halted", clock);
    }

    private static String text(RolloutSchedule schedule) {
        return String.join(",", schedule.steps().stream().map(RolloutSchedule.Step::toString).toList());
    }

    /** Writes results-waves.md, requests-waves.svg, versions-waves.svg and per-minute-waves.csv into WORKDIR/out. */
    static void report(Path work, FleetBench.Observed observed, int hosts, long factor, Duration length, long epochStartMillis)
            throws IOException {
        int minutes = (int) length.toMinutes();
        List<FleetReport.Hit> hits = new ArrayList<>();
        FleetReport.read(work.resolve("nginx-a/access.log"), 'A', factor, epochStartMillis, minutes, hits);
        FleetReport.read(work.resolve("nginx-b/access.log"), 'B', factor, epochStartMillis, minutes, hits);
        long[] all = new long[minutes];
        long[] manifests = new long[minutes];
        long[] artifacts = new long[minutes];
        for (FleetReport.Hit h : hits) {
            if (h.minute() < 0 || h.minute() >= minutes) {
                continue;
            }
            all[h.minute()]++;
            if (h.path().endsWith("/manifest.json")) {
                manifests[h.minute()]++;
            } else if (h.path().endsWith("/app.jar")) {
                artifacts[h.minute()]++;
            }
        }
        int interval = (int) FleetBench.INTERVAL.toMinutes();
        int from = 2 * interval;
        int release = (int) RELEASE_1.toMinutes();
        StringBuilder md = new StringBuilder();
        md.append(String.format(Locale.ROOT, "%d simulated hosts, %s simulated in %.0f s (clock %dx), interval %s ±10 %%;"
                        + " rates are per simulated second, bucketed per simulated minute. 1.1.0 at %d min with %s;"
                        + " 1.2.0 at %d min with %s, halted at %d min.%n%n", hosts, FleetReport.human(length),
                length.toMillis() / (double) factor / 1000, factor, FleetReport.human(FleetBench.INTERVAL), release,
                text(SCHEDULE_1), RELEASE_2.toMinutes(), text(SCHEDULE_2), HALT_AT.toMinutes()));
        md.append("| window (simulated minutes) | mean req/s | peak req/s (1-min bucket) | peak/steady mean |\n|---|---|---|---|\n");
        double steady = FleetReport.mean(all, from, release);
        double steadyPolls = FleetReport.mean(manifests, from, release);
        FleetReport.row(md, "all requests, steady state (" + from + "–" + release + ", no release)", all, from, release, steady);
        for (Duration opens : opened()) {
            int m = (int) opens.toMinutes();
            FleetReport.row(md, "all requests, first interval after " + label(opens) + " (" + m + "–" + (m + interval) + ")",
                    all, m, m + interval, steady);
        }
        FleetReport.row(md, "all requests, " + from + " to the end", all, from, minutes, steady);
        FleetReport.row(md, "manifest polls only, " + from + " to the end", manifests, from, minutes, steadyPolls);
        FleetReport.row(md, "artifact downloads only, " + from + " to the end (against the steady mean of all)", artifacts, from,
                minutes, steady);

        long[] first = new long[minutes];
        long[] secondNet = new long[minutes];
        for (int i = 0; i < hosts; i++) {
            add(first, observed.stagedAtMinute[i], 1);
            add(secondNet, observed.secondStagedAtMinute[i], 1);
            add(secondNet, observed.secondDroppedAtMinute[i], -1);
        }
        cumulate(first);
        cumulate(secondNet);
        md.append("\n| release, wave | target share | hosts whose bucket is under it | staged, one interval + 1 min after"
                + " the wave opened | staged, just before the next wave | most staged while this wave was open |\n|---|---|---|---|---|---|\n");
        shares(md, "1.1.0", SCHEDULE_1, RELEASE_1, null, first, hosts, minutes);
        shares(md, "1.2.0", SCHEDULE_2, RELEASE_2, HALT_AT, secondNet, hosts, minutes);

        long halt = observed.haltAtMillis;
        long[] delays = Arrays.stream(observed.haltSeenAtMillis).filter(t -> t >= 0).map(t -> t - halt).sorted().toArray();
        long staged2 = Arrays.stream(observed.secondStagedAtMinute).filter(m -> m >= 0).count();
        long dropped = Arrays.stream(observed.secondDroppedAtMinute).filter(m -> m >= 0).count();
        long within = Arrays.stream(delays).filter(d -> d <= FleetBench.INTERVAL.toMillis()).count();
        long longest = FleetBench.INTERVAL.toMillis() * 11 / 10; // the interval with its +10 % jitter
        long withinLongest = Arrays.stream(delays).filter(d -> d <= longest).count();
        md.append(String.format(Locale.ROOT, "%nHalt (1.2.0 re-signed with rollout.halted at %.1f min): %d of %d hosts checked"
                        + " after it; time from the halt to the end of a host's first check after it: p50 %.1f min, p99 %.1f min,"
                        + " max %.1f min; within one interval (%d min): %d hosts (%.2f %%); within the longest jittered interval"
                        + " (%.1f min): %d hosts (%.2f %%).%n", halt / 60_000.0, delays.length,
                hosts, percentile(delays, 50), percentile(delays, 99), percentile(delays, 100), interval, within,
                100.0 * within / hosts, longest / 60_000.0, withinLongest, 100.0 * withinLongest / hosts));
        md.append(String.format(Locale.ROOT, "Hosts that had staged 1.2.0: %d; dropped the staged copy at their first check"
                        + " after the halt: %d; checks after the halt that staged 1.2.0: %d. Hosts that staged 1.1.0 and never"
                        + " 1.2.0 keep 1.1.0 staged (the stand-in for installed: the bench runs no sidecar).%n",
                staged2, dropped, observed.stagedAfterHalt.get()));
        md.append("Failed checks by error: ").append(new java.util.TreeMap<>(observed.errors)).append(".\n");
        long totalChecks = 0;
        StringBuilder csv = new StringBuilder("minute,requests,manifest_requests,artifact_requests,host_checks,hosts_on_1.1.0,hosts_staged_1.2.0\n");
        for (int m = 0; m < minutes; m++) {
            totalChecks += observed.checks.get(m);
            csv.append(m).append(',').append(all[m]).append(',').append(manifests[m]).append(',').append(artifacts[m]).append(',')
                    .append(observed.checks.get(m)).append(',').append(first[m]).append(',').append(secondNet[m]).append('\n');
        }
        md.append(String.format(Locale.ROOT, "Checks run by the hosts: %d; requests logged by nginx: %d. Checks that began more than"
                        + " a simulated minute late (the JVM behind the compressed clock): %d, the latest %.1f simulated s late.%n",
                totalChecks, hits.size(), observed.lateChecks.get(), observed.maxLateMillis.get() / 1000.0));
        Path out = Files.createDirectories(work.resolve("out"));
        Files.writeString(out.resolve("per-minute-waves.csv"), csv);
        Files.writeString(out.resolve("results-waves.md"), md);
        Files.writeString(out.resolve("requests-waves.svg"), requestsSvg(all, manifests, artifacts, minutes));
        Files.writeString(out.resolve("versions-waves.svg"), versionsSvg(first, secondNet, hosts, minutes));
        System.out.print(md);
    }

    /** The times a wave opens, both releases, and the halt. */
    private static List<Duration> opened() {
        List<Duration> times = new ArrayList<>();
        SCHEDULE_1.steps().forEach(s -> times.add(RELEASE_1.plus(s.at())));
        SCHEDULE_2.steps().stream().map(s -> RELEASE_2.plus(s.at())).filter(t -> t.compareTo(HALT_AT) < 0).forEach(times::add);
        times.add(HALT_AT);
        return times;
    }

    private static String label(Duration opens) {
        for (var s : SCHEDULE_1.steps()) {
            if (RELEASE_1.plus(s.at()).equals(opens)) {
                return "1.1.0 " + s;
            }
        }
        for (var s : SCHEDULE_2.steps()) {
            if (RELEASE_2.plus(s.at()).equals(opens)) {
                return "1.2.0 " + s;
            }
        }
        return "the halt";
    }

    /** One row per wave: the measured share of hosts against the target and against the sample of host ids. */
    private static void shares(StringBuilder md, String version, RolloutSchedule schedule, Duration release, Duration stop,
                               long[] staged, int hosts, int minutes) {
        List<RolloutSchedule.Step> steps = schedule.steps();
        int interval = (int) FleetBench.INTERVAL.toMinutes();
        for (int i = 0; i < steps.size(); i++) {
            int opens = (int) release.plus(steps.get(i).at()).toMinutes();
            int closes = i + 1 < steps.size() ? (int) release.plus(steps.get(i + 1).at()).toMinutes() : minutes;
            if (stop != null) {
                closes = Math.min(closes, (int) stop.toMinutes());
            }
            if (opens >= closes) {
                break;
            }
            double target = steps.get(i).percent();
            Rollout share = new Rollout(target);
            long sample = 0;
            for (int h = 0; h < hosts; h++) {
                if (RolloutGate.evaluate(share, null, Instant.EPOCH, RolloutGate.bucket("host-" + h, null))
                        instanceof RolloutGate.Offered) {
                    sample++;
                }
            }
            long most = 0;
            for (int m = opens; m < closes && m < minutes; m++) {
                most = Math.max(most, staged[m]);
            }
            int afterInterval = Math.min(opens + interval + 1, Math.min(closes, minutes) - 1);
            md.append(String.format(Locale.ROOT, "| %s %s | %.0f %% | %.2f %% | %.2f %% (min %d) | %.2f %% (min %d) | %.2f %% |%n",
                    version, steps.get(i), target, 100.0 * sample / hosts, 100.0 * staged[afterInterval] / hosts, afterInterval,
                    100.0 * staged[Math.min(closes, minutes) - 1] / hosts, Math.min(closes, minutes) - 1, 100.0 * most / hosts));
        }
    }

    private static double percentile(long[] sorted, int p) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        int index = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(index, sorted.length - 1))] / 60_000.0;
    }

    private static void add(long[] perMinute, long minute, long value) {
        if (minute >= 0) {
            perMinute[(int) Math.min(minute, perMinute.length - 1)] += value;
        }
    }

    private static void cumulate(long[] perMinute) {
        for (int m = 1; m < perMinute.length; m++) {
            perMinute[m] += perMinute[m - 1];
        }
    }

    private static String requestsSvg(long[] all, long[] manifests, long[] artifacts, int minutes) {
        long max = 1;
        for (long v : all) {
            max = Math.max(max, v);
        }
        FleetReport.Svg svg = new FleetReport.Svg("Requests per simulated second (1-minute buckets), rollout schedules and a halt",
                minutes, max / 60.0, "req/s");
        svg.line(all, 60.0, "#1f77b4", "all requests");
        svg.line(manifests, 60.0, "#7f7f7f", "manifest polls (304 or 200)");
        svg.line(artifacts, 60.0, "#2ca02c", "artifact downloads");
        markers(svg);
        return svg.finish();
    }

    private static String versionsSvg(long[] first, long[] secondNet, int hosts, int minutes) {
        FleetReport.Svg svg = new FleetReport.Svg("Hosts that staged each version, against the schedule's target share",
                minutes, 100, "% of hosts");
        svg.line(target(SCHEDULE_1, RELEASE_1, null, hosts, minutes), hosts / 100.0, "#98df8a", "1.1.0 target");
        svg.line(first, hosts / 100.0, "#2ca02c", "1.1.0 staged");
        svg.line(target(SCHEDULE_2, RELEASE_2, HALT_AT, hosts, minutes), hosts / 100.0, "#ff9896", "1.2.0 target (0 once halted)");
        svg.line(secondNet, hosts / 100.0, "#d62728", "1.2.0 staged (dropped on halt)");
        markers(svg);
        return svg.finish();
    }

    private static long[] target(RolloutSchedule schedule, Duration release, Duration halt, int hosts, int minutes) {
        long[] target = new long[minutes];
        for (int m = 0; m < minutes; m++) {
            Duration since = Duration.ofMinutes(m).minus(release);
            boolean halted = halt != null && m >= halt.toMinutes();
            target[m] = since.isNegative() || halted ? 0 : Math.round(schedule.percentAt(since) * hosts / 100);
        }
        return target;
    }

    private static void markers(FleetReport.Svg svg) {
        for (Duration opens : opened()) {
            svg.marker(opens.toMinutes(), label(opens));
        }
    }
}
