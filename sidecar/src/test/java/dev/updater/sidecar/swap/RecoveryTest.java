package dev.updater.sidecar.swap;

import dev.updater.core.version.ReleaseVersion;
import dev.updater.core.ErrorCode;
import dev.updater.core.Sha256;
import dev.updater.core.UpdaterException;
import dev.updater.core.home.Backup;
import dev.updater.core.home.InstalledRelease;
import dev.updater.core.home.Quarantine;
import dev.updater.core.home.SwapJournal;
import dev.updater.core.home.SwapState;
import dev.updater.core.home.UpdateHome;
import dev.updater.sidecar.testhost.Staging;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static dev.updater.sidecar.swap.SwapTransactionTest.NEW;
import static dev.updater.sidecar.swap.SwapTransactionTest.OLD;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Recovery decides by the target's bytes, for every state a crash can leave the journal in. */
class RecoveryTest {
    @TempDir
    Path dir;

    Path home;
    UpdateHome updateHome;
    Path target;
    List<String> log = new ArrayList<>();
    Clock clock = new TickingClock(Instant.parse("2026-02-07T12:00:00Z"));
    ScriptedHosts hosts = new ScriptedHosts(clock);

    @BeforeEach
    void aHomeMidInstallOf110Over100() throws Exception {
        home = Staging.newHome(dir.resolve("home"));
        updateHome = new UpdateHome(home);
        target = Files.createDirectories(dir.resolve("opt")).resolve("app.jar");
        Files.write(target, OLD);
        updateHome.installedRecord().write(new InstalledRelease(ReleaseVersion.parse("1.0.0"), new Sha256(sha(OLD)), target.toString(), null, null));
        Staging.stage(home, Files.write(dir.resolve("new.jar"), NEW), "1.1.0");
        Path backup = Files.createDirectories(home.resolve("backup/1.0.0")).resolve("app.jar");
        Files.write(backup, OLD);
        updateHome.backup(backup.getParent()).write(new Backup(ReleaseVersion.tryParse("1.0.0"), new Sha256(sha(OLD)), OLD.length, "backup/1.0.0/app.jar",
                clock.instant()));
    }

    private SwapJournal journal(SwapState state, String gateFailure, int resumes, boolean pendingStart)
            throws UpdaterException {
        Instant now = clock.instant();
        SwapJournal journal = new SwapJournal("20260207T120000.000Z", SwapJournal.Kind.INSTALL, state, target.toString(),
                new SwapJournal.Artifact(ReleaseVersion.tryParse("1.0.0"), new Sha256(sha(OLD)), OLD.length), new SwapJournal.Artifact(ReleaseVersion.tryParse("1.1.0"), new Sha256(sha(NEW)), NEW.length),
                "releases/1.1.0/app.jar", "backup/1.0.0/app.jar", false, 1, resumes, pendingStart, gateFailure, null,
                now, now);
        updateHome.swapJournal().write(journal);
        return journal;
    }

    private Optional<Outcome> recover() throws Exception {
        return new Recovery(new SwapContext(updateHome, 2, clock, log::add), hosts).recover();
    }

    @Test
    void noJournal_nothingToDo() throws Exception {
        assertEquals(Optional.empty(), recover());
        assertEquals(List.of(), hosts.calls);
    }

    @Test
    void preparedWithTheOldBytes_redoesTheSwap_andCommits() throws Exception {
        journal(SwapState.PREPARED, null, 0, false);
        Files.write(ReplaceTarget.tempFileOf(updateHome.swapJournal().read().orElseThrow()), "half".getBytes(StandardCharsets.UTF_8));

        Outcome outcome = recover().orElseThrow();

        Outcome.Installed installed = assertInstanceOf(Outcome.Installed.class, outcome, outcome.message());
        assertArrayEquals(NEW, Files.readAllBytes(target));
        assertEquals(1, installed.journal().resumes());
        assertEquals(2, installed.journal().attempts());
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

        assertInstanceOf(Outcome.Installed.class, outcome);
        assertEquals(List.of("start new 1.1.0"), hosts.calls);
    }

