package dev.updater.sidecar.supervise;

import dev.updater.core.ErrorCode;
import dev.updater.core.UpdaterException;
import dev.updater.core.text.HumanUnits;
import dev.updater.sidecar.overlap.ListeningSockets;
import dev.updater.sidecar.overlap.OverlapGate;
import dev.updater.sidecar.overlap.OverlapSupport;
import dev.updater.sidecar.overlap.ProbeClient;
import dev.updater.sidecar.overlap.RecordedListeners;
import dev.updater.sidecar.overlap.Steering;

import dev.updater.core.home.AgentRecord;
import dev.updater.core.home.RestartRecord;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * One overlap update of {@code run} (DESIGN §5 "Overlap mode"): the old host A keeps serving while the
 * new host B starts on the same ports; B is gated alone, then takes every new connection, and A stops
 * gracefully once its queue is empty. A is never stopped before B passed: when B fails, B is stopped
 * and the steering removed, and A serves on as if nothing happened.
 */
final class OverlapRestart {
    /**
     * Requests to B's health URL from the probe ports after its gate, before any client reaches it: B's
     * first requests load and link its server's request path (tens of ms each on a cold JVM), which
     * clients would otherwise wait for right after the cut-over. Bounded in count and time.
     */
    static final int WARM_UP_REQUESTS = 50;
    private static final Duration WARM_UP_LIMIT = Duration.ofSeconds(1);

    /** Starts a host process; overlap starts B with it. */
    interface Launcher {
        ChildHost launch() throws UpdaterException;
    }

    private final ChildHost old;
    private final String version;
    private final Steering steering;
    private final ChildHost incoming;
    private final Set<String> shared;
    private final SidecarSettings settings;
    private final Consumer<String> log;

    private OverlapRestart(ChildHost old, String version, Steering steering, ChildHost incoming, SidecarSettings settings,
                           Consumer<String> log) {
        this.old = old;
        this.version = version;
        this.steering = steering;
        this.incoming = incoming;
        this.shared = ListeningSockets.labels(steering.sockets());
        this.settings = settings;
        this.log = log;
    }

    /**
     * Steps 2–3: takes A's sockets and attaches the probe program, then starts B beside A. A's own
     * agent record is asked first: a listener its bind hook saw bound without {@code SO_REUSEPORT} ends
     * overlap before any native call touches A.
     *
     * @param agent the home's {@code agent.json} as read now (A's, unless stale)
     * @throws UpdaterException {@code OVERLAP_UNAVAILABLE}: why this update must be a stop-start (nothing
     *     was changed: A runs as before); {@code HOST_START_FAILED} when B could not be started
     */
    static OverlapRestart begin(ChildHost old, Optional<AgentRecord> agent, String version, SidecarSettings settings,
                                Launcher launcher, Consumer<String> log) throws UpdaterException {
        RestartSettings restart = settings.restart();
        Optional<String> impossible = OverlapSupport.unavailable().or(() -> RecordedListeners.refusal(agent, old.pid()));
        if (impossible.isPresent()) { // not Linux first: there the record's objection would not be the reason
            throw new UpdaterException(ErrorCode.OVERLAP_UNAVAILABLE, impossible.get());
        }
        Steering steering = Steering.take(old.handle(), restart.probePorts());
        try {
            Set<String> shared = ListeningSockets.labels(steering.sockets());
            checkHealthUrl(settings.gate().healthUrl(), steering);
            steering.notice().ifPresent(log);
            if (steering.steers()) {
                log.accept("overlap: steering connections on " + String.join(", ", shared) + ": from probe ports "
                        + restart.probePorts() + " to the new host, all others to the running host (pid " + old.pid()
                        + ")" + (OverlapSupport.tcpMigrateReq() ? "; net.ipv4.tcp_migrate_req is on" : ""));
            }
            return new OverlapRestart(old, version, steering, launcher.launch(), settings, log);
        } catch (UpdaterException | RuntimeException e) {
            steering.release();
            throw e;
        }
    }

    ChildHost old() {
        return old;
    }

    /** The version B runs. */
    String version() {
        return version;
    }

    ChildHost incoming() {
        return incoming;
    }

    /** How connections are steered, for {@code restart.json}: {@code pidfd}, {@code sidecar-socket} or {@code off}. */
    RestartRecord.SteeringPath steering() {
        return steering.path();
    }

