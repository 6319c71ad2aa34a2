package dev.updater.sidecar.ship;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.ParseResult;

import java.lang.reflect.Method;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every updater-sidecar command line in deploy/ is one the CLI accepts: its parser (not run)
 * reads each with the real options, converters and checks, so a renamed option or a malformed
 * duration in a deployment file fails here, not in production.
 */
class DeployedCommandLinesTest {
    @Test
    void theKubernetesContainers_passTheSidecarValidArguments() throws Exception {
        List<String> checked = new ArrayList<>();
        for (JsonNode document : ShipFiles.yamlDocuments(ShipFiles.file("deploy/kubernetes/app.yaml"))) {
            for (JsonNode container : document.at("/spec/template/spec/initContainers")) {
                if (container.path("image").asText().startsWith("updater-sidecar:")) {
                    List<String> args = new ArrayList<>();
                    container.path("args").forEach(a -> args.add(a.asText()));
                    checked.add(parse(args).subcommand().commandSpec().name());
                }
            }
        }
        assertEquals(List.of("agent-jar", "watch"), checked);
    }

    @Test
    void theSystemdUnit_passesTheSidecarValidArguments() throws Exception {
        String unit = Files.readString(ShipFiles.file("deploy/systemd/app.service")).replace("\\\n", " ");
        Matcher exec = Pattern.compile("(?m)^ExecStart=(.*)$").matcher(unit);
        assertTrue(exec.find());
        List<String> words = Arrays.asList(exec.group(1).trim().split("\\s+"));
        List<String> args = words.subList(words.indexOf("/opt/updater/updater-sidecar.jar") + 1, words.size());

        ParseResult run = parse(args).subcommand();

        assertEquals("run", run.commandSpec().name());
        assertTrue(run.matchedPositionals().size() > 0, "the service's command follows --");
    }

    @Test
    void theDockerImage_runsTheSidecarJar_withAValidDefault() throws Exception {
        String dockerfile = Files.readString(ShipFiles.file("deploy/docker/Dockerfile"));
        Matcher entry = Pattern.compile("(?m)^ENTRYPOINT \\[(.*)]$").matcher(dockerfile);
        assertTrue(entry.find(), "an exec-form ENTRYPOINT");
        assertTrue(entry.group(1).endsWith("\"-jar\", \"/opt/updater/updater-sidecar.jar\""), entry.group(1));
        assertTrue(dockerfile.contains("COPY --chmod=0444 sidecar/target/updater-sidecar.jar /opt/updater/updater-sidecar.jar"));
        Matcher cmd = Pattern.compile("(?m)^CMD \\[\"(.*)\"]$").matcher(dockerfile);
        assertTrue(cmd.find());
        assertTrue(parse(List.of(cmd.group(1))).isUsageHelpRequested());
    }

    /** Parses as {@code updater-sidecar ARGS} would, without running anything; a bad argument throws. */
    private static ParseResult parse(List<String> args) throws Exception {
        Method newCommandLine = Class.forName("dev.updater.sidecar.cli.UpdaterCommand").getDeclaredMethod("newCommandLine");
        newCommandLine.setAccessible(true);
        CommandLine cli = (CommandLine) newCommandLine.invoke(null);
        return cli.parseArgs(args.toArray(String[]::new));
    }
}