    @Test
    void verifyingWithTheNewBytes_gatesAgain_andRollsBackWhenItFails() throws Exception {
        journal(SwapState.VERIFYING, null, 0, false);
        Files.write(target, NEW);
        hosts.thenExits().thenHealthy();

        Outcome outcome = recover().orElseThrow();

        assertInstanceOf(Outcome.RolledBack.class, outcome);
        assertArrayEquals(OLD, Files.readAllBytes(target));
        assertEquals(List.of("start new 1.1.0", "stop failed", "start old 1.0.0"), hosts.calls);
    }

    @Test
    void aFailedGateWithTheNewBytes_restoresTheBackup_withoutTryingTheNewVersionAgain() throws Exception {
        journal(SwapState.VERIFYING, "1.1.0 failed its health gate: the host exited with code 3 before it passed", 0, false);
        Files.write(target, NEW);

        Outcome outcome = recover().orElseThrow();

        assertInstanceOf(Outcome.RolledBack.class, outcome);
        assertArrayEquals(OLD, Files.readAllBytes(target));
        assertEquals(List.of("start old 1.0.0"), hosts.calls);
        assertEquals(List.of("1.1.0"), updateHome.quarantineList().read().orElse(Quarantine.NONE).versions().stream().map(e -> e.version().toString()).toList());
    }

    @Test
    void aFailedGateWithTheOldBytesBack_finishesTheRollback() throws Exception {
        journal(SwapState.VERIFYING, "1.1.0 failed its health gate: the host exited with code 3 before it passed", 0, false);

        Outcome outcome = recover().orElseThrow();

        assertInstanceOf(Outcome.RolledBack.class, outcome);
        assertEquals(SwapState.ROLLED_BACK, updateHome.swapJournal().read().orElseThrow().state());
        assertEquals(List.of("start old 1.0.0"), hosts.calls);
        assertFalse(Files.exists(updateHome.stagedRecord().path()));
    }

    @Test
    void aTargetChangedByHandMidJournal_isLeftAsItIs_theJournalIsAbandoned_andTheHostStartsOnIt() throws Exception {
        journal(SwapState.SWAPPED, null, 0, false);
        byte[] byHand = "someone else's".getBytes(StandardCharsets.UTF_8);
        Files.write(target, byHand);

        Outcome outcome = recover().orElseThrow();

        // an Abandoned outcome carries no host: the supervisor starts one on the target as it is
        assertInstanceOf(Outcome.Abandoned.class, outcome);
        String sentence = "Could not finish the install of 1.1.0 over 1.0.0: the target holds neither 1.0.0 (SHA-256 "
                + sha(OLD) + ") nor 1.1.0 (" + sha(NEW) + "): something else changed it (backups are in "
                + home.resolve("backup") + "). The target " + target + " was left as it is, holding unknown bytes (SHA-256 "
                + sha(byHand) + "), and the host runs on it; the journal is closed as abandoned and nothing is retried."
                + " Check the target, then install or roll back with 'updater-sidecar apply' or 'rollback'.";
        assertEquals(sentence, outcome.message());
        assertArrayEquals(byHand, Files.readAllBytes(target));
        SwapJournal journal = updateHome.swapJournal().read().orElseThrow();
        assertEquals(SwapState.ABANDONED, journal.state());
        assertEquals(sentence, journal.detail());
        assertEquals(List.of("failed 1.1.0 " + sentence), history());
        InstalledRelease installed = updateHome.installedRecord().read().orElseThrow();
        assertNull(installed.version(), "nothing vouches for bytes put there by hand");
        assertEquals(sha(byHand), installed.sha256().hex());
        assertFalse(Files.exists(updateHome.stagedRecord().path()), "1.1.0 would be installed over it at once otherwise");
        assertTrue(updateHome.quarantineList().read().orElse(Quarantine.NONE).versions().isEmpty(), "not the release's fault");
        assertEquals(List.of(), hosts.calls);
        assertArrayEquals(OLD, Files.readAllBytes(home.resolve("backup/1.0.0/app.jar")), "the backup is kept");
    }

