package dev.updater.sidecar.metrics;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.updater.core.home.UpdateHome;
import dev.updater.core.json.Json;
import dev.updater.sidecar.supervise.ApplyPolicy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.StandardOpenOption;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The monitoring files an operator takes from deploy/: the alert rules pass Prometheus' own checker,
 * the dashboard is JSON, and both use only metrics the sidecar exposes, each of which docs/operations.md
 * describes.
 */
class DeployedMonitoringTest {
    private static final Path ROOT = Path.of("").toAbsolutePath().getParent();
    private static final Path RULES = ROOT.resolve("deploy/prometheus/updater-alerts.yml");
    private static final Path DASHBOARD = ROOT.resolve("deploy/grafana/updater.json");
    private static final Pattern METRIC = Pattern.compile("\\bupdater_[a-z_]+[a-z]\\b");

    @TempDir
    Path dir;

    /** Every metric family a home with every record shows, as Prometheus names them. */
    private Set<String> exposed() throws Exception {
        int port;
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }
        UpdateHome home = HomeMetricsTest.aHomeWithEverything(dir, null);
        try (FileChannel hostLock = FileChannel.open(home.hostLock(), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
             FileLock running = hostLock.lock(); // a running host, so updater_running_info is there too
             MetricsEndpoint endpoint = MetricsEndpoint.open(new MetricsAddress(InetAddress.getLoopbackAddress(), port),
                home, ApplyPolicy.ON_EXIT,
                () -> HomeMetricsTest.counted(1, 1, 1), "1.0.0", () -> "{}", Clock.systemUTC(), line -> { })) {
            Set<String> names = new TreeSet<>();
            Scrape.get("http://127.0.0.1:" + port + "/metrics").lines().filter(l -> l.startsWith("# TYPE "))
                    .forEach(l -> names.add(l.split(" ")[2]));
            return names;
        }
    }

    private static Set<String> referenced(String text) {
        Set<String> names = new TreeSet<>();
        Matcher m = METRIC.matcher(text);
        while (m.find()) {
            names.add(m.group());
        }
        return names;
    }

    @Test
    void theAlertRules_passPromtoolCheckRules() throws Exception {
        assumeTrue(Scrape.promtool().isPresent(), "promtool is not installed (Debian package 'prometheus'; .ci/run"
                + " installs it): the rules are only parsed as YAML here");
        String[] result = Scrape.promtool(List.of("check", "rules", RULES.toString()), "");

        assertEquals("0", result[0], result[1]);
        assertTrue(result[1].contains("SUCCESS: 6 rules found"), result[1]);
    }

    @Test
    void theAlertRules_coverARollbackAMissingCheckAndALongWaitForApproval() throws Exception {
        JsonNode rules = new ObjectMapper(new YAMLFactory()).readTree(RULES.toFile()).at("/groups/0/rules");
        List<String> names = new java.util.ArrayList<>();
        rules.forEach(r -> names.add(r.get("alert").asText()));

        assertEquals(List.of("UpdaterRolledBack", "UpdaterUpdateFailed", "UpdaterNoSuccessfulCheck",
                "UpdaterChecksFailing", "UpdaterWaitingForApproval", "UpdaterHostDown"), names);
        assertEquals("increase(updater_updates_total{result=\"rolled_back\"}[30m]) > 0", rules.get(0).get("expr").asText());
        assertEquals("time() - updater_last_successful_check_timestamp_seconds > 2700", rules.get(2).get("expr").asText());
        assertTrue(rules.get(4).get("expr").asText().contains("> 86400"), "a day: " + rules.get(4));
        Set<String> unknown = referenced(Files.readString(RULES));
        unknown.removeAll(exposed());
        assertEquals(Set.of(), unknown, "metrics the rules use that the sidecar does not expose");
    }

    @Test
    void theDashboard_isJson_andUsesOnlyExposedMetrics() throws Exception {
        JsonNode dashboard = Json.mapper().readTree(DASHBOARD.toFile());
        assertEquals("updater", dashboard.get("uid").asText());
        List<String> titles = new java.util.ArrayList<>();
        dashboard.get("panels").forEach(p -> titles.add(p.get("title").asText()));
        assertTrue(titles.containsAll(List.of("Installed version over time", "Updates and rollbacks",
                "Time since the last successful check")), titles.toString());

        Set<String> used = referenced(Files.readString(DASHBOARD));
        Set<String> unknown = new TreeSet<>(used);
        unknown.removeAll(exposed());

        assertEquals(Set.of(), unknown, "metrics the dashboard queries that the sidecar does not expose");
        assertTrue(used.contains("updater_updates_total"), used.toString());
    }

    @Test
    void docsOperations_describesEveryExposedMetric() throws Exception {
        String docs = Files.readString(ROOT.resolve("docs/operations.md"));
        Set<String> undocumented = new TreeSet<>(exposed());
        undocumented.removeIf(name -> docs.contains("`" + name + "`") || docs.contains("`" + name + "{"));

        assertEquals(Set.of(), undocumented, "metrics docs/operations.md does not describe");
        Set<String> stale = referenced(docs);
        stale.removeAll(exposed());
        assertEquals(Set.of(), stale, "metrics docs/operations.md names that the sidecar does not expose");
    }
}
