package dev.updater.sidecar.ship;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * deploy/kubernetes/app.yaml has the properties container mode depends on (DESIGN §5, §9): the
 * sidecar a native sidecar in watch mode, the app with the agent, home and artifact on one
 * persistent volume seen at the same path by both, one user, a startup probe, recreation explained.
 */
class KubernetesDeploymentTest {
    private static final Path YAML = ShipFiles.file("deploy/kubernetes/app.yaml");

    private List<JsonNode> documents;
    private JsonNode workload;
    private JsonNode pod;
    private JsonNode sidecar;
    private JsonNode app;

    @BeforeEach
    void parse() throws Exception {
        documents = ShipFiles.yamlDocuments(YAML);
        workload = documents.stream()
                .filter(d -> List.of("StatefulSet", "Deployment").contains(d.path("kind").asText()))
                .reduce((a, b) -> {
                    throw new AssertionError("one workload expected");
                })
                .orElseThrow(() -> new AssertionError("no StatefulSet or Deployment in " + YAML));
        pod = workload.at("/spec/template/spec");
        List<JsonNode> nativeSidecars = new ArrayList<>();
        for (JsonNode container : pod.path("initContainers")) {
            if ("Always".equals(container.path("restartPolicy").asText())) {
                nativeSidecars.add(container);
            }
        }
        assertEquals(1, nativeSidecars.size(), "exactly one native sidecar (initContainer with restartPolicy: Always)");
        sidecar = nativeSidecars.get(0);
        assertEquals(1, pod.path("containers").size(), "one app container");
        app = pod.path("containers").get(0);
    }

    @Test
    void theSidecar_isANativeSidecar_runningWatch() {
        List<String> args = commandLine(sidecar);
        assertEquals("watch", args.get(0), args.toString());
        assertTrue(args.contains("--home"), args.toString());
        assertTrue(args.contains("--health-url"), "a health gate beyond 'alive': " + args);
    }

    @Test
    void theApp_runsWithTheAgent_onTheJarOnTheVolume() {
        List<String> command = commandLine(app);
        String javaagent = command.stream().filter(a -> a.startsWith("-javaagent:")).findFirst()
                .orElseThrow(() -> new AssertionError("no -javaagent in " + command));
        String agentJar = javaagent.substring("-javaagent:".length()).split("=", 2)[0];
        Path mount = sharedMount();
        assertTrue(Path.of(agentJar).startsWith(mount), agentJar + " is on the shared volume " + mount);

        JsonNode installAgent = initContainerRunning("agent-jar");
        assertEquals(sidecar.get("image").asText(), installAgent.get("image").asText(),
                "the agent jar comes from the sidecar's own image (one build)");
        List<String> install = commandLine(installAgent);
        assertEquals(agentJar, install.get(install.indexOf("--out") + 1));
        assertTrue(indexOf(installAgent) < indexOf(sidecar), "the agent jar is written before the sidecar starts");
    }

    @Test
    void homeAndArtifact_areOnOnePersistentVolume_atTheSamePathInBothContainers() {
        Path mount = sharedMount();
        Path home = Path.of(optionValue(commandLine(sidecar), "--home"));
        assertTrue(home.startsWith(mount), "home " + home + " on the volume " + mount);
        assertEquals(home.toString(), agentSetting("home"), "the agent and the sidecar share one home");

        List<String> command = commandLine(app);
        Path target = Path.of(command.get(command.indexOf("-jar") + 1));
        assertTrue(target.startsWith(mount), "the app runs " + target + ", which must be on the volume " + mount
                + " so the swap is a rename on one filesystem");
        assertEquals(target.toString(), optionValue(commandLine(sidecar), "--target"));

        String volume = volumeAt(app, mount);
        boolean claimTemplate = false;
        for (JsonNode template : workload.at("/spec/volumeClaimTemplates")) {
            claimTemplate |= volume.equals(template.at("/metadata/name").asText());
        }
        boolean claim = false;
        for (JsonNode declared : pod.path("volumes")) {
            claim |= volume.equals(declared.path("name").asText()) && declared.has("persistentVolumeClaim");
        }
        assertTrue(claimTemplate || claim, "volume " + volume + " is a PersistentVolumeClaim, not an emptyDir");
    }