    @Test
    void anAbandonedJournal_isClosed_soTheNextStartDoesNotTryAgain() throws Exception {
        journal(SwapState.VERIFYING, null, 0, false);
        Files.write(target, "someone else's".getBytes(StandardCharsets.UTF_8));
        recover();
        SwapJournal abandoned = updateHome.swapJournal().read().orElseThrow();
        List<String> before = history();

        assertEquals(Optional.empty(), recover());
        assertEquals(Optional.empty(), recover());

        assertEquals(abandoned, updateHome.swapJournal().read().orElseThrow());
        assertEquals(before, history());
        assertArrayEquals("someone else's".getBytes(StandardCharsets.UTF_8), Files.readAllBytes(target));
        assertEquals(List.of(), hosts.calls);
    }

    @Test
    void aFailedGateWhoseBackupIsGone_isAbandoned_withTheNewBytesLeftInPlace_andTheVersionQuarantined() throws Exception {
        String failure = "1.1.0 failed its health gate: the host exited with code 3 before it passed";
        journal(SwapState.VERIFYING, failure, 0, false);
        Files.write(target, NEW);
        deleteBackup();

        Outcome outcome = recover().orElseThrow();

        assertInstanceOf(Outcome.Abandoned.class, outcome);
        assertEquals("Could not finish the install of 1.1.0 over 1.0.0: its backup " + home.resolve("backup/1.0.0/app.jar")
                + " is missing, so 1.0.0 cannot be put back. The target " + target + " was left as it is, holding 1.1.0,"
                + " and the host runs on it; the journal is closed as abandoned and nothing is retried. Check the target,"
                + " then install or roll back with 'updater-sidecar apply' or 'rollback'.", outcome.message());
        assertArrayEquals(NEW, Files.readAllBytes(target));
        assertEquals(SwapState.ABANDONED, updateHome.swapJournal().read().orElseThrow().state());
        assertEquals(List.of("1.1.0"), updateHome.quarantineList().read().orElse(Quarantine.NONE).versions().stream().map(e -> e.version().toString()).toList());
        assertEquals(List.of("quarantined 1.1.0 " + failure, "failed 1.1.0 " + outcome.message()), history());
        InstalledRelease installed = updateHome.installedRecord().read().orElseThrow();
        assertEquals("1.1.0", installed.version().toString());
        assertEquals("1.0.0", installed.previousVersion().toString());
        assertEquals(List.of(), hosts.calls);
        assertEquals(Optional.empty(), recover(), "closed: not tried again");
    }

    @Test
    void verifyingWhoseBackupIsGone_andTheGateFailsAgain_isAbandoned_afterStoppingTheFailedHost() throws Exception {
        journal(SwapState.VERIFYING, null, 0, false);
        Files.write(target, NEW);
        deleteBackup();
        hosts.thenExits();

        Outcome outcome = recover().orElseThrow();

        assertInstanceOf(Outcome.Abandoned.class, outcome);
        assertTrue(outcome.message().startsWith("Could not finish the install of 1.1.0 over 1.0.0: its backup "
                + home.resolve("backup/1.0.0/app.jar") + " is missing"), outcome.message());
        assertEquals(List.of("start new 1.1.0", "stop failed"), hosts.calls);
        assertArrayEquals(NEW, Files.readAllBytes(target));
        assertEquals("1.1.0 failed its health gate: the host exited with code 3 before it passed",
                updateHome.swapJournal().read().orElseThrow().gateFailure());
    }