    /** Step 4: B's gate; the verdict's {@code otherPorts} says when B listens where A does not. */
    OverlapGate.Result gate(BooleanSupplier cancelled) throws InterruptedException {
        OverlapGate gate = new OverlapGate(settings.gate(), settings.restart().probePorts());
        log.accept("health gate (overlap, the new host alone): " + gate.terms(shared));
        return gate.await(incoming, shared, cancelled);
    }

    /**
     * Step 5: every new connection to B; A finishes its queue (bounded by the stop timeout), the
     * duplicates are closed (they would keep A's sockets in the groups), then A gets SIGTERM.
     */
    void handOver(BooleanSupplier cancelled) throws InterruptedException {
        if (steering.steers()) {
            cutOver(cancelled);
        }
        steering.close();
        log.accept("stopping the old host (pid " + old.pid() + ") gracefully: the new host serves");
        ChildHost.Stopped stopped = old.stop(settings.stopTimeout());
        if (!stopped.asAsked()) { // a stop that went as asked is not worth a line
            log.accept(stopped.killed() ? "the old host (pid " + old.pid() + ") did not exit within "
                    + HumanUnits.setting(settings.stopTimeout()) + " of SIGTERM; killed it"
                    : "the old host (pid " + old.pid() + ") exited with code " + stopped.exitCode() + " as it stopped");
        }
    }

    /** B warmed up, every new connection to B, then A's queue drained (bounded by the stop timeout). */
    private void cutOver(BooleanSupplier cancelled) throws InterruptedException {
        int warmUps = warmUp(cancelled);
        try {
            steering.cutOver();
            log.accept("overlap: cut over, every new connection on " + String.join(", ", shared)
                    + " goes to the new host (pid " + incoming.pid() + ")" + (warmUps == 0 ? ""
                    : ", warmed up by " + warmUps + " requests to " + settings.gate().healthUrl() + " first"));
        } catch (UpdaterException e) {
            log.accept("overlap: could not cut over (" + e.getMessage() + "); the old host's queued connections"
                    + " may be reset when it stops");
        }
        int queued = steering.awaitAcceptQueuesEmpty(settings.stopTimeout(), cancelled);
        if (queued != 0) {
            log.accept("overlap: the old host (pid " + old.pid() + ") still had " + (queued < 0 ? "an unknown number of"
                    : String.valueOf(queued)) + " connections queued after " + HumanUnits.setting(settings.stopTimeout())
                    + "; stopping it anyway" + (OverlapSupport.tcpMigrateReq()
                    ? " (net.ipv4.tcp_migrate_req moves them to the new host)" : ""));
        }
    }

    /** The number of 2xx answers B gave to the warm-up: it stops at the first other answer, or without a health URL. */
    private int warmUp(BooleanSupplier cancelled) {
        URI url = settings.gate().healthUrl();
        if (url == null) {
            return 0;
        }
        ProbeClient probe = new ProbeClient(settings.restart().probePorts());
        Instant deadline = Instant.now().plus(WARM_UP_LIMIT);
        int answered = 0;
        while (answered < WARM_UP_REQUESTS && !cancelled.getAsBoolean() && Instant.now().isBefore(deadline)
                && probe.get(url, WARM_UP_LIMIT).ok()) {
            answered++;
        }
        return answered;
    }

    /** B failed or cannot be judged: stops B, removes the steering; A serves on. */
    void abandon(String why) throws InterruptedException {
        if (incoming.isAlive()) {
            log.accept("stopping the new host (pid " + incoming.pid() + ") " + why + "; the old host (pid " + old.pid()
                    + ") kept serving");
            incoming.stop(settings.stopTimeout());
        } else {
            log.accept("the new host (pid " + incoming.pid() + ") " + incoming.describeExit() + "; the old host (pid "
                    + old.pid() + ") kept serving");
        }
        steering.release();
    }

    /** The health URL must reach one of A's ports, else the probe could not reach B through the shared port. */
    private static void checkHealthUrl(URI url, Steering steering) throws UpdaterException {
        if (url == null) {
            return;
        }
        int port = url.getPort() < 0 ? 80 : url.getPort();
        if (!"http".equals(url.getScheme())) {
            throw new UpdaterException(ErrorCode.OVERLAP_UNAVAILABLE, "the health URL " + url
                    + " is not plain http, which the probe client speaks");
        }
        if (steering.sockets().stream().noneMatch(s -> s.port() == port)) {
            throw new UpdaterException(ErrorCode.OVERLAP_UNAVAILABLE, "the health URL " + url
                    + " is on port " + port + ", where the running host does not listen, so the new host cannot be"
                    + " checked through the shared port");
        }
    }
}
