package dev.updater.sidecar.supervise;

import dev.updater.core.Sha256;
import dev.updater.core.version.ReleaseVersion;
import dev.updater.core.ErrorCode;
import dev.updater.core.UpdaterException;
import dev.updater.core.home.AgentRecord;
import dev.updater.core.home.InstalledRelease;
import dev.updater.core.home.UpdateHome;
import dev.updater.core.home.SwapJournal;
import dev.updater.core.home.SwapState;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TargetsTest {
    private static final Instant NOW = Instant.parse("2026-03-02T09:30:00Z");
    private static final String SHA_A = "a".repeat(64);
    private static final String SHA_B = "b".repeat(64);

    @TempDir
    Path dir;

    private UpdateHome home;
    private Path target;

    @BeforeEach
    void home() throws Exception {
        home = new UpdateHome(Files.createDirectory(dir.resolve("home")));
        target = Files.writeString(dir.resolve("app.jar"), "1.0.0");
    }

    private void agentRuns(Path file) throws Exception {
        home.agentRecord().write(new AgentRecord(1, NOW, ReleaseVersion.parse("1.0.0"), "manifest", file.toString(),
                null, List.of(), "test", "h", false, null, null, null, null, null, false, null, NOW));
    }

    @Test
    void ofCommand_takesTargetFirst_thenTheJarOfTheHostCommand_neverAgentJson() throws Exception {
        agentRuns(dir.resolve("elsewhere.jar"));
        List<String> command = List.of("java", "-javaagent:updater.jar=target=/x", "-jar", "app.jar", "--port", "1");

        assertEquals(Optional.of(new Targets.Target(Path.of("app.jar"), "the host command's -jar")),
                Targets.ofCommand(null, command));
        assertEquals(Optional.of(new Targets.Target(target, "--target")), Targets.ofCommand(target, command));
        assertEquals(Optional.empty(), Targets.ofCommand(null, List.of("./start.sh")));
    }

    @Test
    void ofOptionOrInstalled_takesTheLastInstallsTarget_inTheCallersOwnHome() throws Exception {
        home.installedRecord().write(new InstalledRelease(ReleaseVersion.parse("1.0.0"), new Sha256(SHA_A), target.toString(), null, null));
        assertEquals(new Targets.Target(target, "installed.json (the sidecar's last install)"),
                Targets.ofOptionOrInstalled(null, home, true));
    }

    @Test
    void ofOptionOrInstalled_inAHomeOfAnotherUser_needsTarget() throws Exception {
        home.installedRecord().write(new InstalledRelease(ReleaseVersion.parse("1.0.0"), new Sha256(SHA_A), "/etc/shadow", null, null));
        UpdaterException e = assertThrows(UpdaterException.class, () -> Targets.ofOptionOrInstalled(null, home, false));
        assertEquals(ErrorCode.TARGET_UNKNOWN, e.code());
        assertEquals("The update home " + home.dir() + " belongs to another user (--allow-other-owner), so its records"
                + " do not name the file to replace; give the file the host runs with --target.", e.getMessage());
        assertEquals(new Targets.Target(target, "--target"), Targets.ofOptionOrInstalled(target, home, false));
    }

    @Test
    void ofOptionOrInstalled_beforeAnyInstall_needsTarget() {
        UpdaterException e = assertThrows(UpdaterException.class, () -> Targets.ofOptionOrInstalled(null, home, true));
        assertEquals(ErrorCode.TARGET_UNKNOWN, e.code());
        assertEquals("No install has recorded the target in " + home.installedRecord() + " yet; give the file the host"
                + " runs with --target.", e.getMessage());
    }

    @Test
    void refuseOtherAgentTarget_acceptsTheSameFileByAnotherPath_andRefusesAnotherFile() throws Exception {
        Path link = Files.createSymbolicLink(dir.resolve("current.jar"), target);
        agentRuns(link);
        Targets.refuseOtherAgentTarget(home, new Targets.Target(target, "--target"), "nothing was installed");

        Path other = Files.writeString(dir.resolve("other.jar"), "other");
        agentRuns(other);
        UpdaterException e = assertThrows(UpdaterException.class, () -> Targets.refuseOtherAgentTarget(home,
                new Targets.Target(target, "--target"), "nothing was installed"));
        assertEquals(ErrorCode.TARGET_CONFLICT, e.code());
        assertEquals("The host's " + home.agentRecord() + " says it runs " + other + ", but this sidecar's target is "
                + target + " (--target); nothing was installed. If the app moved, start the host once so that its"
                + " agent records the new path; otherwise give --target the file the host runs.", e.getMessage());
    }

    @Test
    void refuseOtherJournalTarget_refusesToRecoverASwapOfAnotherFile_andIgnoresFinishedOnes() throws Exception {
        Path victim = Files.writeString(dir.resolve("victim.conf"), "precious");
        SwapJournal journal = journal(victim, SwapState.SWAPPED);

        UpdaterException e = assertThrows(UpdaterException.class, () -> Targets.refuseOtherJournalTarget(home,
                new Targets.Target(target, "the host command's -jar")));

        assertEquals(ErrorCode.TARGET_CONFLICT, e.code());
        assertEquals("The unfinished install of 1.1.0 over 1.0.0 in " + home.journal() + " swaps " + victim + ", but"
                + " this sidecar's target is " + target + " (the host command's -jar); nothing was changed. Start the"
                + " sidecar with the target of that swap (--target " + victim + ") to finish it, or, if that file is"
                + " not the host's, move " + home.journal() + " away.", e.getMessage());
        assertEquals("precious", Files.readString(victim));

        home.swapJournal().write(journal.withState(SwapState.COMMITTED, NOW));
        Targets.refuseOtherJournalTarget(home, new Targets.Target(target, "--target"));
        journal(target, SwapState.SWAPPED);
        Targets.refuseOtherJournalTarget(home, new Targets.Target(target, "--target"));
    }

    @Test
    void aJournalWhoseSourceLeavesTheHome_isNotAJournal() throws Exception {
        Files.writeString(home.journal(), "{\"id\":\"1\",\"kind\":\"install\",\"state\":\"prepared\",\"target\":\""
                + target + "\",\"from\":{\"sha256\":\"" + SHA_A + "\",\"size\":1},\"to\":{\"sha256\":\"" + SHA_B
                + "\",\"size\":1},\"source\":\"releases/../../../etc/shadow\",\"backup\":\"backup/1.0.0/app.jar\","
                + "\"startedAt\":\"2026-02-07T12:00:00Z\",\"updatedAt\":\"2026-02-07T12:00:00Z\"}\n");

        UpdaterException e = assertThrows(UpdaterException.class, () -> home.swapJournal().read());

        assertEquals(ErrorCode.RECORD_MALFORMED, e.code());
        assertTrue(e.getMessage().contains("The journal's source \"releases/../../../etc/shadow\" is not a file in the"
                + " home's releases/ or backup/ folder"), e.getMessage());
    }

    private SwapJournal journal(Path of, SwapState state) throws Exception {
        SwapJournal journal = new SwapJournal("20260207T120000.000Z", SwapJournal.Kind.INSTALL, state, of.toString(),
                new SwapJournal.Artifact(ReleaseVersion.tryParse("1.0.0"), new Sha256(SHA_A), 5), new SwapJournal.Artifact(ReleaseVersion.tryParse("1.1.0"), new Sha256(SHA_B), 5),
                "releases/1.1.0/app.jar", "backup/1.0.0/app.jar", false, 1, 0, false, null, null, NOW, NOW);
        home.swapJournal().write(journal);
        return journal;
    }
}