    @Test
    void bothContainers_runAsTheSameNonRootUser_asTheDockerImage() throws Exception {
        long sidecarUser = effective(sidecar, "runAsUser");
        long appUser = effective(app, "runAsUser");
        assertEquals(sidecarUser, appUser, "the sidecar renames the app's files and signals its JVM: same user");
        assertNotEquals(0, appUser, "not root");
        assertEquals(effective(sidecar, "runAsGroup"), effective(app, "runAsGroup"));

        Matcher user = Pattern.compile("(?m)^USER (\\d+):(\\d+)$")
                .matcher(Files.readString(ShipFiles.file("deploy/docker/Dockerfile")));
        assertTrue(user.find(), "the Dockerfile sets USER uid:gid");
        assertEquals(sidecarUser, Long.parseLong(user.group(1)), "deploy/docker/Dockerfile's user");
        assertEquals(effective(sidecar, "runAsGroup"), Long.parseLong(user.group(2)));
    }

    @Test
    void theSidecar_canSignalTheApp_asDesignSection9Requires() {
        assertTrue(pod.path("shareProcessNamespace").asBoolean(false), "shareProcessNamespace: true");
    }

    @Test
    void theApp_hasAStartupProbe() {
        JsonNode probe = app.path("startupProbe");
        assertTrue(probe.isObject(), "startupProbe on the app container");
        assertTrue(probe.path("failureThreshold").asInt(3) * probe.path("periodSeconds").asInt(10) >= 60,
                "a JVM gets at least a minute to start: " + probe);
    }

    @Test
    void theSidecarsMetrics_areOnItsNamedPort_annotatedForScraping_onTheService_andProbedAtHealthz() throws Exception {
        List<String> args = commandLine(sidecar);
        String port = optionValue(args, "--metrics-port");
        assertEquals("0.0.0.0", optionValue(args, "--metrics-bind"), "reachable by Prometheus in the pod network");
        JsonNode metricsPort = null;
        for (JsonNode p : sidecar.path("ports")) {
            if (p.path("name").asText().equals("metrics")) {
                metricsPort = p;
            }
        }
        assertNotNull(metricsPort, "the sidecar names its port 'metrics'");
        assertEquals(port, metricsPort.get("containerPort").asText());
        JsonNode annotations = workload.at("/spec/template/metadata/annotations");
        assertEquals("true", annotations.path("prometheus.io/scrape").asText());
        assertEquals(port, annotations.path("prometheus.io/port").asText());
        assertEquals("/metrics", annotations.path("prometheus.io/path").asText());
        assertEquals("/healthz", sidecar.at("/livenessProbe/httpGet/path").asText());
        assertEquals("metrics", sidecar.at("/livenessProbe/httpGet/port").asText());

        JsonNode service = documents.stream().filter(d -> d.path("kind").asText().equals("Service")).findFirst()
                .orElseThrow();
        boolean servicePort = false;
        for (JsonNode p : service.at("/spec/ports")) {
            servicePort |= p.path("name").asText().equals("metrics") && p.path("targetPort").asText().equals("metrics");
        }
        assertTrue(servicePort, "the Service has a 'metrics' port to the sidecar's: " + service);
        JsonNode monitor = ShipFiles.yaml(ShipFiles.file("deploy/kubernetes/servicemonitor.yaml"));
        assertEquals("ServiceMonitor", monitor.get("kind").asText());
        assertEquals("metrics", monitor.at("/spec/endpoints/0/port").asText());
        assertEquals("/metrics", monitor.at("/spec/endpoints/0/path").asText());
        monitor.at("/spec/selector/matchLabels").fields().forEachRemaining(label -> assertEquals(label.getValue().asText(),
                service.at("/metadata/labels/" + label.getKey()).asText(), "the ServiceMonitor selects the Service"));
    }

