package dev.updater.agent;

import dev.updater.core.UpdaterException;
import dev.updater.core.home.AgentRecord;
import dev.updater.core.home.ExitRequest;
import dev.updater.core.home.UpdateHome;
import dev.updater.core.text.Printable;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.util.Optional;

/**
 * The host's exit as the agent handles it: the sidecar's request to exit (container mode), obeyed
 * only when it names this host, and the shutdown hook that tells the sidecar the host is going.
 */
final class HostExit {
    private static final Logger LOG = System.getLogger("updater");

    private final UpdateHome home;
    private final AgentState state;
    /** {@code System.exit(0)} in the host, so that its shutdown hooks run. */
    private final Runnable exitHost;

    HostExit(UpdateHome home, AgentState state, Runnable exitHost) {
        this.home = home;
        this.state = state;
        this.exitHost = exitHost;
    }

    /**
     * The sidecar's request to exit gracefully (container mode): System.exit runs the host's shutdown
     * hooks. A request that does not name this host's pid and start time is stale (its host is gone:
     * this one holds host.lock) and is removed, not obeyed.
     */
    void obeyRequest() {
        Optional<ExitRequest> request;
        try {
            request = home.exitRequest().take(); // a malformed request names no host: it is removed and not obeyed
        } catch (UpdaterException e) {
            LOG.log(Level.DEBUG, "could not read the exit request: " + e.getMessage());
            return;
        }
        if (request.isEmpty()) {
            return;
        }
        AgentRecord self = state.snapshot();
        if (!request.get().isFor(self.pid(), self.startedAt())) {
            LOG.log(Level.INFO, "ignored and removed an exit request for another host (" + request.get().describeHost()
                    + "); this host is pid " + self.pid() + " started at " + self.startedAt());
            return;
        }
        String reason = "the updater sidecar asked the host to exit"
                + (request.get().reason() == null ? "" : " (" + Printable.of(request.get().reason()) + ")");
        LOG.log(Level.INFO, reason + "; exiting with status 0 so that the host's shutdown hooks run.");
        state.exiting(reason);
        state.publishQuietly();
        exitHost.run();
    }

    /** Shutdown hook: a few milliseconds to tell the sidecar the host is going, then out of the way. */
    void onShutdown() {
        if (!state.snapshot().exiting()) {
            state.exiting("host shutdown");
        }
        state.publishQuietly();
    }
}
