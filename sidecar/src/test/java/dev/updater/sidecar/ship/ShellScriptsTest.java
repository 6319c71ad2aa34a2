package dev.updater.sidecar.ship;

import dev.updater.core.testing.ChildProcess.Finished;
import dev.updater.core.testing.ChildProcess;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Every shell script the project ships or runs passes shellcheck; install.sh as plain POSIX sh. */
@DisabledOnOs(value = OS.WINDOWS, disabledReason = "the scripts are POSIX shell, run on Linux and macOS")
class ShellScriptsTest {
    @TempDir
    Path temp;

    @BeforeEach
    void shellcheckInstalled() {
        assumeTrue(ChildProcess.available("shellcheck", "--version"),
                "shellcheck is not installed (apt-get install shellcheck, brew install shellcheck); .ci/run installs it");
    }

    @Test
    void installSh_isPosixSh_andPassesShellcheck() throws Exception {
        Path installer = ShipFiles.file("install.sh");
        assertEquals("#!/bin/sh", Files.readAllLines(installer).get(0), "POSIX sh, for curl ... | sh on any system");
        assertClean(shellcheck("--shell=sh", installer.toString()));
    }

    @Test
    void theScriptsUnderScripts_passShellcheck() throws Exception {
        List<String> args = new ArrayList<>(List.of("--external-sources"));
        try (Stream<Path> files = Files.list(ShipFiles.ROOT.resolve("scripts"))) {
            files.filter(f -> f.toString().endsWith(".sh")).sorted().forEach(f -> args.add(f.toString()));
        }
        assertEquals(true, args.size() > 1, "scripts/*.sh");
        assertClean(shellcheck(args.toArray(String[]::new)));
    }

    @Test
    void theCiEntryPoint_passesShellcheck() throws Exception {
        assertClean(shellcheck("--shell=bash", ShipFiles.file(".ci/run").toString()));
    }

    @Test
    void everyWorkflowRunStep_passesShellcheckAsBash() throws Exception {
        for (String workflow : List.of("ci.yml", "release.yml")) {
            int i = 0;
            for (JsonNode job : ShipFiles.yaml(ShipFiles.file(".github/workflows/" + workflow)).get("jobs")) {
                for (JsonNode step : job.get("steps")) {
                    if (step.has("run") && !"cmd".equals(step.path("shell").asText())) {
                        Path script = temp.resolve(workflow + "-step-" + (i++) + ".sh");
                        Files.writeString(script, step.get("run").asText());
                        assertClean(shellcheck("--shell=bash", script.toString()));
                    }
                }
            }
        }
    }

    @Test
    void theKubernetesSeedScript_passesShellcheckAsSh() throws Exception {
        for (JsonNode document : ShipFiles.yamlDocuments(ShipFiles.file("deploy/kubernetes/app.yaml"))) {
            for (JsonNode container : document.at("/spec/template/spec/initContainers")) {
                JsonNode command = container.path("command");
                if (command.size() == 3 && "sh".equals(command.get(0).asText()) && "-c".equals(command.get(1).asText())) {
                    Path script = temp.resolve(container.get("name").asText() + ".sh");
                    Files.writeString(script, command.get(2).asText());
                    assertClean(shellcheck("--shell=sh", script.toString()));
                }
            }
        }
    }

    private static Finished shellcheck(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("shellcheck", "--format=gcc"));
        command.addAll(List.of(args));
        return ShipFiles.run(command, java.util.Map.of());
    }

    private static void assertClean(Finished shellcheck) {
        assertEquals(0, shellcheck.exitCode(), shellcheck.toString());
    }
}
