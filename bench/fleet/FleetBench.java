package dev.updater.agent;

import dev.updater.agent.check.CheckResult;
import dev.updater.agent.check.UpdateCheck;
import dev.updater.core.Sha256;
import dev.updater.core.check.ReleaseCheck;
import dev.updater.core.download.DownloadOptions;
import dev.updater.core.download.Downloader;
import dev.updater.core.download.ManifestFetcher;
import dev.updater.core.download.ServerPushback;
import dev.updater.core.home.UpdateHome;
import dev.updater.core.manifest.Artifact;
import dev.updater.core.manifest.Changelog;
import dev.updater.core.manifest.Manifest;
import dev.updater.core.manifest.ManifestWriter;
import dev.updater.core.manifest.Rollout;
import dev.updater.core.platform.Platform;
import dev.updater.core.policy.PolicyOptions;
import dev.updater.core.signature.Ed25519Keys;
import dev.updater.core.signature.ManifestSignatures;
import dev.updater.core.signature.TrustedKey;
import dev.updater.core.version.ReleaseVersion;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.KeyPair;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * The fleet simulation (bench/fleet/README.md): N hosts in one JVM, each a virtual thread running the
 * agent's real check ({@link UpdateCheck}: conditional GET, signature, policy, mirrors, staging into its
 * own home on tmpfs) and its real scheduling ({@link PollLoop#jitter}, {@link Backoff}) on a compressed
 * clock, against two nginx servers on loopback. The scenario (scenario times are simulated):
 * <ol>
 *   <li>0 h: every host runs 1.0.0 and polls the channel, which offers 1.0.0 (steady state);</li>
 *   <li>{@code RELEASE_AT}: 1.1.0 is published, plain {@code rollout.percent=100} (the release-day burst);</li>
 *   <li>{@code MIRROR_DOWN_AT}: nginx B (second manifest URL, and mirror of the artifact) is stopped mid-rollout;</li>
 *   <li>{@code BUSY_FROM}–{@code BUSY_UNTIL}: nginx A answers every request 429 with Retry-After;</li>
 *   <li>the end: every host must have staged 1.1.0 (none stuck) and none asked before its Retry-After.</li>
 * </ol>
 * With SCENARIO {@code waves} the events are {@link FleetWaves}'s instead: rollout schedules and a halt.
 * Usage: FleetBench HOSTS FACTOR HOURS WORKDIR PORT_A PORT_B CONTROL_SCRIPT [burst|waves]
 */
public final class FleetBench {
    static final Duration INTERVAL = Duration.ofMinutes(15);
    static final Duration RELEASE_AT = Duration.ofHours(1);
    static final Duration MIRROR_DOWN_AT = Duration.ofMinutes(65);
    static final Duration BUSY_FROM = Duration.ofMinutes(120);
    static final Duration BUSY_UNTIL = Duration.ofMinutes(140);
    static final int RETRY_AFTER_SECONDS = 1800;
    static final int HOSTS_PER_CLIENT = 50;
    static final Instant SIM_START = Instant.parse("2026-12-01T00:00:00Z");
    static final ReleaseVersion FIRST = ReleaseVersion.tryParse("1.1.0");
    static final ReleaseVersion SECOND = ReleaseVersion.tryParse("1.2.0");

    /** Simulated time: SIM_START plus the real time since the start, times the factor. */
    static final class SimClock extends Clock {
        volatile long realStart = System.nanoTime();
        volatile long epochStartMillis = System.currentTimeMillis();
        final long factor;

        /** Simulated time starts again at 0: the warm-up before it is not part of the scenario. */
        void restart() {
            epochStartMillis = System.currentTimeMillis();
            realStart = System.nanoTime();
        }

        SimClock(long factor) {
            this.factor = factor;
        }

        Duration elapsed() {
            return Duration.ofNanos((System.nanoTime() - realStart) * factor);
        }

        @Override
        public Instant instant() {
            return SIM_START.plus(elapsed());
        }

        void sleepUntil(Duration simulated) throws InterruptedException {
            long nanos = (simulated.toNanos() - elapsed().toNanos()) / factor;
            if (nanos > 0) {
                Thread.sleep(Duration.ofNanos(nanos));
            }
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }
    }

    /** What the hosts saw, by simulated minute, and per host. */
    static final class Observed {
        final AtomicLongArray checks;
        final AtomicLongArray failures;
        final AtomicLongArray stagedFirst;
        final long[] stagedAtMinute;
        final AtomicLong retryAfterViolations = new AtomicLong();
        /** Checks that began more than a simulated minute after their time: the JVM fell behind the compressed clock. */
        final AtomicLong lateChecks = new AtomicLong();
        final java.util.concurrent.atomic.LongAccumulator maxLateMillis = new java.util.concurrent.atomic.LongAccumulator(Math::max, 0);
        final AtomicLong pushbacksObeyed = new AtomicLong();
        final Map<String, AtomicLong> errors = new ConcurrentHashMap<>();
        /** Waves: the minute each host staged 1.2.0, dropped it, and the simulated millis of its first check after the halt. */
        final long[] secondStagedAtMinute;
        final long[] secondDroppedAtMinute;
        final long[] haltSeenAtMillis;
        /** Simulated millis when the halted manifest was in place, or -1 before. */
        volatile long haltAtMillis = -1;
        /** Checks started after the halt that staged the halted release anyway (must stay 0). */
        final AtomicLong stagedAfterHalt = new AtomicLong();

        Observed(int hosts, int minutes) {
            checks = new AtomicLongArray(minutes + 1);
            failures = new AtomicLongArray(minutes + 1);
            stagedFirst = new AtomicLongArray(minutes + 1);
            stagedAtMinute = new long[hosts];
            java.util.Arrays.fill(stagedAtMinute, -1);
            secondStagedAtMinute = new long[hosts];
            secondDroppedAtMinute = new long[hosts];
            haltSeenAtMillis = new long[hosts];
            java.util.Arrays.fill(secondStagedAtMinute, -1);
            java.util.Arrays.fill(secondDroppedAtMinute, -1);
            java.util.Arrays.fill(haltSeenAtMillis, -1);
        }

        /** Which version each host has staged, and when it saw the halt; hosts of one index run one check at a time. */
        void record(int index, int minute, Duration started, Duration finished, CheckResult result) {
            ReleaseVersion staged = result.staged();
            if (FIRST.equals(staged) && stagedAtMinute[index] < 0) {
                stagedAtMinute[index] = minute;
                stagedFirst.incrementAndGet(Math.min(minute, stagedFirst.length() - 1));
            }
            if (SECOND.equals(staged) && secondStagedAtMinute[index] < 0) {
                secondStagedAtMinute[index] = minute;
            }
            long halt = haltAtMillis;
            if (halt < 0 || started.toMillis() < halt || result.failed()) {
                return;
            }
            if (SECOND.equals(staged)) {
                stagedAfterHalt.incrementAndGet();
            }
            if (haltSeenAtMillis[index] < 0) {
                haltSeenAtMillis[index] = finished.toMillis();
                if (secondStagedAtMinute[index] >= 0 && !SECOND.equals(staged)) {
                    secondDroppedAtMinute[index] = minute;
                }
            }
        }
    }

    public static void main(String[] args) throws Exception {
        int hosts = Integer.parseInt(args[0]);
        long factor = Long.parseLong(args[1]);
        Duration length = Duration.ofMinutes((long) (Double.parseDouble(args[2]) * 60));
        Path work = Path.of(args[3]);
        URI manifestA = URI.create("http://127.0.0.1:" + args[4] + "/stable/manifest.json");
        URI manifestB = URI.create("http://127.0.0.1:" + args[5] + "/stable/manifest.json");
        Path control = Path.of(args[6]);
        java.util.logging.Logger quiet = java.util.logging.Logger.getLogger("updater");
        quiet.setLevel(java.util.logging.Level.SEVERE); // 10,000 hosts' "Staged 1.1.0" lines are not the point

        KeyPair keys = Ed25519Keys.generate();
        Path channel = work.resolve("channel/stable");
        Files.createDirectories(channel);
        byte[] artifact = new byte[4096];
        ThreadLocalRandom.current().nextBytes(artifact);
        publish(channel, keys, "1.0.0", artifact, manifestA, manifestB, new Rollout(100), Instant.now());

        SimClock clock = new SimClock(factor);
        int minutes = (int) length.toMinutes();
        Observed observed = new Observed(hosts, minutes);
        List<UpdateCheck> checks = new ArrayList<>();
        List<Thread> threads = new ArrayList<>();
        ManifestFetcher fetcher = null;
        Downloader downloader = null;
        for (int i = 0; i < hosts; i++) {
            if (i % HOSTS_PER_CLIENT == 0) { // one HTTP client per group of hosts: 10,000 selector threads would not fit
                DownloadOptions options = DownloadOptions.defaults();
                fetcher = new ManifestFetcher(options);
                downloader = new Downloader(options);
            }
            String hostId = "host-" + i;
            UpdateHome home = new UpdateHome(work.resolve("homes/" + i));
            Files.createDirectories(home.dir());
            UpdateCheck check = new UpdateCheck(new ReleaseCheck.Settings(manifestA, List.of(TrustedKey.of(keys.getPublic())),
                    false, ReleaseVersion.parse("1.0.0"), hostId, PolicyOptions.DEFAULTS, Platform.current()),
                    List.of(manifestB), home, fetcher, downloader, clock);
            checks.add(check);
        }
        // Warm-up, outside simulated time: every host's first check (a full fetch and verification, on a cold JVM),
        // so that the scenario starts from a fleet that has polled for a long time, at random phases.
        try (var warmUp = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()) {
            checks.forEach(check -> warmUp.submit(check::run));
        }
        run(control, "rotate-logs");
        clock.restart();
        for (int i = 0; i < hosts; i++) {
            int index = i;
            UpdateCheck check = checks.get(i);
            threads.add(Thread.ofVirtual().name("host-" + i).start(() -> runHost(index, check, clock, length, observed)));
        }
        System.out.printf("%d hosts warmed up and started; %s simulated at %dx%n", hosts, length, factor);

        boolean waves = args.length > 7 && args[7].equals("waves");
        if (waves) {
            new FleetWaves(channel, keys, artifact, manifestA, manifestB, clock, observed).events();
            for (Thread t : threads) {
                t.join();
            }
            run(control, "flush");
            FleetWaves.report(work, observed, hosts, factor, length, clock.epochStartMillis);
            return;
        }
        clock.sleepUntil(RELEASE_AT);
        publish(channel, keys, "1.1.0", artifact, manifestA, manifestB, new Rollout(100), Instant.now());
        mark(control, "release", clock);
        clock.sleepUntil(MIRROR_DOWN_AT);
        run(control, "stop-b");
        mark(control, "mirror-down", clock);
        clock.sleepUntil(BUSY_FROM);
        Files.writeString(work.resolve("busy"), "429");
        mark(control, "busy-on", clock);
        clock.sleepUntil(BUSY_UNTIL);
        Files.delete(work.resolve("busy"));
        mark(control, "busy-off", clock);
        for (Thread t : threads) {
            t.join();
        }
        run(control, "flush");
        FleetReport.write(work, observed, hosts, factor, length, clock.epochStartMillis);
    }

    /** One host: the agent's loop, without the sidecar and JMX parts that PollLoop also serves. */
    static void runHost(int index, UpdateCheck check, SimClock clock, Duration length, Observed observed) {
        try {
            Backoff backoff = new Backoff(INTERVAL);
            Duration next = Duration.ofMillis(ThreadLocalRandom.current().nextLong(INTERVAL.toMillis())); // hosts started long ago
            Duration notBefore = Duration.ZERO;
            while (next.compareTo(length) < 0) {
                clock.sleepUntil(next);
                Duration started = clock.elapsed();
                long late = started.minus(next).toMillis();
                observed.maxLateMillis.accumulate(late);
                if (late > 60_000) {
                    observed.lateChecks.incrementAndGet();
                }
                if (started.compareTo(notBefore) < 0) {
                    observed.retryAfterViolations.incrementAndGet();
                }
                int minute = (int) started.toMinutes();
                CheckResult result = check.run();
                observed.checks.incrementAndGet(minute);
                Duration now = clock.elapsed();
                if (result.failed()) {
                    observed.failures.incrementAndGet(minute);
                    observed.errors.computeIfAbsent(result.error().code() + (result.error() instanceof ServerPushback p ? " (HTTP "
                            + p.status() + ")" : ""), k -> new AtomicLong()).incrementAndGet();
                    Duration wait = backoff.failed(result.error());
                    if (result.error() instanceof ServerPushback p && p.retryAfter().isPresent()) {
                        notBefore = started.plus(p.retryAfter().get());
                        observed.pushbacksObeyed.incrementAndGet();
                    }
                    next = now.plus(wait);
                } else {
                    backoff.succeeded();
                    next = now.plus(PollLoop.jitter(INTERVAL));
                }
                observed.record(index, minute, started, now, result);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Writes artifact, manifest and signature the way publish does: the manifest and its signature last. */
    static void publish(Path channel, KeyPair keys, String version, byte[] artifact, URI manifestA, URI manifestB,
                        Rollout rollout, Instant releaseDate) throws Exception {
        String path = version + "/app.jar";
        Files.createDirectories(channel.resolve(version));
        Files.write(channel.resolve(path), artifact);
        Manifest manifest = new Manifest(ReleaseVersion.parse(version), releaseDate,
                Map.of("any", new Artifact(manifestA.resolve(path).toString(), Sha256.ofBytes(artifact), artifact.length, null,
                        List.of(manifestB.resolve(path).toString()))),
                new Changelog(List.of("Release " + version), List.of()), null, false, null, rollout);
        writeSigned(channel, keys, ManifestWriter.write(manifest));
    }

    /** The signature first, then the manifest, as Publisher.writeSigned does. */
    static void writeSigned(Path channel, KeyPair keys, byte[] bytes) throws Exception {
        replace(channel.resolve("manifest.json.sig"), ManifestSignatures.sign(bytes, keys.getPrivate()));
        replace(channel.resolve("manifest.json"), bytes);
    }

    static void replace(Path file, byte[] bytes) throws Exception {
        Path temp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.write(temp, bytes);
        Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    /** Asks run.sh to act on the servers (it stops nginx B on "stop-b"). */
    static void run(Path control, String action) throws Exception {
        Process p = new ProcessBuilder("bash", control.toString(), action).inheritIO().start();
        p.waitFor();
    }

    static void mark(Path control, String event, SimClock clock) {
        System.out.printf("%6.1f min simulated: %s%n", clock.elapsed().toMillis() / 60_000.0, event);
    }
}
