package dev.updater.sidecar.ship;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.MatchResult;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The GitHub Actions workflows parse, run only scripts that exist, and cover what CI and releases need. */
class WorkflowsTest {
    private static final Path WORKFLOWS = ShipFiles.ROOT.resolve(".github/workflows");
    /** Repository files a run: step can execute: scripts/…, .ci/…, the Maven wrapper, install.sh. */
    private static final Pattern SCRIPT = Pattern.compile(
            "(?<![\\w/.$-])(?:\\./)?((?:scripts|\\.ci)/[\\w./-]+|mvnw(?:\\.cmd)?|install\\.sh)(?![\\w./-])");
    private static final Pattern OPTION = Pattern.compile("(?<![\\w-])--[a-z][a-z-]*");
    private static final Pattern OS_CONDITION = Pattern.compile("(?m)^\\s*@(Disabled|Enabled)OnOs\\(");
    private static final Pattern TEST_NAME = Pattern.compile("\\b[A-Z]\\w*(Test|IT)\\b");

    @Test
    void everyWorkflow_isYaml_withTriggersJobsAndSteps() throws Exception {
        List<Path> files = workflows();
        assertEquals(List.of("ci.yml", "release.yml"), files.stream().map(f -> f.getFileName().toString()).toList());
        for (Path file : files) {
            JsonNode workflow = ShipFiles.yaml(file);
            assertTrue(workflow.hasNonNull("name"), file + ": name");
            assertTrue(workflow.hasNonNull("on"), file + ": on");
            assertTrue(workflow.get("jobs").size() > 0, file + ": jobs");
            for (JsonNode job : workflow.get("jobs")) {
                assertTrue(job.hasNonNull("runs-on"), file + ": runs-on");
                for (JsonNode step : job.get("steps")) {
                    assertTrue(step.has("uses") ^ step.has("run"), file + ": a step uses an action or runs commands: " + step);
                }
            }
        }
    }

    @Test
    void everyScriptAWorkflowRuns_exists() throws Exception {
        for (Path file : workflows()) {
            Set<String> scripts = new LinkedHashSet<>();
            for (String run : runs(ShipFiles.yaml(file))) {
                Matcher matcher = SCRIPT.matcher(run);
                while (matcher.find()) {
                    scripts.add(matcher.group(1));
                }
            }
            assertFalse(scripts.isEmpty(), file + " runs no script of this repository");
            for (String script : scripts) {
                assertTrue(Files.isRegularFile(ShipFiles.ROOT.resolve(script)), file + " runs " + script + ", which does not exist");
            }
        }
    }

    @Test
    void everyLocalAction_exists() throws Exception {
        for (Path file : workflows()) {
            for (JsonNode step : steps(ShipFiles.yaml(file))) {
                String uses = step.path("uses").asText("");
                if (uses.startsWith("./")) {
                    assertTrue(Files.isDirectory(ShipFiles.ROOT.resolve(uses)), file + " uses " + uses);
                } else if (!uses.isEmpty()) {
                    assertTrue(uses.matches("[\\w.-]+/[\\w.-]+(/[\\w./-]+)?@[\\w.-]+"), file + ": pin a version: " + uses);
                }
            }
        }
    }

    @Test
    void ci_verifiesOnLinuxMacosAndWindows_withJdk17And25_cachingMaven() throws Exception {
        JsonNode ci = ShipFiles.yaml(WORKFLOWS.resolve("ci.yml"));
        JsonNode job = ci.get("jobs").get("verify");
        assertEquals("${{ matrix.os }}", job.get("runs-on").asText());
        assertEquals(List.of("ubuntu-latest", "macos-latest", "windows-latest"), texts(job.at("/strategy/matrix/os")));
        assertEquals(List.of("17", "25"), texts(job.at("/strategy/matrix/java")));
        assertEquals(false, job.at("/strategy/fail-fast").asBoolean(true), "one failing platform does not hide the others");

        JsonNode setupJava = step(job, "actions/setup-java@");
        assertEquals("${{ matrix.java }}", setupJava.at("/with/java-version").asText());
        assertEquals("maven", setupJava.at("/with/cache").asText());

        List<String> runs = runs(ci);
        assertTrue(runs.contains("./mvnw -B verify"), runs.toString());
        assertTrue(runs.contains("mvnw.cmd -B verify"), runs.toString());
        for (JsonNode step : job.get("steps")) {
            if (step.path("run").asText().equals("mvnw.cmd -B verify")) {
                assertEquals("runner.os == 'Windows'", step.get("if").asText());
            }
            if (step.path("run").asText().equals("./mvnw -B verify")) {
                assertEquals("runner.os != 'Windows'", step.get("if").asText());
            }
        }
    }

    /** Its header comment is the list of tests skipped on some OS; a test added or renamed must not leave it stale. */
    @Test
    void ci_namesEveryTestDisabledOnAnOs_andEveryTestItNamesExists() throws Exception {
        String ci = Files.readString(WORKFLOWS.resolve("ci.yml"));
        String header = ci.substring(0, ci.indexOf("\nname:"));
        Map<String, String> tests = new TreeMap<>();
        for (String module : List.of("core", "agent", "sidecar", "demo-app")) {
            try (Stream<Path> files = Files.walk(ShipFiles.ROOT.resolve(module).resolve("src/test/java"))) {
                for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                    tests.put(file.getFileName().toString().replace(".java", ""), Files.readString(file));
                }
            }
        }
        List<String> onSomeOs = tests.entrySet().stream().filter(t -> OS_CONDITION.matcher(t.getValue()).find())
                .map(Map.Entry::getKey).toList();
        assertTrue(onSomeOs.contains("InstallScriptIT"), "the sources were found: " + onSomeOs);