    @Test
    void verifyingWhoseBackupIsGone_commitsWhenTheGatePasses_theBackupOnlyMattersForARollback() throws Exception {
        journal(SwapState.VERIFYING, null, 0, false);
        Files.write(target, NEW);
        deleteBackup();

        Outcome outcome = recover().orElseThrow();

        assertInstanceOf(Outcome.Installed.class, outcome, outcome.message());
        assertEquals(List.of("start new 1.1.0"), hosts.calls);
    }

    @Test
    void aFailedGateWhoseBackupHoldsOtherBytes_isAbandoned_andSaysWhatItHolds() throws Exception {
        journal(SwapState.VERIFYING, "1.1.0 failed its health gate: the host exited with code 3 before it passed", 0, false);
        Files.write(target, NEW);
        byte[] rotten = "rotten".getBytes(StandardCharsets.UTF_8);
        Files.write(home.resolve("backup/1.0.0/app.jar"), rotten);

        Outcome outcome = recover().orElseThrow();

        assertInstanceOf(Outcome.Abandoned.class, outcome);
        assertTrue(outcome.message().startsWith("Could not finish the install of 1.1.0 over 1.0.0: its backup "
                + home.resolve("backup/1.0.0/app.jar") + " holds other bytes (SHA-256 " + sha(rotten) + "), so 1.0.0"
                + " cannot be put back. The target " + target + " was left as it is, holding 1.1.0"), outcome.message());
        assertArrayEquals(NEW, Files.readAllBytes(target));
    }

    // ---- a target that is a symbolic link (app.jar -> app-1.0.0.jar): decided by what it resolves to

    private Path linkTargetToOldBytes() throws Exception {
        Path destination = Files.write(target.resolveSibling("app-1.0.0.jar"), OLD);
        Files.delete(target);
        Files.createSymbolicLink(target, Path.of("app-1.0.0.jar"));
        return destination;
    }

    @Test
    void preparedWithTheLinkStillInPlace_redoesTheSwap_replacingTheLink_notItsDestination() throws Exception {
        Path destination = linkTargetToOldBytes();
        journal(SwapState.PREPARED, null, 0, false);

        Outcome outcome = recover().orElseThrow();

        assertInstanceOf(Outcome.Installed.class, outcome, outcome.message());
        assertFalse(Files.isSymbolicLink(target));
        assertArrayEquals(NEW, Files.readAllBytes(target));
        assertArrayEquals(OLD, Files.readAllBytes(destination));
        assertTrue(log.get(0).endsWith("; the target holds 1.0.0; resume 1 of 2"), log.get(0));
    }

    @Test
    void aFailedGateWithTheLinkStillInPlace_finishesTheRollback_leavingTheLink() throws Exception {
        linkTargetToOldBytes();
        journal(SwapState.VERIFYING, "1.1.0 failed its health gate: the host exited with code 3 before it passed", 0, false);

        Outcome outcome = recover().orElseThrow();

        assertInstanceOf(Outcome.RolledBack.class, outcome);
        assertTrue(Files.isSymbolicLink(target), "the old bytes are there already: nothing to restore");
        assertEquals(List.of("start old 1.0.0"), hosts.calls);
    }

    @Test
    void aFailedGateAfterTheLinkWasReplaced_restoresTheBackupAsAFile() throws Exception {
        Path destination = linkTargetToOldBytes();
        journal(SwapState.VERIFYING, "1.1.0 failed its health gate: the host exited with code 3 before it passed", 0, false);
        Files.delete(target);
        Files.write(target, NEW); // the swap renamed the new file over the link

        Outcome outcome = recover().orElseThrow();

        assertInstanceOf(Outcome.RolledBack.class, outcome);
        assertFalse(Files.isSymbolicLink(target));
        assertArrayEquals(OLD, Files.readAllBytes(target));
        assertArrayEquals(OLD, Files.readAllBytes(destination));
    }

