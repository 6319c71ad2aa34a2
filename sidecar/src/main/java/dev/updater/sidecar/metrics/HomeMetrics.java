package dev.updater.sidecar.metrics;

import dev.updater.core.UpdaterException;
import dev.updater.core.home.History;
import dev.updater.core.home.AgentRecord;
import dev.updater.core.home.HistoryEvent;
import dev.updater.core.home.InstalledRelease;
import dev.updater.core.home.Quarantine;
import dev.updater.core.home.StagedRelease;
import dev.updater.core.home.SwapJournal;
import dev.updater.core.home.UpdateHome;
import dev.updater.sidecar.supervise.ApplyPolicy;
import dev.updater.sidecar.supervise.LockProbe;
import dev.updater.sidecar.supervise.SupervisionCounters;
import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.CounterSnapshot.CounterDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot.GaugeDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.InfoSnapshot;
import io.prometheus.metrics.model.snapshots.InfoSnapshot.InfoDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import io.prometheus.metrics.model.snapshots.Unit;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The sidecar's metrics (issue 18; each one is described in docs/operations.md), computed when
 * Prometheus scrapes: the home's records are read then, never copied into the supervision loop; only
 * what the loop alone knows comes from its {@link SupervisionCounters}. A record that is missing or
 * cannot be read leaves its metrics out rather than failing the scrape. The installed target is never
 * hashed here (a scrape every 15 s must cost the sidecar next to nothing): before the first install
 * {@code updater_installed_info} is absent.
 */
final class HomeMetrics implements MultiCollector {
    private static final List<String> WAIT_REASONS = List.of("approval", "window", "policy", "quarantined");

    private final UpdateHome home;
    private final ApplyPolicy policy;
    private final Supplier<SupervisionCounters.Snapshot> counters;
    private final String sidecarVersion;
    private final Clock clock;
    private final LastHealthy lastHealthy;
    /** agent.json keeps only the last check; the last one that succeeded is remembered from earlier scrapes. */
    private Instant lastSuccessfulCheck;

    HomeMetrics(UpdateHome home, ApplyPolicy policy, Supplier<SupervisionCounters.Snapshot> counters,
                String sidecarVersion, Clock clock) {
        this.home = home;
        this.policy = policy;
        this.counters = counters;
        this.sidecarVersion = sidecarVersion;
        this.clock = clock;
        this.lastHealthy = new LastHealthy(home.history());
    }

    @Override
    public synchronized MetricSnapshots collect() {
        List<MetricSnapshot> out = new ArrayList<>();
        out.add(info("updater_sidecar", "The updater sidecar's own version.", sidecarVersion));
        AgentRecord agent = home.agentRecord().readQuietly().orElse(null);
        host(out, agent);
        installed(out);
        check(out, agent);
        staged(out);
        updates(out);
        return new MetricSnapshots(out);
    }

    private void host(List<MetricSnapshot> out, AgentRecord agent) {
        LockProbe.Probe lock = LockProbe.probe(home.hostLock());
        boolean up = agent != null && lock.held() && !agent.exiting(); // as 'status' tells a running host
        out.add(gauge("updater_host_up", "1 while the host runs (it holds host.lock and is not exiting), else 0.",
                null, up ? 1 : 0));
        out.add(gauge("updater_host_ready", "1 once the running host was seen ready (its agent's readiness), else 0.",
                null, up && agent.ready() ? 1 : 0));
        if (up) {
            out.add(info("updater_running", "The version the running host runs, as its agent reports it.",
                    versionLabel(agent.runningVersion())));
        }
        out.add(counter("updater_host_restarts", "Hosts this sidecar started again, or saw started again after a swap,"
                + " since it started.", null, counters.get().hostRestarts()));
    }

