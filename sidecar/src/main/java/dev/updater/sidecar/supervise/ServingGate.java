package dev.updater.sidecar.supervise;

import dev.updater.core.home.AgentRecord;
import dev.updater.core.text.HumanUnits;
import dev.updater.core.home.UpdateHome;
import dev.updater.sidecar.log.LogEvent;
import dev.updater.sidecar.log.SidecarLog;
import dev.updater.sidecar.health.GateResult;
import dev.updater.sidecar.health.GateSettings;
import dev.updater.sidecar.health.HealthGate;
import dev.updater.sidecar.health.RunningHost;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The health gate checked against the host that serves now, before anything is installed. Threat: a
 * wrong {@code --health-url} (a typo'd port) fails every release's gate, then the rollback's, and a
 * sidecar that believed the gate would quarantine a good release and stop a healthy host: an outage
 * caused by the gate itself. A gate the serving version cannot pass is misconfigured, so while it
 * fails nothing is installed: said loudly once (naming {@code --health-url} and its URL), shown in
 * {@code status}, and checked again now and then, so that a host that was merely slow to get ready
 * lets updates resume.
 */
final class ServingGate {
    /** How often a failing gate is tried again while a release waits. */
    private static final Duration RECHECK_EVERY = Duration.ofSeconds(10);
    /** How long such a retry may take: the loop waits for it. */
    private static final Duration RECHECK_WITHIN = Duration.ofSeconds(2);

    private final UpdateHome home;
    private final GateSettings settings;
    private final HostMode mode;
    private final SidecarReport report;
    private final Clock clock;
    private final Consumer<String> log;
    private final Set<String> refusalsSaid = new HashSet<>();
    private boolean checkedAtStart;
    private String failure;
    private Instant lastCheck = Instant.MIN;

    ServingGate(UpdateHome home, GateSettings settings, HostMode mode, SidecarReport report, Clock clock,
                Consumer<String> log) {
        this.home = home;
        this.settings = settings;
        this.mode = mode;
        this.report = report;
        this.clock = clock;
        this.log = log;
    }

    /**
     * Once, as soon as a host serves: runs the gate against it, giving it {@code --health-timeout} to
     * answer. Without a health URL the gate asks only that a host stays alive, which no option can get
     * wrong.
     */
    void checkAtStart() throws InterruptedException {
        if (checkedAtStart || settings.healthUrl() == null) {
            return;
        }
        Optional<RunningHost> host = mode.servingHost();
        if (host.isEmpty()) {
            return;
        }
        checkedAtStart = true;
        check(host.get(), settings.timeout());
    }

    /**
     * True when {@code version} may be installed: the gate did not fail for the serving host, or passes
     * for it now. Otherwise says why once per release (the loop asks again every poll).
     */
    boolean allowsInstall(String version) throws InterruptedException {
        if (failure != null && !clock.instant().isBefore(lastCheck.plus(RECHECK_EVERY))) {
            Optional<RunningHost> host = mode.servingHost();
            if (host.isPresent()) {
                check(host.get(), RECHECK_WITHIN);
            }
            lastCheck = clock.instant();
        }
        if (failure == null) {
            return true;
        }
        if (refusalsSaid.add(version)) {
            SidecarLog.emit(log, LogEvent.warn("install-refused", "not installing " + version + ": " + failure,
                    "version", version));
        }
        return false;
    }

    /** Why nothing is installed now, or null. */
    String failure() {
        return failure;
    }

    /** A rollback's gate failed for the previous version, which runs: the same gate, shown misconfigured. */
    void failedForServing(RunningHost host, String reason) {
        fail(host, reason);
        lastCheck = clock.instant();
    }

    private void check(RunningHost host, Duration within) throws InterruptedException {
        if (failure == null) { // a retry while it fails is not said every 10 s
            SidecarLog.emit(log, LogEvent.info("gate-check", "checking the health gate against the serving host (pid "
                    + host.pid() + "): " + settings.healthUrl() + " answering 2xx within " + HumanUnits.setting(within),
                    "pid", host.pid(), "healthUrl", settings.healthUrl()));
        }
        GateResult result = new HealthGate(new GateSettings(settings.healthUrl(), Duration.ZERO, within),
                home.agentRecord()).await(new CheckedNow(host, clock.instant()), mode::stopping);
        lastCheck = clock.instant();
        if (result.passed()) {
            SidecarLog.emit(log, LogEvent.info("gate-passes", "the health gate passes for the serving host"
                    + (failure == null ? "" : " now") + " (pid " + host.pid() + "): " + settings.healthUrl()
                    + " answered 2xx" + (failure == null ? "" : "; updates resume"), "pid", host.pid()));
            failure = null;
            refusalsSaid.clear();
            report.clear(SidecarReport.GATE_MISCONFIGURED);
        } else if (result.verdict() == GateResult.Verdict.FAILED && host.isAlive() && failure == null) {
            fail(host, result.reason()); // a retry that fails again keeps the first sentence: said once
        }
        // a host that exited meanwhile says nothing about the gate; the loop sees the exit
    }

    private void fail(RunningHost host, String reason) {
        String sentence = "the health gate fails for the serving host (pid " + host.pid() + runningVersion(host)
                + "): " + reason + "; nothing is installed while it fails. A gate that the version serving now cannot"
                + " pass is misconfigured, not a bad release: check --health-url (now " + settings.healthUrl() + ")";
        if (!sentence.equals(failure)) {
            failure = sentence;
            refusalsSaid.clear();
            SidecarLog.emit(log, LogEvent.warn("gate-misconfigured", sentence, "pid", host.pid(),
                    "healthUrl", settings.healthUrl()));
        }
        report.problem(SidecarReport.GATE_MISCONFIGURED, sentence);
    }

    private String runningVersion(RunningHost host) {
        Optional<AgentRecord> record = home.agentRecord().readQuietly();
        return record.isPresent() && record.get().pid() == host.pid() && record.get().runningVersion() != null
                ? ", " + record.get().runningVersion() : "";
    }

    /** The serving host, judged from now: it has been up long enough, and gets {@code within} to answer. */
    private record CheckedNow(RunningHost host, Instant startedAt) implements RunningHost {
        @Override
        public long pid() {
            return host.pid();
        }

        @Override
        public boolean isAlive() {
            return host.isAlive();
        }

        @Override
        public String describeExit() {
            return host.describeExit();
        }

        @Override
        public String neverStarted() {
            return host.neverStarted();
        }
    }
}
