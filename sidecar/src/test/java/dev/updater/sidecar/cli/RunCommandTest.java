package dev.updater.sidecar.cli;

import dev.updater.core.testing.OtherUser;
import dev.updater.core.testing.PosixModes;
import dev.updater.sidecar.testhost.Staging;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** How {@code run} and {@code watch} answer a wrong command line, before they start anything. */
class RunCommandTest {
    @TempDir
    Path dir;

    @Test
    void run_withoutACommand_isAUsageError() {
        CliRun run = CliRun.run("run", "--home", dir.toString());

        assertEquals(2, run.exitCode());
        assertTrue(run.err().startsWith("Missing required parameter: 'COMMAND'\nUsage: updater-sidecar run "), run.err());
        assertTrue(run.err().endsWith("Run 'updater-sidecar run --help' for more information.\n"), run.err());
    }

    @Test
    void run_withTheHostCommandWithoutDoubleDash_saysToPutItAfterDoubleDash_andStartsNothing() {
        CliRun run = CliRun.run("run", "--home", dir.resolve("x").toString(), "java", "-jar", "app.jar");

        assertEquals(2, run.exitCode());
        assertTrue(run.err().startsWith("The host's command must come after '--', so that none of its words is taken"
                + " for an option of the sidecar: updater-sidecar run --home " + dir.resolve("x") + " -- java -jar"
                + " app.jar\nUsage: updater-sidecar run "), run.err());
        assertTrue(run.err().endsWith("Run 'updater-sidecar run --help' for more information.\n"), run.err());
        assertFalse(Files.exists(dir.resolve("x")), "no home was created");
    }

    @Test
    void run_withoutDoubleDash_quotesTheWordsAShellWouldSplit() {
        CliRun run = CliRun.run("run", "--home", "x", "--apply", "immediate", "sh", "-c", "exec java -jar 'my app.jar'");

        assertEquals(2, run.exitCode());
        assertTrue(run.err().startsWith("The host's command must come after '--', so that none of its words is taken"
                + " for an option of the sidecar: updater-sidecar run --home x --apply immediate -- sh -c"
                + " 'exec java -jar '\\''my app.jar'\\'''\n"), run.err());
    }

    @Test
    void run_withAnUnknownPolicy_saysWhichAreKnown() {
        CliRun run = CliRun.run("run", "--home", dir.toString(), "--apply", "sometimes", "--", "java", "-version");

        assertEquals(2, run.exitCode());
        assertTrue(run.err().startsWith("Invalid value for option '--apply': 'sometimes' is not an apply policy; write"
                + " on-exit, immediate, manual or window=HH:MM-HH:MM (such as window=02:00-04:00)\n"), run.err());
    }

    @Test
    void run_withAnUnknownRestartMode_saysWhichAreKnown() {
        CliRun run = CliRun.run("run", "--home", dir.toString(), "--restart", "rolling", "--", "java", "-version");

        assertEquals(2, run.exitCode());
        assertTrue(run.err().startsWith("Invalid value for option '--restart': \"rolling\" is not a restart mode; use"
                + " stop-start or overlap\n"), run.err());
    }

    @Test
    void run_withProbePortsThatAreNoRange_saysHowToWriteThem() {
        CliRun run = CliRun.run("run", "--home", dir.toString(), "--restart", "overlap", "--probe-ports", "61000",
                "--", "java", "-version");

        assertEquals(2, run.exitCode());
        assertTrue(run.err().startsWith("Invalid value for option '--probe-ports': '61000' is not a port range; write"
                + " it as 61000-61099\n"), run.err());
    }

    @Test
    void run_withAMinimumUptimeBeyondTheTimeout_isAUsageError() {
        CliRun run = CliRun.run("run", "--home", dir.toString(), "--min-uptime", "2m", "--health-timeout", "1m", "--",
                "java", "-version");

        assertEquals(2, run.exitCode());
        assertTrue(run.err().startsWith("--min-uptime 2m is longer than --health-timeout 1m, so no host could ever pass;"
                + " lower the first or raise the second.\n"), run.err());
    }