    @Test
    void podRecreation_isExplained() throws Exception {
        String comments = comments(Files.readString(YAML));
        for (String topic : List.of("recreated", "PersistentVolume", "emptyDir", "back-off", "300 s")) {
            assertTrue(comments.contains(topic), "the comments explain pod recreation; missing: " + topic);
        }
    }

    private Path sharedMount() {
        Map<String, String> sidecarMounts = mounts(sidecar);
        Map<String, String> appMounts = mounts(app);
        for (Map.Entry<String, String> mount : sidecarMounts.entrySet()) {
            if (mount.getValue().equals(appMounts.get(mount.getKey()))) {
                return Path.of(mount.getKey());
            }
        }
        throw new AssertionError("no volume mounted at the same path in both containers: " + sidecarMounts + " / " + appMounts);
    }

    private static String volumeAt(JsonNode container, Path mount) {
        return mounts(container).get(mount.toString());
    }

    /** Mount path to volume name. */
    private static Map<String, String> mounts(JsonNode container) {
        Map<String, String> mounts = new HashMap<>();
        for (JsonNode mount : container.path("volumeMounts")) {
            mounts.put(mount.get("mountPath").asText(), mount.get("name").asText());
        }
        return mounts;
    }

    /** An agent setting as the app container gets it: -javaagent arguments, else UPDATER_* from env or a ConfigMap. */
    private String agentSetting(String key) {
        for (String arg : commandLine(app)) {
            if (arg.startsWith("-javaagent:") && arg.contains("=")) {
                for (String pair : arg.substring(arg.indexOf('=') + 1).split(",")) {
                    if (pair.startsWith(key + "=")) {
                        return pair.substring(key.length() + 1);
                    }
                }
            }
        }
        String variable = "UPDATER_" + key.toUpperCase(java.util.Locale.ROOT).replace('-', '_');
        for (JsonNode env : app.path("env")) {
            if (variable.equals(env.path("name").asText())) {
                return env.path("value").asText();
            }
        }
        for (JsonNode from : app.path("envFrom")) {
            String configMap = from.at("/configMapRef/name").asText();
            for (JsonNode document : documents) {
                if ("ConfigMap".equals(document.path("kind").asText())
                        && configMap.equals(document.at("/metadata/name").asText())
                        && document.at("/data").has(variable)) {
                    return document.at("/data/" + variable).asText();
                }
            }
        }
        throw new AssertionError("the app container does not set the agent's " + key);
    }

    private long effective(JsonNode container, String field) {
        JsonNode value = container.at("/securityContext/" + field);
        if (value.isMissingNode()) {
            value = pod.at("/securityContext/" + field);
        }
        assertNotNull(value.isMissingNode() ? null : value, field + " is set for " + container.get("name"));
        return value.asLong();
    }

    private JsonNode initContainerRunning(String command) {
        for (JsonNode container : pod.path("initContainers")) {
            if (commandLine(container).contains(command)) {
                return container;
            }
        }
        throw new AssertionError("no init container runs " + command);
    }

    private int indexOf(JsonNode initContainer) {
        int i = 0;
        for (JsonNode container : pod.path("initContainers")) {
            if (container.equals(initContainer)) {
                return i;
            }
            i++;
        }
        return -1;
    }

    private static List<String> commandLine(JsonNode container) {
        List<String> words = new ArrayList<>();
        container.path("command").forEach(n -> words.add(n.asText()));
        container.path("args").forEach(n -> words.add(n.asText()));
        return words;
    }

    private static String optionValue(List<String> args, String option) {
        int at = args.indexOf(option);
        assertTrue(at >= 0 && at + 1 < args.size(), option + " in " + args);
        return args.get(at + 1);
    }

    private static String comments(String yaml) {
        StringBuilder comments = new StringBuilder();
        for (String line : yaml.split("\n")) {
            int hash = line.indexOf('#');
            if (hash >= 0 && line.substring(0, hash).isBlank()) {
                comments.append(line.substring(hash + 1).strip()).append(' ');
            }
        }
        return comments.toString();
    }
}
