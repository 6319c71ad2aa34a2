package dev.updater.agent;

import dev.updater.agent.check.CheckResult;
import dev.updater.core.Sha256;
import dev.updater.core.UpdaterException;
import dev.updater.core.home.AgentRecord;
import dev.updater.core.home.UpdateHome;
import dev.updater.core.version.ReleaseVersion;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.time.Clock;
import java.time.Instant;
import java.util.List;

/**
 * What the agent knows about its host, shared by the agent thread, the shutdown hook and JMX, and
 * published as {@code agent.json}. All access is synchronized; writes are atomic files.
 */
final class AgentState {
    private static final Logger LOG = System.getLogger("updater");

    private final UpdateHome home;
    private final Clock clock;
    private final long pid;
    private final Instant startedAt;
    private final ReleaseVersion runningVersion;
    private final String versionSource;
    private final String target;
    private final Sha256 targetSha256;
    private final List<String> commandLine;
    private final String agentVersion;
    private final String hostId;

    private boolean ready;
    private Instant readyAt;
    private Instant lastCheckAt;
    private String lastCheckResult;
    private ReleaseVersion latestSeen;
    private ReleaseVersion staged;
    private String lastError;
    private boolean exiting;
    private String exitReason;
    private List<AgentRecord.Listener> listeners = List.of();
    private boolean stateHandoff;
    /** Orders whole publications: a snapshot is written before any later one (two threads publish). */
    private final Object publishing = new Object();

    AgentState(UpdateHome home, Clock clock, long pid, Instant startedAt, ReleaseVersion runningVersion,
               String versionSource, String target, Sha256 targetSha256, List<String> commandLine, String agentVersion,
               String hostId) {
        this.home = home;
        this.clock = clock;
        this.pid = pid;
        this.startedAt = startedAt;
        this.runningVersion = runningVersion;
        this.versionSource = versionSource;
        this.target = target;
        this.targetSha256 = targetSha256;
        this.commandLine = List.copyOf(commandLine);
        this.agentVersion = agentVersion;
        this.hostId = hostId;
    }

    private long checks;
    private long checkErrors;
    private long downloadedBytes;
    /** Kept in agent.json, so that a sidecar started later still knows when the channel last answered. */
    private Instant lastSuccessfulCheckAt;

    synchronized void checked(CheckResult result, long downloadedSoFar) {
        checks++;
        lastCheckAt = clock.instant();
        if (result.failed()) {
            checkErrors++;
        } else {
            lastSuccessfulCheckAt = lastCheckAt;
        }
        downloadedBytes = downloadedSoFar;
        lastCheckResult = result.summary();
        if (result.latestSeen() != null) {
            latestSeen = result.latestSeen();
        }
        staged = result.staged();
        lastError = result.failed() ? result.error().getMessage() : null;
    }

    synchronized void ready() {
        ready = true;
        readyAt = clock.instant();
    }

    /** The bind hook's current list of open listeners; the first one makes the host ready. */
    synchronized void listeners(List<AgentRecord.Listener> current) {
        listeners = List.copyOf(current);
        if (!listeners.isEmpty() && !ready) {
            ready();
        }
    }

    synchronized boolean isReady() {
        return ready;
    }

    synchronized void exiting(String reason) {
        exiting = true;
        exitReason = reason;
    }

    synchronized AgentRecord snapshot() {
        return new AgentRecord(pid, startedAt, runningVersion, versionSource, target, targetSha256, commandLine,
                agentVersion, hostId, ready, readyAt, lastCheckAt, lastCheckResult, latestSeen, lastError, exiting,
                exitReason, clock.instant(), listeners, checks, checkErrors, downloadedBytes, stateHandoff,
                lastSuccessfulCheckAt);
    }

    /** Whether the host has the hand-off MBean now; true when that changed (worth publishing). */
    synchronized boolean stateHandoff(boolean registered) {
        boolean changed = stateHandoff != registered;
        stateHandoff = registered;
        return changed;
    }

    synchronized ReleaseVersion staged() {
        return staged;
    }

    void publish() throws UpdaterException {
        synchronized (publishing) {
            home.agentRecord().write(snapshot());
        }
    }

    /** After start: a record that could not be written is retried at the next change, never fatal. */
    void publishQuietly() {
        try {
            publish();
        } catch (UpdaterException e) {
            LOG.log(Level.DEBUG, "could not write agent.json: " + e.getMessage());
        }
    }
}
