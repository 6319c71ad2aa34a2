package dev.updater.sidecar.swap;

import dev.updater.core.ErrorCode;
import dev.updater.core.Sha256;
import dev.updater.core.UpdaterException;
import dev.updater.core.home.InstalledRelease;
import dev.updater.core.home.JsonRecords;
import dev.updater.core.home.UpdateHome;
import dev.updater.sidecar.health.GateSettings;
import dev.updater.sidecar.health.HealthGate;
import dev.updater.sidecar.testhost.Staging;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static dev.updater.sidecar.swap.SwapTransactionTest.NEW;
import static dev.updater.sidecar.swap.SwapTransactionTest.OLD;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Recovery decides by the target's bytes, for every state a crash can leave the journal in. */
class RecoveryTest {
    @TempDir
    Path dir;

    Path home;
    UpdateHome updateHome;
    Path target;
    List<String> log = new ArrayList<>();
    ScriptedHosts hosts = new ScriptedHosts();

    @BeforeEach
    void aHomeMidInstallOf110Over100() throws Exception {
        home = Staging.newHome(dir.resolve("home"));
        updateHome = new UpdateHome(home);
        target = Files.createDirectories(dir.resolve("opt")).resolve("app.jar");
        Files.write(target, OLD);
        JsonRecords.write(updateHome.installedRecord(), new InstalledRelease("1.0.0", sha(OLD), target.toString(), null, null));
        Staging.stage(home, Files.write(dir.resolve("new.jar"), NEW), "1.1.0");
        Path backup = Files.createDirectories(home.resolve("backup/1.0.0")).resolve("app.jar");
        Files.write(backup, OLD);
        new Backups(updateHome).record(new Backups.Backup("1.0.0", sha(OLD), OLD.length, "backup/1.0.0/app.jar",
                Instant.now()));
    }

    private SwapJournal journal(SwapState state, String gateFailure, int resumes, boolean pendingStart)
            throws UpdaterException {
        Instant now = Instant.now();
        return new SwapJournal("20260207T120000.000Z", SwapJournal.Kind.INSTALL, state, target.toString(),
                new SwapJournal.Artifact("1.0.0", sha(OLD), OLD.length), new SwapJournal.Artifact("1.1.0", sha(NEW), NEW.length),
                "releases/1.1.0/app.jar", "backup/1.0.0/app.jar", false, 1, resumes, pendingStart, gateFailure, null,
                now, now).writeTo(updateHome);
    }

    private Optional<Outcome> recover() throws Exception {
        HealthGate gate = new HealthGate(new GateSettings(null, Duration.ofMillis(20), Duration.ofSeconds(2)),
                updateHome.agentRecord());
        return new Recovery(new SwapContext(updateHome, gate, 2, Clock.systemUTC(), log::add), hosts).recover();
    }

    @Test
    void noJournal_nothingToDo() throws Exception {
        assertEquals(Optional.empty(), recover());
        assertEquals(List.of(), hosts.calls);
    }

    @Test
    void preparedWithTheOldBytes_redoesTheSwap_andCommits() throws Exception {
        journal(SwapState.PREPARED, null, 0, false);
        Files.write(SwapTransaction.tempFileOf(SwapJournal.read(updateHome).orElseThrow()), "half".getBytes(StandardCharsets.UTF_8));

        Outcome outcome = recover().orElseThrow();

        assertEquals(Outcome.Result.COMMITTED, outcome.result(), outcome.message());
        assertArrayEquals(NEW, Files.readAllBytes(target));
        assertEquals(1, outcome.journal().resumes());
        assertEquals(2, outcome.journal().attempts());
        assertEquals("found an unfinished install of 1.1.0 over 1.0.0 (prepared); the target holds 1.0.0; resume 1 of 2",
                log.get(0));
        assertEquals(List.of("start new 1.1.0"), hosts.calls);
        assertEquals(List.of("app.jar"), Files.list(target.getParent()).map(p -> p.getFileName().toString()).toList());
    }

    @Test
    void preparedWithTheNewBytes_theRenameHappened_soItStartsAndGatesTheNewVersion() throws Exception {
        journal(SwapState.PREPARED, null, 0, false);
        Files.write(target, NEW);

        Outcome outcome = recover().orElseThrow();

        assertEquals(Outcome.Result.COMMITTED, outcome.result());
        assertEquals(List.of("start new 1.1.0"), hosts.calls);
    }

    @Test
    void verifyingWithTheNewBytes_gatesAgain_andRollsBackWhenItFails() throws Exception {
        journal(SwapState.VERIFYING, null, 0, false);
        Files.write(target, NEW);
        hosts.thenExits().thenHealthy();

        Outcome outcome = recover().orElseThrow();

        assertEquals(Outcome.Result.ROLLED_BACK, outcome.result());
        assertArrayEquals(OLD, Files.readAllBytes(target));
        assertEquals(List.of("start new 1.1.0", "stop failed", "start old 1.0.0"), hosts.calls);
    }