    private void installed(List<MetricSnapshot> out) {
        InstalledRelease installed = home.installedRecord().readQuietly().orElse(null);
        if (installed != null) {
            out.add(info("updater_installed", "The version the sidecar last installed into the target.",
                    versionLabel(installed.version())));
        }
        Quarantine quarantine = home.quarantineList().readQuietly().orElse(Quarantine.NONE);
        long held = quarantine.versions().stream().filter(Quarantine.Entry::held).count();
        out.add(gauge("updater_quarantined_versions", "Versions that failed their health gate here and are never"
                + " installed again automatically.", null, quarantine.versions().size() - held));
        out.add(gauge("updater_held_back_versions", "Versions an operator rolled back from: never installed again"
                + " automatically until 'updater-sidecar allow'.", null, held));
    }

    private void check(List<MetricSnapshot> out, AgentRecord agent) {
        if (agent == null) {
            return;
        }
        // the running host's agent counts since that host started: a counter reset at each restart
        out.add(counter("updater_agent_checks", "Checks of the release channel by the running host's agent.", null,
                agent.checks()));
        out.add(counter("updater_agent_check_errors", "Checks of the running host's agent that failed (status shows"
                + " the last error).", null, agent.checkErrors()));
        out.add(counter("updater_agent_downloaded_bytes", "Bytes the running host's agent downloaded: whole releases,"
                + " or a delta's index and changed entries.", Unit.BYTES, agent.downloadedBytes()));
        if (agent.lastCheckAt() == null) {
            return;
        }
        boolean success = agent.lastError() == null;
        // the agent's record says it since the host started; an older agent does not, and this sidecar
        // then knows only the successes it saw at its scrapes
        Instant recorded = agent.lastSuccessfulCheckAt() != null ? agent.lastSuccessfulCheckAt()
                : success ? agent.lastCheckAt() : null;
        if (recorded != null && (lastSuccessfulCheck == null || recorded.isAfter(lastSuccessfulCheck))) {
            lastSuccessfulCheck = recorded;
        }
        out.add(gauge("updater_last_check_timestamp_seconds", "When the agent last checked the release channel.",
                Unit.SECONDS, seconds(agent.lastCheckAt())));
        out.add(gauge("updater_last_check_success", "1 when the agent's last check of the channel succeeded, 0 when"
                + " it failed (status shows the error).", null, success ? 1 : 0));
        if (lastSuccessfulCheck != null) {
            out.add(gauge("updater_last_successful_check_timestamp_seconds", "When the channel last answered a check"
                    + " of the running host's agent (or, for an agent older than this sidecar, one this sidecar saw).",
                    Unit.SECONDS, seconds(lastSuccessfulCheck)));
        }
    }

    private void staged(List<MetricSnapshot> out) {
        StagedRelease staged = home.stagedRecord().readQuietly().orElse(null);
        String waits = staged == null ? null : waitReason(staged);
        GaugeSnapshot.Builder waiting = GaugeSnapshot.builder().name("updater_staged_release_waiting")
                .help("1 for the reason the staged release is not installed yet, else 0: approval (it waits for an"
                        + " operator's apply), window (the apply window is closed), policy (on-exit: the host has not"
                        + " exited yet), quarantined (it failed its gate here before).");
        for (String reason : WAIT_REASONS) {
            waiting.dataPoint(GaugeDataPointSnapshot.builder().labels(Labels.of("reason", reason))
                    .value(reason.equals(waits) ? 1 : 0).build());
        }
        out.add(waiting.build());
        if (staged == null) {
            return;
        }
        out.add(info("updater_staged_release", "The verified release staged by the agent, waiting to be installed.",
                versionLabel(staged.version())));
        out.add(gauge("updater_staged_release_bytes", "The size of the staged release the agent downloaded.",
                Unit.BYTES, staged.size()));
        if (staged.stagedAt() != null) {
            out.add(gauge("updater_staged_release_timestamp_seconds", "When the release was staged.", Unit.SECONDS,
                    seconds(staged.stagedAt())));
        }
    }