    @Test
    void aLinkRepointedByHandToOtherBytes_isAbandoned_leavingTheLink() throws Exception {
        linkTargetToOldBytes();
        journal(SwapState.SWAPPED, null, 0, false);
        byte[] other = "app 1.0.9 put there by hand".getBytes(StandardCharsets.UTF_8);
        Files.write(target.resolveSibling("app-1.0.9.jar"), other);
        Files.delete(target);
        Files.createSymbolicLink(target, Path.of("app-1.0.9.jar"));

        Outcome outcome = recover().orElseThrow();

        assertInstanceOf(Outcome.Abandoned.class, outcome);
        assertTrue(outcome.message().contains("holding unknown bytes (SHA-256 " + sha(other) + ")"), outcome.message());
        assertEquals(Path.of("app-1.0.9.jar"), Files.readSymbolicLink(target));
    }

    @Test
    void theThirdResume_isOneTooMany_theLoopBreakerRollsBackAndQuarantines() throws Exception {
        journal(SwapState.VERIFYING, null, 2, false);
        Files.write(target, NEW);

        Outcome outcome = recover().orElseThrow();

        assertInstanceOf(Outcome.RolledBack.class, outcome);
        SwapJournal journal = updateHome.swapJournal().read().orElseThrow();
        assertEquals(3, journal.resumes());
        assertEquals("gave up the install of 1.1.0 over 1.0.0: a sidecar stopped during it 3 times", journal.gateFailure());
        assertArrayEquals(OLD, Files.readAllBytes(target));
        assertEquals("gave up the install of 1.1.0 over 1.0.0: a sidecar stopped during it 3 times",
                updateHome.quarantineList().read().orElse(Quarantine.NONE).versions().get(0).reason());
        assertEquals(List.of("start old 1.0.0"), hosts.calls);
    }

    @Test
    void preparedWhoseSourceIsGone_isAbandoned_andNothingChanges() throws Exception {
        journal(SwapState.PREPARED, null, 0, false);
        Files.delete(home.resolve("releases/1.1.0/app.jar"));

        Outcome outcome = recover().orElseThrow();

        Outcome.Failed failed = assertInstanceOf(Outcome.Failed.class, outcome);
        assertEquals(ErrorCode.STAGED_INVALID, failed.code());
        assertEquals(SwapState.ROLLED_BACK, failed.journal().state());
        assertEquals("abandoned the unfinished install of 1.1.0 over 1.0.0 before its swap: "
                + home.resolve("releases/1.1.0/app.jar") + " no longer holds 1.1.0; the target still holds 1.0.0",
                outcome.message());
        assertArrayEquals(OLD, Files.readAllBytes(target));
        assertEquals(List.of(), hosts.calls);
        assertTrue(updateHome.quarantineList().read().orElse(Quarantine.NONE).versions().isEmpty(), "not the release's fault");
    }

    @Test
    void aSwapHandedOverByApply_isStartedAndGated_withoutCountingAResume() throws Exception {
        journal(SwapState.SWAPPED, null, 0, true);
        Files.write(target, NEW);

        Outcome outcome = recover().orElseThrow();

        Outcome.Installed installed = assertInstanceOf(Outcome.Installed.class, outcome);
        assertEquals(0, installed.journal().resumes());
        assertFalse(installed.journal().pendingStart());
    }

    @Test
    void aCommittedJournal_onlyGetsItsCleanUpFinished() throws Exception {
        journal(SwapState.COMMITTED, null, 0, false);
        Files.write(target, NEW);

        assertEquals(Optional.empty(), recover());

        assertFalse(Files.exists(updateHome.stagedRecord().path()), "a crash after the commit left staged.json");
        assertEquals("1.1.0", updateHome.installedRecord().read().orElseThrow().version().toString());
        assertEquals(List.of(), hosts.calls);
    }

    private void deleteBackup() throws Exception {
        Files.delete(home.resolve("backup/1.0.0/app.jar"));
    }

    private List<String> history() throws UpdaterException {
        return updateHome.history().read().stream().map(e -> e.event() + " " + e.version() + " " + e.detail())
                .toList();
    }

    private static String sha(byte[] bytes) {
        return Sha256.ofBytes(bytes).hex();
    }
}
