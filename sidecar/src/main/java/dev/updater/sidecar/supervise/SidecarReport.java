package dev.updater.sidecar.supervise;

import dev.updater.core.UpdaterException;
import dev.updater.core.home.SidecarRecord;
import dev.updater.core.home.UpdateHome;

import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * Keeps {@code sidecar.json} in line with what the running sidecar sees and the operator must fix (a
 * health gate the serving host fails, an agent that never reported, a release waiting for
 * {@code apply}), so that {@code status} shows it next to the log line that said it. Written only
 * when something changes. A record that cannot be written never stops the sidecar: it is said once.
 */
public final class SidecarReport {
    /** The serving host fails the health gate: nothing is installed until it passes. */
    static final String GATE_MISCONFIGURED = "gate-misconfigured";
    /** The host command's agent writes to another home than the sidecar's --home. */
    static final String AGENT_HOME_DIFFERS = "agent-home-differs";
    /** The host command has no updater agent. */
    static final String AGENT_MISSING = "agent-missing";
    /** No agent.json appeared within the grace period after the host started. */
    static final String NO_AGENT = "no-agent";

    private final UpdateHome home;
    private final Clock clock;
    private final Consumer<String> log;
    private final long pid = ProcessHandle.current().pid();
    private final Instant startedAt;
    private final SidecarRecord.Mode mode;
    private final String policy;
    private final Map<String, SidecarRecord.Problem> problems = new LinkedHashMap<>();
    private String waitingFor;
    private String metricsUrl;
    private boolean saidUnwritable;

    public SidecarReport(UpdateHome home, SidecarRecord.Mode mode, ApplyPolicy policy, Clock clock, Consumer<String> log) {
        this.home = home;
        this.clock = clock;
        this.log = log;
        this.startedAt = clock.instant();
        this.mode = mode;
        this.policy = policy.toString();
    }

    /** Written at start: a record left by an earlier sidecar says nothing about this one. */
    synchronized void start() {
        write();
    }

    /** Records {@code message} under {@code code}; true when it is new or changed (the caller logs it then). */
    synchronized boolean problem(String code, String message) {
        SidecarRecord.Problem before = problems.get(code);
        if (before != null && before.message().equals(message)) {
            return false;
        }
        problems.put(code, new SidecarRecord.Problem(code, message, before == null ? clock.instant() : before.since()));
        write();
        return true;
    }

    /** Removes the problem {@code code}; true when it was there. */
    synchronized boolean clear(String code) {
        if (problems.remove(code) == null) {
            return false;
        }
        write();
        return true;
    }

    synchronized boolean has(String code) {
        return problems.containsKey(code);
    }

    /** What an install waits for now ({@code apply: updater-sidecar apply --home …}), or null for nothing. */
    synchronized void waitingFor(String what) {
        if (!Objects.equals(waitingFor, what)) {
            waitingFor = what;
            write();
        }
    }

    /**
     * Where the metrics endpoint answers, or why the one asked for is not open (the problem
     * {@code metrics-unavailable}); both null when none was asked for.
     */
    public synchronized void metrics(String url, String problem) {
        metricsUrl = url;
        if (problem == null) {
            problems.remove(SidecarRecord.METRICS_UNAVAILABLE);
        } else {
            problems.put(SidecarRecord.METRICS_UNAVAILABLE, new SidecarRecord.Problem(SidecarRecord.METRICS_UNAVAILABLE,
                    problem, clock.instant()));
        }
        write();
    }

    private void write() {
        try {
            home.sidecarRecord().write(new SidecarRecord(pid, startedAt, mode, policy, waitingFor,
                    problems.values().stream().toList(), metricsUrl,
                    SidecarReport.class.getPackage().getImplementationVersion()));
        } catch (UpdaterException e) {
            if (!saidUnwritable) {
                saidUnwritable = true;
                log.accept("cannot write " + home.sidecarRecord() + " ('status' will not show what this sidecar"
                        + " sees): " + e.getMessage());
            }
        }
    }
}
