package dev.updater.agent;

import dev.updater.agent.check.CheckResult;
import dev.updater.agent.check.UpdateCheck;
import dev.updater.agent.config.AgentConfig;
import dev.updater.agent.host.HostHome;
import dev.updater.agent.host.HostLock;
import dev.updater.agent.host.HostProcess;
import dev.updater.agent.host.ListeningSocketProbe;
import dev.updater.agent.host.RunningVersion;
import dev.updater.agent.jmx.AgentMBeans;
import dev.updater.agent.jmx.UpdaterAgentMXBean;
import dev.updater.core.ErrorCode;
import dev.updater.core.Sha256;
import dev.updater.core.UpdaterException;
import dev.updater.core.check.ReleaseCheck;
import dev.updater.core.download.DownloadOptions;
import dev.updater.core.download.Downloader;
import dev.updater.core.download.ManifestFetcher;
import dev.updater.core.home.AgentRecord;
import dev.updater.core.home.ChannelSettings;
import dev.updater.core.home.ExitRequest;
import dev.updater.core.home.HomeFiles;
import dev.updater.core.home.HomeRecordFile;
import dev.updater.core.home.JsonRecords;
import dev.updater.core.home.UpdateHome;
import dev.updater.core.platform.Platform;
import dev.updater.core.policy.PolicyOptions;
import dev.updater.core.signature.Ed25519Keys;
import dev.updater.core.signature.TrustedKey;
import dev.updater.core.text.Printable;