    /** The sidecar's own reading of why it does not install now; null when it installs as soon as it can. */
    private String waitReason(StagedRelease staged) {
        if (staged.needsApproval() || policy.kind() == ApplyPolicy.Kind.MANUAL) {
            return "approval";
        }
        if (staged.version() != null && home.quarantineList().readQuietly().orElse(Quarantine.NONE)
                .contains(staged.version())) {
            return "quarantined";
        }
        if (policy.kind() == ApplyPolicy.Kind.WINDOW && !policy.installsWhileRunning(LocalTime.now(clock))) {
            return "window";
        }
        return policy.kind() == ApplyPolicy.Kind.ON_EXIT ? "policy" : null;
    }

    private void updates(List<MetricSnapshot> out) {
        SupervisionCounters.Snapshot loop = counters.get();
        CounterSnapshot.Builder updates = CounterSnapshot.builder().name("updater_updates")
                .help("Swap transactions this sidecar ended, by result: committed, rolled_back (a failed gate or an"
                        + " operator's rollback), failed.");
        for (SupervisionCounters.Result r : SupervisionCounters.Result.values()) {
            updates.dataPoint(CounterDataPointSnapshot.builder().labels(Labels.of("result", r.label()))
                    .value(loop.updates().getOrDefault(r, 0L)).build());
        }
        out.add(updates.build());
        lastHealthy.at().ifPresent(at -> out.add(gauge("updater_last_update_timestamp_seconds", "When a version last"
                + " passed its health gate and stayed (history.jsonl).", Unit.SECONDS, seconds(at))));
        SwapJournal journal = home.swapJournal().readQuietly().orElse(null);
        if (journal != null && journal.state().isFinished()) {
            out.add(gauge("updater_last_swap_duration_seconds", "How long the last finished swap transaction took,"
                    + " from its journal's start to its end.", Unit.SECONDS,
                    Duration.between(journal.startedAt(), journal.updatedAt()).toMillis() / 1000.0));
        }
        loop.lastGate().ifPresent(gate -> out.add(gauge("updater_last_gate_duration_seconds", "How long the last new"
                + " version that passed its health gate took, from its start to the verdict.", Unit.SECONDS,
                gate.toMillis() / 1000.0)));
    }

    private static String versionLabel(Object version) {
        return version == null ? "unknown" : version.toString();
    }

    private static double seconds(Instant at) {
        return at.toEpochMilli() / 1000.0;
    }

    private static InfoSnapshot info(String name, String help, String version) {
        return InfoSnapshot.builder().name(name).help(help)
                .dataPoint(InfoDataPointSnapshot.builder().labels(Labels.of("version", version)).build()).build();
    }

    private static GaugeSnapshot gauge(String name, String help, Unit unit, double value) {
        GaugeSnapshot.Builder b = GaugeSnapshot.builder().name(name).help(help)
                .dataPoint(GaugeDataPointSnapshot.builder().value(value).build());
        if (unit != null) {
            b.unit(unit);
        }
        return b.build();
    }

    private static CounterSnapshot counter(String name, String help, Unit unit, double value) {
        CounterSnapshot.Builder b = CounterSnapshot.builder().name(name).help(help)
                .dataPoint(CounterDataPointSnapshot.builder().value(value).build());
        if (unit != null) {
            b.unit(unit);
        }
        return b.build();
    }

    /** The time of the last {@code healthy} event; history.jsonl is read again only when it changed. */
    private static final class LastHealthy {
        private final History history;
        private long readSize = -1;
        private long readModified;
        private Instant at;

        LastHealthy(History history) {
            this.history = history;
        }

        Optional<Instant> at() {
            try {
                BasicFileAttributes a = Files.readAttributes(history.path(),
                        BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
                if (a.size() != readSize || a.lastModifiedTime().toMillis() != readModified) {
                    Instant found = null;
                    for (HistoryEvent e : history.read()) {
                        if (e.event() == HistoryEvent.Kind.HEALTHY && e.at() != null) {
                            found = e.at();
                        }
                    }
                    at = found;
                    readSize = a.size();
                    readModified = a.lastModifiedTime().toMillis();
                }
            } catch (IOException | UpdaterException e) {
                // no history yet, or unreadable now: the last answer stands
            }
            return Optional.ofNullable(at);
        }
    }
}