    @Test
    void aFailedGateWithTheNewBytes_restoresTheBackup_withoutTryingTheNewVersionAgain() throws Exception {
        journal(SwapState.VERIFYING, "1.1.0 failed its health gate: the host exited with code 3 before it passed", 0, false);
        Files.write(target, NEW);

        Outcome outcome = recover().orElseThrow();

        assertEquals(Outcome.Result.ROLLED_BACK, outcome.result());
        assertArrayEquals(OLD, Files.readAllBytes(target));
        assertEquals(List.of("start old 1.0.0"), hosts.calls);
        assertEquals(List.of("1.1.0"), QuarantineFile.read(updateHome).versions().stream().map(e -> e.version()).toList());
    }

    @Test
    void aFailedGateWithTheOldBytesBack_finishesTheRollback() throws Exception {
        journal(SwapState.VERIFYING, "1.1.0 failed its health gate: the host exited with code 3 before it passed", 0, false);

        Outcome outcome = recover().orElseThrow();

        assertEquals(Outcome.Result.ROLLED_BACK, outcome.result());
        assertEquals(SwapState.ROLLED_BACK, SwapJournal.read(updateHome).orElseThrow().state());
        assertEquals(List.of("start old 1.0.0"), hosts.calls);
        assertFalse(Files.exists(updateHome.stagedRecord()));
    }

    @Test
    void aTargetThatIsNeitherVersion_isRefused_withWhatToDo() throws Exception {
        journal(SwapState.SWAPPED, null, 0, false);
        Files.write(target, "someone else's".getBytes(StandardCharsets.UTF_8));

        UpdaterException e = assertThrows(UpdaterException.class, this::recover);

        assertEquals(ErrorCode.TARGET_MISMATCH, e.code());
        assertEquals("The target " + target + " holds neither 1.0.0 (SHA-256 " + sha(OLD) + ") nor 1.1.0 (" + sha(NEW)
                + ") of the unfinished install of 1.1.0 over 1.0.0; it is "
                + sha("someone else's".getBytes(StandardCharsets.UTF_8)) + ". Something else changed it: put the right"
                + " artifact back (backups are in " + home.resolve("backup") + "), then move " + home.resolve("journal.json")
                + " away and start again.", e.getMessage());
        assertEquals(List.of(), hosts.calls);
    }

    @Test
    void theThirdResume_isOneTooMany_theLoopBreakerRollsBackAndQuarantines() throws Exception {
        journal(SwapState.VERIFYING, null, 2, false);
        Files.write(target, NEW);

        Outcome outcome = recover().orElseThrow();

        assertEquals(Outcome.Result.ROLLED_BACK, outcome.result());
        SwapJournal journal = SwapJournal.read(updateHome).orElseThrow();
        assertEquals(3, journal.resumes());
        assertEquals("gave up the install of 1.1.0 over 1.0.0: a sidecar stopped during it 3 times", journal.gateFailure());
        assertArrayEquals(OLD, Files.readAllBytes(target));
        assertEquals("gave up the install of 1.1.0 over 1.0.0: a sidecar stopped during it 3 times",
                QuarantineFile.read(updateHome).versions().get(0).reason());
        assertEquals(List.of("start old 1.0.0"), hosts.calls);
    }

    @Test
    void preparedWhoseSourceIsGone_isAbandoned_andNothingChanges() throws Exception {
        journal(SwapState.PREPARED, null, 0, false);
        Files.delete(home.resolve("releases/1.1.0/app.jar"));

        Outcome outcome = recover().orElseThrow();

        assertEquals(Outcome.Result.REJECTED, outcome.result());
        assertEquals("abandoned the unfinished install of 1.1.0 over 1.0.0 before its swap: "
                + home.resolve("releases/1.1.0/app.jar") + " no longer holds 1.1.0; the target still holds 1.0.0",
                outcome.message());
        assertArrayEquals(OLD, Files.readAllBytes(target));
        assertEquals(List.of(), hosts.calls);
        assertTrue(QuarantineFile.read(updateHome).versions().isEmpty(), "not the release's fault");
    }

    @Test
    void aSwapHandedOverByApply_isStartedAndGated_withoutCountingAResume() throws Exception {
        journal(SwapState.SWAPPED, null, 0, true);
        Files.write(target, NEW);

        Outcome outcome = recover().orElseThrow();

        assertEquals(Outcome.Result.COMMITTED, outcome.result());
        assertEquals(0, outcome.journal().resumes());
        assertFalse(outcome.journal().pendingStart());
    }

    @Test
    void aCommittedJournal_onlyGetsItsCleanUpFinished() throws Exception {
        journal(SwapState.COMMITTED, null, 0, false);
        Files.write(target, NEW);

        assertEquals(Optional.empty(), recover());

        assertFalse(Files.exists(updateHome.stagedRecord()), "a crash after the commit left staged.json");
        assertEquals("1.1.0", JsonRecords.read(updateHome.installedRecord(), InstalledRelease.class).orElseThrow().version());
        assertEquals(List.of(), hosts.calls);
    }

    private static String sha(byte[] bytes) {
        return Sha256.ofBytes(bytes).hex();
    }
}