    @Test
    void watch_keepingNoBackup_isAUsageError() {
        CliRun run = CliRun.run("watch", "--home", dir.toString(), "--keep-backups", "0");

        assertEquals(2, run.exitCode());
        assertTrue(run.err().startsWith("Invalid value for option '--keep-backups': 0; keep at least 1, a rollback needs"
                + " the previous version\n"), run.err());
    }

    @Test
    void run_onAHomeOthersCanWrite_isRefusedBeforeTheHostStarts() throws Exception {
        PosixModes.assumeSupported(dir);
        Path home = PosixModes.set(Staging.newHome(dir.resolve("home")), "rwxrwxrwx");
        Path marker = dir.resolve("started");

        CliRun run = CliRun.run("run", "--home", home.toString(), "--target", dir.resolve("app.jar").toString(), "--",
                "touch", marker.toString());

        assertEquals(1, run.exitCode());
        assertEquals("The update home " + home + " is writable by others (rwxrwxrwx), so they could make updater"
                + " install anything; run 'chmod 700 " + home + "' and start again.\n", run.err());
        assertEquals(false, Files.exists(marker), "the host never started");
    }

    @Test
    void run_onAHomeOfAnotherUser_isRefusedBeforeTheHostStarts_evenForRoot() throws Exception {
        OtherUser.assumeRoot();
        Path home = OtherUser.give(Staging.newHome(dir.resolve("home")));
        Path marker = dir.resolve("started");

        CliRun run = CliRun.run("run", "--home", home.toString(), "--target", dir.resolve("app.jar").toString(), "--",
                "touch", marker.toString());

        assertEquals(1, run.exitCode());
        assertTrue(run.err().startsWith("The update home " + home + " belongs to " + OtherUser.name(home)
                + " (uid 65534), not to root (uid 0), who runs this command"), run.err());
        assertEquals(false, Files.exists(marker), "the host never started");
        assertEquals(false, Files.exists(home.resolve("sidecar.lock")), "nothing was written into the home");
    }

    @Test
    void run_whoseCommandHasNoJar_needsTarget_andNeverReadsAgentJson() throws Exception {
        Path home = Staging.newHome(dir.resolve("home"));
        Files.writeString(home.resolve("agent.json"), "{\"pid\":1,\"target\":\"" + dir.resolve("victim") + "\"}");
        Path marker = dir.resolve("started");

        CliRun run = CliRun.run("run", "--home", home.toString(), "--", "touch", marker.toString());

        assertEquals(1, run.exitCode());
        assertEquals("Cannot tell which file the host runs: the command [touch, " + marker + "] has no -jar; give it"
                + " with --target.\n", run.err());
        assertEquals(false, Files.exists(marker), "the host never started");
    }

    @Test
    void watch_beforeAnyInstall_needsTarget_andNeverTakesAgentJsons() throws Exception {
        Path home = Staging.newHome(dir.resolve("home"));
        Files.writeString(home.resolve("agent.json"), "{\"pid\":1,\"target\":\"" + dir.resolve("victim") + "\"}");

        CliRun run = CliRun.run("watch", "--home", home.toString());

        assertEquals(1, run.exitCode());
        assertEquals("No install has recorded the target in " + home.resolve("installed.json") + " yet; give the file"
                + " the host runs with --target.\n", run.err());
        assertEquals(false, Files.exists(home.resolve("sidecar.lock")), "it never started watching");
    }

    @Test
    void runHelp_listsTheOptionsWithDefaults() {
        CliRun run = CliRun.run("run", "--help");

        assertEquals(0, run.exitCode());
        assertTrue(run.out().contains("--apply=POLICY"), run.out());
        assertTrue(run.out().contains("Default: on-exit."), run.out());
        assertTrue(run.out().replaceAll("\\s+", " ").contains("Default: 60s."), run.out()); // wherever it wraps
        assertTrue(run.out().contains("  143  stopped by SIGTERM (the host was stopped first)"), run.out());
        assertTrue(run.out().contains("--allow-other-owner"), run.out());
    }
}