import java.io.IOException;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.Signature;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The agent inside one host: set up once ({@link #start}), then {@link #runLoop} until the host
 * exits. The loop wakes every half second to notice readiness and exit requests, and checks the
 * channel at the jittered interval, backing off after errors.
 */
final class Agent implements UpdaterAgentMXBean {
    private static final Logger LOG = System.getLogger("updater");
    private static final Duration TICK = Duration.ofMillis(500);
    /** How long readiness is probed at every tick; after that, every 10 s until the host listens. */
    private static final Duration READINESS_WATCH = Duration.ofMinutes(2);

    private final AgentConfig config;
    private final UpdateHome home;
    private final AgentState state;
    private final UpdateCheck check;
    private final String runningVersion;
    private final Clock clock = Clock.systemUTC();
    @SuppressWarnings("unused") // held, not read: releasing it tells the sidecar the host exited
    private final HostLock hostLock;
    private final Object wakeUp = new Object();
    private boolean checkRequested;
    private String lastErrorLogged;

    private Agent(AgentConfig config, UpdateHome home, AgentState state, UpdateCheck check, String runningVersion,
                  HostLock hostLock) {
        this.config = config;
        this.home = home;
        this.state = state;
        this.check = check;
        this.runningVersion = runningVersion;
        this.hostLock = hostLock;
    }

    /** Steps, in order; any failure disables updating with one clear log line, never the host. */
    static Agent start(AgentConfig config, String agentVersion) throws UpdaterException {
        requireRuntimeSupport();
        HostProcess host = HostProcess.current();
        Path target = locateTarget(config, host);
        UpdateHome home = new UpdateHome(config.home() != null ? config.home() : target.getParent().resolve(".updater"));
        HostHome.prepare(home, target);
        HostLock lock = HostLock.acquire(home.hostLock(), () -> describeHolder(home));
        // A host that dies at once must still leave a trace for the sidecar: a first agent.json is
        // written before Jackson loads (it costs hundreds of milliseconds).
        Optional<HomeRecordFile.Unparsed<AgentRecord>> previousRecord = home.agentRecord().readUnparsed();
        Sha256 targetSha256 = hashOrNull(target);
        AgentRecord.writeEarly(home.agentRecord(), host.pid(), host.startedAt(), target.toString(), targetSha256,
                Instant.now());

        Optional<AgentRecord> previous = parsePrevious(previousRecord, home);
        RunningVersion.Found running = RunningVersion.find(config.version(), target, home);
        if (previous.isPresent() && previous.get().runningVersion() != null
                && !previous.get().runningVersion().equals(running.version())) {
            LOG.log(Level.INFO, "updated from " + previous.get().runningVersion() + " to " + running.version());
        }
        String hostId = config.hostId() != null ? config.hostId() : hostId(home);
        List<TrustedKey> keys = trustedKeys(config);

        AgentState state = new AgentState(home, Clock.systemUTC(), host.pid(), host.startedAt(),
                running.version(), running.source(), target.toString(), targetSha256,
                host.commandLine(), agentVersion, hostId);
        state.publish();
        home.channelRecord().write(new ChannelSettings(config.manifest().toString(),
                keys.stream().map(TrustedKey::text).toList(), hostId, config.allowPrerelease(), config.allowBreaking(),
                config.insecureAllowHttp(), config.insecureAllowUnsigned(), Instant.now()));

        DownloadOptions options = DownloadOptions.defaults().withAllowInsecureHttp(config.insecureAllowHttp());
        UpdateCheck check = new UpdateCheck(new ReleaseCheck.Settings(config.manifest(), keys,
                config.insecureAllowUnsigned(), running.version(), hostId,
                new PolicyOptions(config.allowPrerelease(), config.allowBreaking()), Platform.current()),
                home, new ManifestFetcher(options), new Downloader(options), Clock.systemUTC());
        Agent agent = new Agent(config, home, state, check, running.version().toString(), lock);
        Runtime.getRuntime().addShutdownHook(new Thread(agent::onHostExit, "updater-agent-exit"));
        AgentMBeans.register(agent);
        LOG.log(Level.INFO, "updater agent watching " + config.manifest() + " for " + target.getFileName() + " "
                + running.version() + " (home " + home.dir() + ")");
        return agent;
    }

    void runLoop() throws InterruptedException {
        boolean probeReadiness = ListeningSocketProbe.isSupported();
        Instant loopStarted = clock.instant();
        Instant nextProbe = loopStarted;
        Instant nextCheck = clock.instant().plus(jitter(config.initialDelay()));
        Backoff backoff = new Backoff(config.interval());
        while (true) {
            handleExitRequest();
            if (probeReadiness && !state.isReady() && !clock.instant().isBefore(nextProbe)) {
                if (ListeningSocketProbe.isListening()) {
                    state.ready();
                    publishQuietly();
                }
                // Every tick while a host starts; a host that never listens is then looked at rarely.
                boolean starting = Duration.between(loopStarted, clock.instant()).compareTo(READINESS_WATCH) < 0;
                nextProbe = clock.instant().plus(starting ? TICK : Duration.ofSeconds(10));
            }
            if (takeCheckRequest() || !clock.instant().isBefore(nextCheck)) {
                CheckResult result = check.run();
                state.checked(result);
                publishQuietly();
                logOutcome(result);
                if (result.failed()) {
                    nextCheck = clock.instant().plus(backoff.failed());
                } else {
                    nextCheck = clock.instant().plus(jitter(config.interval()));
                    backoff.succeeded();
                }
            }
            long waitMs = Math.max(1, Math.min(TICK.toMillis(), Duration.between(clock.instant(), nextCheck).toMillis()));
            synchronized (wakeUp) {
                if (!checkRequested) {
                    wakeUp.wait(waitMs);
                }
            }
        }
    }

    /** One log line per distinct error, and one when it clears; not one per poll. */
    private void logOutcome(CheckResult result) {
        if (result.failed()) {
            String message = result.error().getMessage();
            if (!message.equals(lastErrorLogged)) {
                LOG.log(Level.WARNING, message);
                lastErrorLogged = message;
            }
        } else if (lastErrorLogged != null) {
            LOG.log(Level.INFO, "updater check works again: " + result.summary());
            lastErrorLogged = null;
        }
    }

    /**
     * The sidecar's request to exit gracefully (container mode): System.exit runs the host's shutdown
     * hooks. A request that does not name this host's pid and start time is stale (its host is gone:
     * this one holds host.lock) and is removed, not obeyed.
     */
    private void handleExitRequest() {
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
        publishQuietly();
        System.exit(0);
    }

    /** Shutdown hook: a few milliseconds to tell the sidecar the host is going, then out of the way. */
    private void onHostExit() {
        if (!state.snapshot().exiting()) {
            state.exiting("host shutdown");
        }
        publishQuietly();
    }

    private void publishQuietly() {
        try {
            state.publish();
        } catch (UpdaterException e) {
            LOG.log(Level.DEBUG, "could not write agent.json: " + e.getMessage());
        }
    }

    private boolean takeCheckRequest() {
        synchronized (wakeUp) {
            boolean requested = checkRequested;
            checkRequested = false;
            return requested;
        }
    }

    @Override
    public void checkNow() {
        synchronized (wakeUp) {
            checkRequested = true;
            wakeUp.notifyAll();
        }
    }

    @Override
    public String getRunningVersion() {
        return runningVersion;
    }

    @Override
    public String getLatestSeenVersion() {
        return Objects.toString(state.snapshot().latestSeen(), null);
    }

    @Override
    public String getStagedVersion() {
        return Objects.toString(state.staged(), null);
    }

    @Override
    public String getLastCheckTime() {
        Instant at = state.snapshot().lastCheckAt();
        return at == null ? null : at.toString();
    }

    @Override
    public String getLastCheckResult() {
        return state.snapshot().lastCheckResult();
    }

    @Override
    public String getLastError() {
        return state.snapshot().lastError();
    }

    @Override
    public boolean isReady() {
        return state.isReady();
    }

    /** ±10 %, so that a fleet started together does not poll together. */
    static Duration jitter(Duration base) {
        long ms = base.toMillis();
        long spread = ms / 10;
        return Duration.ofMillis(ms - spread + (spread == 0 ? 0 : ThreadLocalRandom.current().nextLong(2 * spread + 1)));
    }

    /** A trimmed runtime may lack what the agent needs; say so instead of failing on first use. */
    private static void requireRuntimeSupport() throws UpdaterException {
        if (ModuleLayer.boot().findModule("java.net.http").isEmpty()) {
            throw new UpdaterException(ErrorCode.RUNTIME_UNSUPPORTED, "updater agent disabled: this Java runtime lacks"
                    + " the java.net.http module (a trimmed image or --limit-modules). Add it with"
                    + " --add-modules java.net.http, or include it in the jlink image.");
        }
        try {
            Signature.getInstance("Ed25519");
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new UpdaterException(ErrorCode.RUNTIME_UNSUPPORTED, "updater agent disabled: this Java runtime lacks"
                    + " Ed25519 signatures (on Java 17 they live in the jdk.crypto.ec module). Add it with"
                    + " --add-modules jdk.crypto.ec.", e);
        }
    }

    private static Path locateTarget(AgentConfig config, HostProcess host) throws UpdaterException {
        if (config.target() != null) {
            Path target = config.target().toAbsolutePath().normalize();
            if (!Files.isRegularFile(target)) {
                throw new UpdaterException(ErrorCode.CONFIG_INVALID, "updater agent disabled: target=" + target
                        + " is not a file. Point it at the artifact this host runs.");
            }
            return target;
        }
        return host.jarPath().orElseThrow(() -> new UpdaterException(ErrorCode.CONFIG_INVALID,
                "updater agent disabled: cannot tell which artifact this host runs (it was not started with -jar;"
                        + " main is \"" + host.javaCommand().split(" ")[0] + "\"). Set target=PATH to the artifact."));
    }

    private static String describeHolder(UpdateHome home) {
        return home.agentRecord().readQuietly().map(r -> "pid " + r.pid() + " per agent.json").orElse("pid unknown");
    }

    private static Optional<AgentRecord> parsePrevious(Optional<HomeRecordFile.Unparsed<AgentRecord>> previous,
                                                       UpdateHome home) {
        if (previous.isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(previous.get().parse());
        } catch (UpdaterException e) {
            // agent.json is written by the host process, not by this agent: its text is not trusted on a terminal.
            LOG.log(Level.WARNING, "The previous " + home.agentRecord() + " could not be read ("
                    + Printable.of(JsonRecords.reason(e)) + "); it is replaced.");
            return Optional.empty();
        }
    }

    /** A random id kept in the home, so this host keeps its rollout bucket across restarts. */
    private static String hostId(UpdateHome home) throws UpdaterException {
        Path file = home.dir().resolve("host-id");
        try {
            Optional<byte[]> kept = HomeFiles.read(file, 1024);
            if (kept.isPresent()) {
                return new String(kept.get(), StandardCharsets.US_ASCII).strip();
            }
            String id = UUID.randomUUID().toString();
            dev.updater.core.home.AtomicFiles.write(file, (id + "\n").getBytes(StandardCharsets.US_ASCII));
            return id;
        } catch (IOException e) {
            throw new UpdaterException(ErrorCode.HOME_UNUSABLE, "Could not read " + file + ": " + e + ".", e);
        }
    }

    private static List<TrustedKey> trustedKeys(AgentConfig config) throws UpdaterException {
        List<TrustedKey> keys = new ArrayList<>();
        for (String text : config.keys()) {
            try {
                keys.add(TrustedKey.of(Ed25519Keys.parsePublicKey(text)));
            } catch (UpdaterException e) {
                throw new UpdaterException(ErrorCode.CONFIG_INVALID, "updater agent disabled, bad key=: "
                        + e.getMessage(), e);
            }
        }
        for (Path file : config.keyFiles()) {
            try {
                keys.add(TrustedKey.of(Ed25519Keys.parsePublicKey(Files.readString(file, StandardCharsets.US_ASCII))));
            } catch (IOException e) {
                throw new UpdaterException(ErrorCode.CONFIG_INVALID, "updater agent disabled: keyfile=" + file
                        + " cannot be read (" + e + ").", e);
            } catch (UpdaterException e) {
                throw new UpdaterException(ErrorCode.CONFIG_INVALID, "updater agent disabled, bad keyfile=" + file + ": "
                        + e.getMessage(), e);
            }
        }
        return keys;
    }

    private static Sha256 hashOrNull(Path target) {
        try {
            return Sha256.ofFile(target);
        } catch (IOException e) {
            return null;
        }
    }
}
