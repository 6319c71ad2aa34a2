package dev.updater.sidecar.metrics;

import dev.updater.core.Sha256;
import dev.updater.core.home.AgentRecord;
import dev.updater.core.home.HistoryEvent;
import dev.updater.core.home.InstalledRelease;
import dev.updater.core.home.JsonRecords;
import dev.updater.core.home.Quarantine;
import dev.updater.core.home.SwapJournal;
import dev.updater.core.home.SwapState;
import dev.updater.core.home.UpdateHome;
import dev.updater.core.version.ReleaseVersion;
import dev.updater.sidecar.supervise.ApplyPolicy;
import dev.updater.sidecar.supervise.SupervisionCounters;
import dev.updater.sidecar.testhost.Staging;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.StandardOpenOption;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The exposition {@link HomeMetrics} makes of a home's records, as Prometheus scrapes it. */
class HomeMetricsTest {
    private static final Instant T = Instant.parse("2026-02-07T12:00:00Z");
    /** Noon UTC: outside a 02:00-04:00 window. */
    private static final Clock NOON = Clock.fixed(T, ZoneOffset.UTC);

    @TempDir
    Path dir;

    private MetricsEndpoint endpoint;

    @AfterEach
    void close() {
        if (endpoint != null) {
            endpoint.close();
        }
    }

    private UpdateHome aHomeWithEverything(String lastError) throws Exception {
        return aHomeWithEverything(dir, lastError);
    }

    /** A home with every record the metrics read: agent, installed, quarantine, staged (waiting), history, journal. */
    static UpdateHome aHomeWithEverything(Path dir, String lastError) throws Exception {
        Path home = Staging.newHome(dir.resolve("home"));
        UpdateHome h = new UpdateHome(home);
        h.agentRecord().write(new AgentRecord(4242, T, ReleaseVersion.parse("1.1.0"), "manifest", "/opt/app.jar", null,
                List.of("java", "-jar", "/opt/app.jar"), "0.1.0", "host-1", true, T, T.plusSeconds(60),
                "1.2.0 is staged", ReleaseVersion.parse("1.2.0"), lastError, false, null, T, List.of(), 7, 1, 13));
        h.installedRecord().write(new InstalledRelease(ReleaseVersion.parse("1.1.0"),
                new Sha256("ab".repeat(32)), "/opt/app.jar", ReleaseVersion.parse("1.0.0"), T));
        JsonRecords.write(h.quarantine(), new Quarantine(List.of(new Quarantine.Entry(ReleaseVersion.tryParse("1.0.5"), "failed its health gate", T),
                new Quarantine.Entry(ReleaseVersion.tryParse("1.0.6"), "failed its health gate", T),
                new Quarantine.Entry(ReleaseVersion.tryParse("1.0.7"), "rolled back by an operator", T, true))));
        Path jar = Files.write(dir.resolve("1.2.0.jar"), "release 1.2.0".getBytes(StandardCharsets.UTF_8));
        Staging.stage(home, jar, "1.2.0", true, "breaking changes");
        h.history().append(new HistoryEvent(T.minusSeconds(600), HistoryEvent.Kind.HEALTHY, ReleaseVersion.parse("1.0.9"),
                null, "passed"));
        h.history().append(new HistoryEvent(T.minusSeconds(300), HistoryEvent.Kind.HEALTHY, ReleaseVersion.parse("1.1.0"),
                ReleaseVersion.parse("1.0.9"), "passed"));
        h.swapJournal().write(new SwapJournal("20260207T115500.000Z", SwapJournal.Kind.INSTALL, SwapState.COMMITTED,
                "/opt/app.jar", new SwapJournal.Artifact(ReleaseVersion.tryParse("1.0.9"), new Sha256("cd".repeat(32)), 10),
                new SwapJournal.Artifact(ReleaseVersion.tryParse("1.1.0"), new Sha256("ab".repeat(32)), 12), "releases/1.1.0/app.jar",
                "backup/1.0.9/app.jar", false, 1, 0, false, null, null, T.minusSeconds(312), T.minusSeconds(300)));
        return h;
    }