        List<String> named = TEST_NAME.matcher(header).results().map(MatchResult::group).distinct().toList();
        assertEquals(List.of(), onSomeOs.stream().filter(name -> !named.contains(name)).toList(),
                "test classes with @DisabledOnOs or @EnabledOnOs that ci.yml's header does not name");
        assertEquals(List.of(), named.stream().filter(name -> !tests.containsKey(name)).toList(),
                "tests that ci.yml's header names but no module has");
    }

    @Test
    void release_onVTags_releasesWithTheScript_signedWithTheSecretKey_andAttachesTheFiles() throws Exception {
        JsonNode release = ShipFiles.yaml(WORKFLOWS.resolve("release.yml"));
        assertEquals(List.of("v*"), texts(release.at("/on/push/tags")));
        assertEquals("write", release.at("/permissions/contents").asText());
        JsonNode job = release.get("jobs").get("release");

        JsonNode releaseStep = stepRunning(job, "scripts/release.sh");
        assertEquals("${{ secrets.UPDATER_RELEASE_KEY }}", releaseStep.at("/env/UPDATER_RELEASE_KEY").asText());
        String script = Files.readString(ShipFiles.file("scripts/release.sh"));
        Matcher options = OPTION.matcher(releaseStep.get("run").asText());
        while (options.find()) {
            assertTrue(script.contains("\n      " + options.group() + ")"),
                    "release.yml passes " + options.group() + ", which scripts/release.sh does not take");
        }

        String create = stepRunning(job, "gh release create").get("run").asText();
        assertTrue(create.contains("dist/download/\"$TAG\"/*"), create);
        assertTrue(stepRunning(job, "./mvnw -B verify").has("run"), "the release is tested before it is made");
    }

    @Test
    void release_renewsTheLatestReleasesManifestEveryWeek_withPublishResign() throws Exception {
        JsonNode release = ShipFiles.yaml(WORKFLOWS.resolve("release.yml"));
        assertEquals("17 3 * * 1", release.at("/on/schedule/0/cron").asText(), "weekly, well within the 30-day expiry");
        assertTrue(release.at("/on").has("workflow_dispatch"), "and on demand");
        assertEquals("github.event_name == 'push'", release.at("/jobs/release/if").asText(), "a schedule releases nothing");
        JsonNode resign = release.get("jobs").get("resign");
        assertEquals("github.event_name != 'push'", resign.get("if").asText());

        JsonNode step = stepRunning(resign, "publish --resign");
        String run = step.get("run").asText();
        assertEquals("${{ secrets.UPDATER_RELEASE_KEY }}", step.at("/env/UPDATER_RELEASE_KEY").asText());
        assertTrue(run.contains("--expires-in 30d"), run);
        assertTrue(run.contains("sha256sum --check --ignore-missing --strict SHA256SUMS"),
                "the jar that gets the key is the released one: " + run);
        assertTrue(run.contains("rm -f \"$key\""), "the key file does not outlive the step: " + run);
        assertTrue(run.contains("gh release upload \"$tag\" channel/manifest.json channel/manifest.json.sig --clobber"),
                run);
        assertTrue(run.contains("if [ -f channel/manifest.signed ]; then gh release upload \"$tag\" channel/manifest.signed"
                + " --clobber; fi"), "manifest.signed is renewed with the pair, or it expires: " + run);
    }

    private static List<Path> workflows() throws Exception {
        try (Stream<Path> files = Files.list(WORKFLOWS)) {
            return files.filter(f -> f.toString().endsWith(".yml") || f.toString().endsWith(".yaml")).sorted().toList();
        }
    }

    private static List<JsonNode> steps(JsonNode workflow) {
        List<JsonNode> steps = new ArrayList<>();
        for (JsonNode job : workflow.get("jobs")) {
            job.get("steps").forEach(steps::add);
        }
        return steps;
    }

    private static List<String> runs(JsonNode workflow) {
        return steps(workflow).stream().filter(s -> s.has("run")).map(s -> s.get("run").asText().strip()).toList();
    }

    private static JsonNode step(JsonNode job, String usesPrefix) {
        for (JsonNode step : job.get("steps")) {
            if (step.path("uses").asText().startsWith(usesPrefix)) {
                return step;
            }
        }
        throw new AssertionError("no step uses " + usesPrefix);
    }

    private static JsonNode stepRunning(JsonNode job, String text) {
        for (JsonNode step : job.get("steps")) {
            if (step.path("run").asText().contains(text)) {
                return step;
            }
        }
        throw new AssertionError("no step runs " + text);
    }

    private static List<String> texts(JsonNode array) {
        List<String> texts = new ArrayList<>();
        array.forEach(node -> texts.add(node.asText()));
        return texts;
    }
}
