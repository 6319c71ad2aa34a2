package dev.updater.sidecar.demo;

import dev.updater.core.text.HumanUnits;
import dev.updater.core.text.Printable;
import dev.updater.core.ErrorCode;
import dev.updater.core.UpdaterException;
import dev.updater.core.home.HistoryEvent;
import dev.updater.core.home.RestartRecord;
import dev.updater.core.home.UpdateHome;
import dev.updater.core.version.ReleaseVersion;
import dev.updater.sidecar.channel.KeyFiles;
import dev.updater.sidecar.channel.PublishRequest;
import dev.updater.sidecar.channel.Publisher;
import dev.updater.sidecar.load.LoadReport;
import dev.updater.sidecar.overlap.OverlapSupport;
import dev.updater.sidecar.overlap.ProbePorts;
import dev.updater.sidecar.serve.ReleaseServer;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BooleanSupplier;

/**
 * The guided walkthrough: a real service under the real sidecar and agent, on 127.0.0.1, in a
 * temporary folder. Every scene checks its outcome; {@link #run} returns true only if all held.
 *
 * <ol>
 *   <li>make a signing key, publish 1.0.0, serve the channel;</li>
 *   <li>install 1.0.0 and start it under {@code run} with the agent; visit it;</li>
 *   <li>publish 1.1.0 under load: staged, swapped, restarted, healthy, counter kept; failed requests counted,
 *       beside those of a twin of the service updated in overlap mode (Linux);</li>
 *   <li>publish 1.2.0, which fails at start: rolled back, quarantined, 1.1.0 serves;</li>
 *   <li>show {@code status} and {@code history}; stop everything.</li>
 * </ol>
 */
public final class Demo {
    /** Where the sidecar jar keeps what the demo installs. */
    static final String AGENT_RESOURCE = "/dev/updater/sidecar/agent/updater.jar";
    static final String DEMO_RESOURCE = "/dev/updater/sidecar/demo/demo-app-%s.jar";
    private static final Duration SCENE_TIMEOUT = Duration.ofSeconds(90);

    /** Runs CLI commands in process, for the status and history scene. */
    public interface Cli {
        void run(String... args);
    }

    private final Narrator narrator;
    private final Cli cli;
    private final Path work;
    private final List<String> failures = new ArrayList<>();

    private DemoSidecar service;
    private DemoSidecar twin; // the same service under overlap mode, or null where overlap cannot run
    private String noOverlap; // why there is no twin
    private ReleaseServer server;
    private Path channel;
    private Path keys;
    private UpdateHome home;
    private URI app;
    private Path target;

    public Demo(java.io.PrintWriter out, java.io.BufferedReader in, boolean interactive, Path work, Cli cli) {
        this.narrator = new Narrator(out, in, interactive);
        this.cli = cli;
        this.work = work;
    }

    /** Plays every scene; stops at the first that fails. Always stops what it started. */
    public boolean run() throws IOException, InterruptedException {
        try {
            sceneChannel();
            sceneInstall();
            sceneUpdate();
            sceneRollback();
            sceneStatus();
        } catch (SceneFailed e) {
            narrator.fail(e.getMessage());
            showSidecarLog();
        } catch (UpdaterException e) {
            narrator.fail(e.getMessage());
            failures.add(e.getMessage());
        } finally {
            stopAll();
        }
        boolean passed = failures.isEmpty();
        narrator.say("");
        narrator.say(passed
                ? "The whole story held, in " + HumanUnits.duration(narrator.elapsed()) + "."
                : "The demo stopped: " + failures.get(0));
        return passed;
    }

