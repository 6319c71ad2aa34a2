package dev.updater.sidecar.cli;

import dev.updater.core.Sha256;
import dev.updater.core.home.InstalledRelease;
import dev.updater.core.home.JsonRecords;
import dev.updater.core.home.SwapJournal;
import dev.updater.core.home.SwapState;
import dev.updater.core.home.UpdateHome;
import dev.updater.core.testing.ChildProcess;
import dev.updater.core.version.ReleaseVersion;
import dev.updater.sidecar.testhost.SidecarJar;
import dev.updater.sidecar.testhost.Staging;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** {@code rollback} on a real terminal (a pseudo-terminal made by {@code script}): it asks before it restarts anything. */
@EnabledOnOs(value = OS.LINUX, disabledReason = "the pseudo-terminal comes from util-linux script(1)")
class RollbackConfirmIT {
    private static final Duration EXIT = Duration.ofSeconds(30);
    private static final byte[] OLD = "app 1.0.0".getBytes(StandardCharsets.UTF_8);
    private static final byte[] NEW = "app 1.1.0!".getBytes(StandardCharsets.UTF_8);

    @TempDir
    Path dir;

    private Path home;
    private Path target;

    @BeforeEach
    void installed110Over100() throws Exception {
        assumeTrue(ChildProcess.available("script", "--version"), "needs util-linux 'script' for a pseudo-terminal");
        SidecarJar.assumeBuilt();
        home = Staging.newHome(dir.resolve("home"));
        target = Files.write(dir.resolve("app.jar"), OLD);
        JsonRecords.write(home.resolve("installed.json"), new InstalledRelease(ReleaseVersion.parse("1.0.0"),
                Sha256.ofBytes(OLD), target.toString(), null, null));
        Staging.stage(home, Files.write(dir.resolve("new.jar"), NEW), "1.1.0");
        assertEquals(0, CliRun.run("apply", "--home", home.toString(), "--yes", "--target", target.toString()).exitCode());
        SwapJournal swapped = new UpdateHome(home).swapJournal().read().orElseThrow();
        new UpdateHome(home).swapJournal().write(swapped.withState(SwapState.COMMITTED, swapped.updatedAt()));
        JsonRecords.write(home.resolve("installed.json"), new InstalledRelease(ReleaseVersion.parse("1.1.0"),
                Sha256.ofBytes(NEW), target.toString(), ReleaseVersion.parse("1.0.0"), null));
    }

    @Test
    void answeringNo_changesNothing() throws Exception {
        Map<String, String> before = snapshot();

        ChildProcess run = onTerminal("n");

        assertEquals(1, run.awaitExit(EXIT), run.toString());
        String out = run.outputText();
        assertTrue(out.contains("Roll back " + target + " from 1.1.0 to 1.0.0. This restarts the host, and 1.1.0 is"
                + " held back: not installed again automatically until 'updater-sidecar allow'."), out);
        assertTrue(out.contains("Proceed? [y/N] "), out);
        assertTrue(out.contains("Cancelled: nothing was changed; 1.1.0 stays installed."), out);
        assertEquals(before, snapshot());
    }

    @Test
    void answeringYes_rollsBack() throws Exception {
        ChildProcess run = onTerminal("y");

        assertEquals(0, run.awaitExit(EXIT), run.toString());
        assertArrayEquals(OLD, Files.readAllBytes(target));
        assertTrue(new UpdateHome(home).quarantineList().read().orElseThrow().entry(ReleaseVersion.tryParse("1.1.0")).orElseThrow().held());
    }

    /** The sidecar jar's rollback with a pseudo-terminal as its console, {@code answer} typed at the question. */
    private ChildProcess onTerminal(String answer) throws Exception {
        String command = SidecarJar.command(List.of(), List.of("rollback", "--home", home.toString(), "--target",
                target.toString())).stream().map(RollbackConfirmIT::quoted).collect(Collectors.joining(" "));
        ChildProcess script = ChildProcess.start(List.of("script", "-qefc", command, "/dev/null"));
        script.awaitLine(line -> line.contains("Roll back "), EXIT);
        script.send(answer);
        return script;
    }

    private static String quoted(String word) {
        return "'" + word.replace("'", "'\\''") + "'";
    }

    private Map<String, String> snapshot() throws Exception {
        Map<String, String> files = new TreeMap<>();
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path file : walk.filter(Files::isRegularFile).toList()) {
                files.put(dir.relativize(file).toString(), Sha256.ofFile(file).hex());
            }
        }
        return files;
    }
}