    private String scrape(UpdateHome home, ApplyPolicy policy, SupervisionCounters.Snapshot counters) throws Exception {
        int port;
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }
        endpoint = MetricsEndpoint.open(new MetricsAddress(InetAddress.getLoopbackAddress(), port), home, policy,
                () -> counters, "9.9.9", () -> "{}", NOON, line -> { });
        return Scrape.get("http://127.0.0.1:" + port + "/metrics");
    }

    static SupervisionCounters.Snapshot counted(long committed, long rolledBack, long failed) {
        return new SupervisionCounters.Snapshot(Map.of(SupervisionCounters.Result.COMMITTED, committed,
                SupervisionCounters.Result.ROLLED_BACK, rolledBack, SupervisionCounters.Result.FAILED, failed), 3,
                Optional.of(java.time.Duration.ofMillis(2500)));
    }

    @Test
    void everyRecordOfTheHome_isShownWithPrometheusNamesAndUnits() throws Exception {
        String text = scrape(aHomeWithEverything(null), ApplyPolicy.ON_EXIT, counted(4, 1, 2));

        List<String> samples = text.lines().filter(l -> !l.startsWith("#")).toList();
        assertEquals(List.of(
                "updater_agent_check_errors_total 1.0",
                "updater_agent_checks_total 7.0",
                "updater_agent_downloaded_bytes_total 13.0",
                "updater_held_back_versions 1.0",
                "updater_host_ready 0.0",
                "updater_host_restarts_total 3.0",
                "updater_host_up 0.0",
                "updater_installed_info{version=\"1.1.0\"} 1",
                "updater_last_check_success 1.0",
                "updater_last_check_timestamp_seconds 1.77046566E9",
                "updater_last_gate_duration_seconds 2.5",
                "updater_last_successful_check_timestamp_seconds 1.77046566E9",
                "updater_last_swap_duration_seconds 12.0",
                "updater_last_update_timestamp_seconds 1.7704653E9",
                "updater_quarantined_versions 2.0",
                "updater_sidecar_info{version=\"9.9.9\"} 1",
                "updater_staged_release_info{version=\"1.2.0\"} 1",
                "updater_staged_release_bytes 13.0",
                "updater_staged_release_timestamp_seconds 1.7724438E9",
                "updater_staged_release_waiting{reason=\"approval\"} 1.0",
                "updater_staged_release_waiting{reason=\"policy\"} 0.0",
                "updater_staged_release_waiting{reason=\"quarantined\"} 0.0",
                "updater_staged_release_waiting{reason=\"window\"} 0.0",
                "updater_updates_total{result=\"committed\"} 4.0",
                "updater_updates_total{result=\"failed\"} 2.0",
                "updater_updates_total{result=\"rolled_back\"} 1.0"), samples);
        assertTrue(text.contains("# TYPE updater_updates_total counter\n"), text);
        assertTrue(text.contains("# TYPE updater_installed_info gauge\n"), text);
    }

    @Test
    void aHostHoldingHostLock_isUp_ready_andShowsItsVersion() throws Exception {
        UpdateHome home = aHomeWithEverything(null);
        try (FileChannel channel = FileChannel.open(home.hostLock(), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
             FileLock held = channel.lock()) {
            String text = scrape(home, ApplyPolicy.ON_EXIT, counted(0, 0, 0));

            assertTrue(text.contains("\nupdater_host_up 1.0\n"), text);
            assertTrue(text.contains("\nupdater_host_ready 1.0\n"), text);
            assertTrue(text.contains("\nupdater_running_info{version=\"1.1.0\"} 1\n"), text);
        }
    }

    @Test
    void aFailingCheck_keepsTheLastSuccessfulOneSeenBefore() throws Exception {
        UpdateHome home = aHomeWithEverything(null);
        scrape(home, ApplyPolicy.ON_EXIT, counted(0, 0, 0));
        endpoint.close();
        // the same collector must remember: one endpoint, two scrapes
        int port;
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }
        endpoint = MetricsEndpoint.open(new MetricsAddress(InetAddress.getLoopbackAddress(), port), home,
                ApplyPolicy.ON_EXIT, () -> counted(0, 0, 0), "9.9.9", () -> "{}", NOON, line -> { });
        String url = "http://127.0.0.1:" + port + "/metrics";
        assertTrue(Scrape.get(url).contains("updater_last_successful_check_timestamp_seconds 1.77046566E9\n"));
        AgentRecord ok = home.agentRecord().read().orElseThrow();
        home.agentRecord().write(new AgentRecord(ok.pid(), ok.startedAt(), ok.runningVersion(), ok.versionSource(),
                ok.target(), ok.targetSha256(), ok.commandLine(), ok.agentVersion(), ok.hostId(), ok.ready(), ok.readyAt(),
                T.plusSeconds(960), "failed", ok.latestSeen(), "connection refused", false, null, T.plusSeconds(960)));

        String text = Scrape.get(url);

        assertTrue(text.contains("updater_last_check_success 0.0\n"), text);
        assertTrue(text.contains("updater_last_check_timestamp_seconds 1.77046656E9\n"), text);
        assertTrue(text.contains("updater_last_successful_check_timestamp_seconds 1.77046566E9\n"), text);
    }

    @Test
    void aSidecarStartedWhileTheChecksFail_knowsTheLastSuccessful_fromTheAgentsRecord() throws Exception {
        UpdateHome home = aHomeWithEverything(null);
        AgentRecord ok = home.agentRecord().read().orElseThrow();
        home.agentRecord().write(new AgentRecord(ok.pid(), ok.startedAt(), ok.runningVersion(), ok.versionSource(),
                ok.target(), ok.targetSha256(), ok.commandLine(), ok.agentVersion(), ok.hostId(), ok.ready(), ok.readyAt(),
                T.plusSeconds(960), "failed", ok.latestSeen(), "connection refused", false, null, T.plusSeconds(960),
                List.of(), 9, 3, 13, false, T.plusSeconds(60)));

        String text = scrape(home, ApplyPolicy.ON_EXIT, counted(0, 0, 0)); // a new endpoint: it saw no success itself

        assertTrue(text.contains("updater_last_check_success 0.0\n"), text);
        assertTrue(text.contains("updater_last_successful_check_timestamp_seconds 1.77046566E9\n"), text);
    }

    @Test
    void aStagedRelease_saysWhyItWaits_byPolicyWindowAndQuarantine() throws Exception {
        UpdateHome home = aHomeWithEverything(null);
        Path jar = Files.write(dir.resolve("1.3.0.jar"), "release 1.3.0".getBytes(StandardCharsets.UTF_8));
        Staging.stage(home.dir(), jar, "1.3.0", false, null);

        assertTrue(scrape(home, ApplyPolicy.ON_EXIT, counted(0, 0, 0))
                .contains("updater_staged_release_waiting{reason=\"policy\"} 1.0\n"));
        endpoint.close();
        assertTrue(scrape(home, ApplyPolicy.parse("window=02:00-04:00"), counted(0, 0, 0))
                .contains("updater_staged_release_waiting{reason=\"window\"} 1.0\n"));
        endpoint.close();
        assertTrue(scrape(home, ApplyPolicy.MANUAL, counted(0, 0, 0))
                .contains("updater_staged_release_waiting{reason=\"approval\"} 1.0\n"));
        endpoint.close();
        String immediate = scrape(home, ApplyPolicy.IMMEDIATE, counted(0, 0, 0));
        assertFalse(immediate.contains("} 1.0\n"), "nothing to wait for: " + immediate);
        endpoint.close();
        JsonRecords.write(home.quarantine(), new Quarantine(List.of(new Quarantine.Entry(ReleaseVersion.tryParse("1.3.0"), "failed", T))));
        assertTrue(scrape(home, ApplyPolicy.IMMEDIATE, counted(0, 0, 0))
                .contains("updater_staged_release_waiting{reason=\"quarantined\"} 1.0\n"));
    }

    @Test
    void anEmptyHome_showsOnlyWhatIsKnown_andNoRecordFailsTheScrape() throws Exception {
        UpdateHome home = new UpdateHome(Staging.newHome(dir.resolve("empty")));
        Files.writeString(home.dir().resolve("agent.json"), "{not json");

        String text = scrape(home, ApplyPolicy.ON_EXIT, SupervisionCounters.none().snapshot());

        assertEquals(List.of("updater_held_back_versions 0.0", "updater_host_ready 0.0", "updater_host_restarts_total 0.0",
                "updater_host_up 0.0",
                "updater_quarantined_versions 0.0", "updater_sidecar_info{version=\"9.9.9\"} 1",
                "updater_staged_release_waiting{reason=\"approval\"} 0.0",
                "updater_staged_release_waiting{reason=\"policy\"} 0.0",
                "updater_staged_release_waiting{reason=\"quarantined\"} 0.0",
                "updater_staged_release_waiting{reason=\"window\"} 0.0",
                "updater_updates_total{result=\"committed\"} 0.0", "updater_updates_total{result=\"failed\"} 0.0",
                "updater_updates_total{result=\"rolled_back\"} 0.0"),
                text.lines().filter(l -> !l.startsWith("#")).toList());
    }

    @Test
    void theExposition_passesPromtoolCheckMetrics() throws Exception {
        assumeTrue(Scrape.promtool().isPresent(), "promtool is not installed (Debian package 'prometheus'; .ci/run"
                + " installs it): the exposition is not checked by Prometheus' own linter here");
        String text = scrape(aHomeWithEverything("connection refused"), ApplyPolicy.ON_EXIT, counted(1, 1, 1));

        String[] result = Scrape.promtool(List.of("check", "metrics"), text);

        assertEquals("0", result[0], result[1] + "\n" + text);
        assertEquals("", result[1].strip(), "promtool found no problem: " + result[1]);
    }
}