    private void sceneChannel() throws IOException, UpdaterException {
        narrator.scene(1, "A release channel: a signing key, release 1.0.0, a server");
        keys = work.resolve("keys");
        channel = work.resolve("channel");
        KeyFiles.Written key = KeyFiles.create(keys);
        narrator.ok("key " + key.key().id() + " written to " + keys);
        publish("1.0.0", "First release", List.of());
        server = ReleaseServer.start(channel, new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), line -> { });
        narrator.ok("channel served at " + server.uri().resolve("manifest.json"));
    }

    private void sceneInstall() throws IOException, UpdaterException, InterruptedException {
        narrator.scene(2, "Install 1.0.0 and run it under the sidecar, with the agent");
        URI manifest = server.uri().resolve("manifest.json");
        String keyLine = KeyFiles.readPublicKey(keys.resolve(KeyFiles.PUBLIC_FILE)).text();
        service = DemoSidecar.start(work, "app", manifest, keyLine, List.of());
        home = service.home;
        app = service.app;
        target = service.target;
        narrator.say("updater-sidecar run --apply immediate --health-url " + app.resolve("health") + " -- java -javaagent:updater.jar=… -jar demo-app.jar");
        // The same service once more, under overlap mode, for scene 3's side-by-side (Linux only)
        noOverlap = OverlapSupport.unavailable().or(ProbePorts.DEFAULT::clashWithEphemeralPorts).orElse(null);
        if (noOverlap == null) {
            twin = DemoSidecar.start(work, "app-overlap", manifest, keyLine, List.of("--restart", "overlap"));
        }
        await("1.0.0 to answer " + app.resolve("health"),
                () -> ServicePages.status(app.resolve("health")) == 200);
        narrator.ok("demo-app 1.0.0 serves " + app);
        if (twin != null) {
            await("the twin to answer " + twin.app.resolve("health"),
                    () -> ServicePages.status(twin.app.resolve("health")) == 200);
            narrator.ok("its twin serves " + twin.app + " under 'run --restart overlap', for the comparison in scene 3");
        }
        String page = "";
        for (int i = 0; i < 3; i++) {
            page = ServicePages.text(app);
        }
        narrator.ok("3 visits: the page counts visits=" + ServicePages.field(page, "visits").orElse("?")
                + ", kept in a data file outside the jar");
        narrator.pause("Open " + app + " in a browser, then continue.");
    }

    private void sceneUpdate() throws IOException, UpdaterException, InterruptedException {
        narrator.scene(3, "Publish 1.1.0: the agent stages it, the sidecar swaps, restarts and checks it");
        long visitsBefore = Long.parseLong(ServicePages.field(ServicePages.text(app), "visits").orElse("0"));
        String recentBefore = ServicePages.text(app.resolve("recent")); // in memory only: no data file keeps it
        narrator.say("clients send " + UpdateUnderLoad.RATE + " requests a second to " + app.resolve("version")
                + " throughout");
        long twinOld = twin == null ? -1 : twin.home.agentRecord().readQuietly().map(a -> a.pid()).orElse(-1L);
        List<LoadReport> loads = UpdateUnderLoad.during(twin == null ? List.of(app.resolve("version"))
                : List.of(app.resolve("version"), twin.app.resolve("version")), () -> {
            publish("1.1.0", "Dark theme and /api/stats", List.of("Visit counter kept across updates"));
            await("1.1.0 to be staged", () -> historyHas(home, HistoryEvent.Kind.STAGED, "1.1.0"));
            narrator.ok("the agent verified and staged 1.1.0");
            await("1.1.0 to serve", () -> "1.1.0".equals(ServicePages.text(app.resolve("version")).strip()));
            narrator.ok("the sidecar swapped the jar and restarted the service: /version says 1.1.0");
            await("the health gate to pass", () -> historyHas(home, HistoryEvent.Kind.HEALTHY, "1.1.0")); // whole update
            if (twin != null) { // overlap: until the old host has finished and exited, or B failed its gate
                await("the twin's update", () -> historyHas(twin.home, HistoryEvent.Kind.FAILED, "1.1.0")
                        || historyHas(twin.home, HistoryEvent.Kind.HEALTHY, "1.1.0")
                        && (twinOld < 0 || ProcessHandle.of(twinOld).map(p -> !p.isAlive()).orElse(true)));
            }
        });
        // OVERLAP HOOK (issue 12): the same update of the twin, in overlap mode, under the same load
        narrator.say(UpdateUnderLoad.summary("stop-start", loads.get(0)));
        narrator.say(twin == null ? "overlap update: not shown, " + noOverlap
                : UpdateUnderLoad.summary(overlapUsed(), loads.get(1)));
        if (twin != null) { // none is expected: say which, for whoever looks into it
            UpdateUnderLoad.firstFailure(loads.get(1)).ifPresent(first -> narrator.say("  " + first));
        }
        String page = ServicePages.text(app);
        expect(ServicePages.field(page, "updated-from").orElse("").contains("1.0.0"),
                "the page says it was updated from 1.0.0");
        long visitsAfter = Long.parseLong(ServicePages.field(page, "visits").orElse("0"));
        expect(visitsAfter > visitsBefore, "the visit counter was kept (" + visitsBefore + " before, " + visitsAfter
                + " now)");
        expect(ServicePages.status(app.resolve("api/stats")) == 200,
                "the new feature answers: " + app.resolve("api/stats"));
        await("the recent visits handed over", () -> ServicePages.text(app.resolve("recent")).startsWith(recentBefore));
        narrator.ok("the times of the last " + recentBefore.lines().count() + " visits, kept only in memory, came"
                + " across: 1.0.0 saved them, 1.1.0 restored them (state hand-off, " + app.resolve("recent") + ")");
        narrator.ok("health gate passed; 1.1.0 committed");
        narrator.pause("Reload " + app + ": dark theme, same counter. Continue to break things.");
    }

    private void sceneRollback() throws IOException, UpdaterException, InterruptedException {
        narrator.scene(4, "Publish 1.2.0, which fails at start: automatic rollback");
        publish("1.2.0", "A broken release", List.of());
        await("1.2.0 to be quarantined", () -> quarantined("1.2.0"));
        narrator.ok("1.2.0 failed its health gate and is quarantined");
        await("the rollback to 1.1.0 to complete", () -> historyHas(home, HistoryEvent.Kind.ROLLED_BACK, "1.1.0"));
        await("1.1.0 to serve again", () -> "1.1.0".equals(ServicePages.text(app.resolve("version")).strip()));
        narrator.ok("rolled back: 1.1.0 serves again at " + app);
        expect(java.util.Arrays.equals(Files.readAllBytes(target), Files.readAllBytes(work.resolve("build/demo-app-1.1.0.jar"))),
                "the installed jar is byte for byte 1.1.0 again");
        narrator.pause("1.2.0 will never be tried again automatically. Continue to see status and history.");
    }

    private void sceneStatus() throws InterruptedException {
        narrator.scene(5, "What the operator sees: status and history");
        // The restarted host's agent reports its version a moment after the host serves (it loads on its
        // own thread); status read before then would show "unknown version". Wait a little, never fail.
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!agentReports("1.1.0") && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        cli.run("status", "--home", home.dir().toString());
        cli.run("history", "--home", home.dir().toString());
    }

    private void publish(String version, String feature, List<String> fixes) throws UpdaterException, IOException {
        Path jar = work.resolve("build").resolve("demo-app-" + version + ".jar");
        Files.createDirectories(jar.getParent());
        extract(String.format(DEMO_RESOURCE, version), jar);
        new Publisher(Clock.systemUTC()).publish(new PublishRequest(ReleaseVersion.parse(version), Map.of("any", jar),
                keys.resolve(KeyFiles.PRIVATE_FILE), channel, null, List.of(feature), fixes, null, false, null,
                Duration.ofDays(30), null, false));
        narrator.ok("published " + version + " (signed manifest, " + HumanUnits.size(Files.size(jar)) + " jar)");
    }

    /** The mode the twin's update actually used: {@code overlap}, or the fallback and its reason. */
    private String overlapUsed() {
        Optional<HistoryEvent> failed = historyEvent(twin.home, HistoryEvent.Kind.FAILED, "1.1.0");
        if (failed.isPresent()) {
            // The reason itself, not the log's path: the demo deletes its folder when it ends.
            return "overlap (1.1.0 failed there: " + Printable.of(String.valueOf(failed.get().detail())) + ")";
        }
        return twin.home.restartRecord().readQuietly().filter(r -> r.mode() == RestartRecord.Mode.STOP_START)
                .map(r -> "overlap (fell back to stop-start: " + r.fallback() + ")").orElse("overlap");
    }

    private static boolean historyHas(UpdateHome home, HistoryEvent.Kind event, String version) {
        return historyEvent(home, event, version).isPresent();
    }

    private static Optional<HistoryEvent> historyEvent(UpdateHome home, HistoryEvent.Kind event, String version) {
        try {
            for (HistoryEvent e : home.history().read()) {
                if (e.event() == event && e.version() != null && version.equals(e.version().toString())) {
                    return Optional.of(e);
                }
            }
        } catch (UpdaterException e) {
            return Optional.empty();
        }
        return Optional.empty();
    }

    private boolean agentReports(String version) {
        return home.agentRecord().readQuietly()
                .map(agent -> version.equals(String.valueOf(agent.runningVersion())) && agent.ready()).orElse(false);
    }

    private boolean quarantined(String version) {
        try {
            ReleaseVersion listed = ReleaseVersion.parse(version);
            return home.quarantineList().read().map(q -> q.contains(listed)).orElse(false);
        } catch (UpdaterException e) {
            return false;
        }
    }

    private void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + SCENE_TIMEOUT.toNanos();
        while (!condition.getAsBoolean()) {
            for (DemoSidecar d : twin == null ? List.of(service) : List.of(service, twin)) {
                if (!d.isAlive()) {
                    throw new SceneFailed("the sidecar of " + d.name + " exited (status " + d.exitValue() + ") while"
                            + " waiting for " + what);
                }
            }
            if (System.nanoTime() > deadline) {
                throw new SceneFailed("gave up waiting " + HumanUnits.duration(SCENE_TIMEOUT) + " for " + what);
            }
            Thread.sleep(100);
        }
    }

    private void expect(boolean holds, String what) {
        if (!holds) {
            throw new SceneFailed("expected " + what);
        }
        narrator.ok(what);
    }

    static void extract(String resource, Path to) throws IOException, UpdaterException {
        try (InputStream in = Demo.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new UpdaterException(ErrorCode.IO, "This updater-sidecar build lacks " + resource
                        + "; build it with './mvnw package' from the project root.");
            }
            Files.copy(in, to, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    private void showSidecarLog() {
        if (service == null) {
            return;
        }
        for (DemoSidecar d : twin == null ? List.of(service) : List.of(service, twin)) {
            try {
                List<String> lines = Files.readAllLines(d.log);
                narrator.say("last lines of " + d.log + ":");
                lines.subList(Math.max(0, lines.size() - 25), lines.size()).forEach(l -> narrator.say("  | " + l));
            } catch (IOException e) {
                narrator.say("(no sidecar log at " + d.log + ")");
            }
        }
    }

    /** Stops the sidecar (which stops the service) and the server. */
    private void stopAll() throws InterruptedException {
        if (twin != null) {
            twin.stop();
        }
        if (service != null && service.isAlive()) {
            service.stop();
            narrator.say("stopped the sidecar and the service");
        }
        if (server != null) {
            server.close();
        }
    }

    /** A scene's outcome did not hold. */
    private final class SceneFailed extends RuntimeException {
        private static final long serialVersionUID = 1L;

        SceneFailed(String message) {
            super(message);
            failures.add(message);
        }
    }
}
