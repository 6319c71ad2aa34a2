package dev.updater.agent;

import dev.updater.agent.bind.BindHook;
import dev.updater.agent.bind.ListenerWatch;
import dev.updater.agent.check.UpdateCheck;
import dev.updater.agent.config.AgentConfig;
import dev.updater.agent.host.HostHome;
import dev.updater.agent.host.HostLock;
import dev.updater.agent.host.HostProcess;
import dev.updater.agent.host.RunningVersion;
import dev.updater.agent.jmx.AgentMBeans;
import dev.updater.core.ErrorCode;
import dev.updater.core.check.ReleaseCheck;
import dev.updater.core.Sha256;
import dev.updater.core.UpdaterException;
import dev.updater.core.download.DownloadOptions;
import dev.updater.core.download.Downloader;
import dev.updater.core.download.ManifestFetcher;
import dev.updater.core.home.AgentRecord;
import dev.updater.core.home.ChannelSettings;
import dev.updater.core.home.HomeRecordFile;
import dev.updater.core.home.JsonRecords;
import dev.updater.core.home.UpdateHome;
import dev.updater.core.platform.Platform;
import dev.updater.core.policy.PolicyOptions;
import dev.updater.core.signature.TrustedKey;
import dev.updater.core.text.Printable;

import java.io.IOException;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * Wires the agent inside one host, once, at start ({@link #start}): the steps below in order, then
 * the {@link PollLoop} that runs until the host exits, with its {@link HostExit} and the JMX
 * {@link AgentBean} around it. The configuration arrives checked whole ({@code AgentConfigLoader}).
 */
final class Agent {
    private static final Logger LOG = System.getLogger("updater");

    private Agent() {
    }

    /**
     * Steps, in order; any failure disables updating with one clear log line, never the host.
     *
     * @param bindHooks gives the installed bind hook, or null when it could not be installed; asked once the first
     *        agent.json is written (an attached agent installs the hook only then)
     */
    static PollLoop start(AgentConfig config, String agentVersion, Supplier<BindHook> bindHooks)
            throws UpdaterException {
        Clock clock = Clock.systemUTC();
        HostProcess host = HostProcess.current();
        Path target = locateTarget(config, host);
        UpdateHome home = new UpdateHome(config.home() != null ? config.home() : target.getParent().resolve(".updater"));
        HostHome.prepare(home, target);
        HostLock lock = overlapStart()
                ? awaitPreviousHost(home)
                : HostLock.acquire(home.hostLock(), () -> describeHolder(home));
        // A host that dies at once must still leave a trace for the sidecar: a first agent.json is
        // written before Jackson loads (it costs hundreds of milliseconds).
        Optional<HomeRecordFile.Unparsed<AgentRecord>> previousRecord = home.agentRecord().readUnparsed();
        Sha256 targetSha256 = hashOrNull(target);
        AgentRecord.writeEarly(home.agentRecord(), host.pid(), host.startedAt(), target.toString(), targetSha256,
                clock.instant());
        System.setProperty(AgentRuntime.HOME_PROPERTY, home.dir().toString()); // for updater-sidecar attach
        BindHook bindHook = bindHooks.get();

        Optional<AgentRecord> previous = parsePrevious(previousRecord, home);
        RunningVersion.Found running = RunningVersion.find(config.version(), target, targetSha256, home);
        if (previous.isPresent() && previous.get().runningVersion() != null
                && !previous.get().runningVersion().equals(running.version())) {
            LOG.log(Level.INFO, "updated from " + previous.get().runningVersion() + " to " + running.version());
        }
        String hostId = config.hostId() != null ? config.hostId() : home.hostIdFile().readOrCreate();
        List<TrustedKey> keys = config.keys();

        AgentState state = new AgentState(home, clock, host.pid(), host.startedAt(),
                running.version(), running.source(), target.toString(), targetSha256,
                host.commandLine(), agentVersion, hostId);
        state.publish();
        if (bindHook != null) {
            // Listeners bound since the hook went in are queued; this thread records them from now on.
            ListenerWatch.start(bindHook, listeners -> {
                state.listeners(listeners);
                state.publishQuietly();
            });
        }
        home.channelRecord().write(new ChannelSettings(config.manifest().toString(),
                keys.stream().map(TrustedKey::text).toList(), hostId, config.allowPrerelease(), config.allowBreaking(),
                config.insecureAllowHttp(), config.insecureAllowUnsigned(), Instant.now(),
                Stream.concat(Stream.of(config.manifest()), config.manifestMirrors().stream()).map(URI::toString).toList()));

        DownloadOptions options = DownloadOptions.defaults().withAllowInsecureHttp(config.insecureAllowHttp());
        UpdateCheck check = new UpdateCheck(new ReleaseCheck.Settings(config.manifest(), keys,
                config.insecureAllowUnsigned(), running.version(), hostId,
                new PolicyOptions(config.allowPrerelease(), config.allowBreaking()), Platform.current()),
                config.manifestMirrors(), home, new ManifestFetcher(options), new Downloader(options), clock);
        HostExit hostExit = new HostExit(home, state, () -> System.exit(0));
        StateRestore.startIfSaved(home, running.version(), clock);
        PollLoop loop = new PollLoop(config, state, check, hostExit, new StateSave(home, state, clock), lock, clock);
        Runtime.getRuntime().addShutdownHook(new Thread(hostExit::onShutdown, "updater-agent-exit"));
        AgentMBeans.register(new AgentBean(state, loop));
        LOG.log(Level.INFO, "updater agent watching " + config.manifest() + " for " + target.getFileName() + " "
                + running.version() + " (home " + home.dir() + ")");
        return loop;
    }

    private static Path locateTarget(AgentConfig config, HostProcess host) throws UpdaterException {
        if (config.target() != null) {
            return config.target();
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

    private static Sha256 hashOrNull(Path target) {
        try {
            return Sha256.ofFile(target);
        } catch (IOException e) {
            return null;
        }
    }

    /** Started by a sidecar in overlap mode: the host before this one may still run beside it. */
    private static boolean overlapStart() {
        // the hook's own reading of the variable: a host whose sockets get SO_REUSEPORT is an overlap start
        return BindHook.reusePortRequested(System.getenv());
    }

    private static HostLock awaitPreviousHost(UpdateHome home) throws UpdaterException {
        return HostLock.awaitFree(home.hostLock(), () -> LOG.log(Level.INFO, "overlap: the previous host ("
                + describeHolder(home) + ") still runs beside this one; this agent starts once it has exited"));
    }
}
