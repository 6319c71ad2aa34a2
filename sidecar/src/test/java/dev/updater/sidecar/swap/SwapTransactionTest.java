package dev.updater.sidecar.swap;

import dev.updater.core.version.ReleaseVersion;
import dev.updater.core.ErrorCode;
import dev.updater.core.Sha256;
import dev.updater.core.UpdaterException;
import dev.updater.core.home.Backup;
import dev.updater.core.home.HistoryEvent;
import dev.updater.core.home.InstalledRelease;
import dev.updater.core.home.Quarantine;
import dev.updater.core.home.StagedRelease;
import dev.updater.core.manifest.ArchiveFormat;
import dev.updater.core.home.SwapJournal;
import dev.updater.core.home.SwapState;
import dev.updater.core.home.UpdateHome;
import dev.updater.sidecar.health.GateResult;
import dev.updater.sidecar.testhost.Staging;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SwapTransactionTest {
    static final byte[] OLD = "old artifact 1.0.0".getBytes(StandardCharsets.UTF_8);
    static final byte[] NEW = "new artifact 1.1.0, a little longer".getBytes(StandardCharsets.UTF_8);

    @TempDir
    Path dir;

    Path home;
    UpdateHome updateHome;
    Path target;
    Path artifacts;
    List<String> log = new ArrayList<>();
    Clock clock = new TickingClock(Instant.parse("2026-02-07T12:00:00Z"));
    ScriptedHosts hosts = new ScriptedHosts(clock);
    /** Whether the file store has POSIX modes (not on Windows): the mode is only set and checked there. */
    boolean posix;

    @BeforeEach
    void installedOldVersion() throws Exception {
        home = Staging.newHome(dir.resolve("home"));
        updateHome = new UpdateHome(home);
        target = Files.createDirectories(dir.resolve("opt")).resolve("app.jar");
        Files.write(target, OLD);
        posix = Files.getFileStore(target).supportsFileAttributeView(PosixFileAttributeView.class);
        if (posix) {
            Files.setPosixFilePermissions(target, PosixFilePermissions.fromString("rwxr-x---"));
        }
        updateHome.installedRecord().write(new InstalledRelease(ReleaseVersion.parse("1.0.0"), Sha256.ofBytes(OLD),
                target.toString(), null, null));
        artifacts = Files.createDirectories(dir.resolve("artifacts"));
    }

    SwapTransaction transaction(int keepBackups) {
        return new SwapTransaction(new SwapContext(updateHome, keepBackups, clock, log::add), hosts);
    }

    StagedRelease stage(String version, byte[] bytes) throws Exception {
        Path file = Files.write(artifacts.resolve(version + ".jar"), bytes);
        return Staging.stage(home, file, version);
    }

    @Test
    void install_swapsInTheStagedBytes_keepsTheModeAndABackup_andCommits() throws Exception {
        StagedRelease staged = stage("1.1.0", NEW);
        List<SwapState> atHandOver = new ArrayList<>();
        hosts.atHandOver = () -> atHandOver.add(updateHome.swapJournal().readQuietly().orElseThrow().state());

        Outcome outcome = transaction(2).install(staged, target, false);

        assertInstanceOf(Outcome.Installed.class, outcome, outcome.message());
        assertEquals(List.of(SwapState.VERIFYING), atHandOver, "handed over once, after the gate, before the commit");
        assertArrayEquals(NEW, Files.readAllBytes(target));
        assertMode("rwxr-x---", target, "the target keeps its mode");
        assertArrayEquals(OLD, Files.readAllBytes(home.resolve("backup/1.0.0/app.jar")));
        SwapJournal journal = updateHome.swapJournal().read().orElseThrow();
        assertEquals(SwapState.COMMITTED, journal.state());
        assertEquals(1, journal.attempts());
        assertEquals(new SwapJournal.Artifact(ReleaseVersion.tryParse("1.0.0"), Sha256.ofBytes(OLD), OLD.length), journal.from());
        assertEquals(new SwapJournal.Artifact(ReleaseVersion.tryParse("1.1.0"), Sha256.ofBytes(NEW), NEW.length), journal.to());
        assertEquals("backup/1.0.0/app.jar", journal.backup());
        InstalledRelease installed = updateHome.installedRecord().read().orElseThrow();
        assertEquals("1.1.0", installed.version().toString());
        assertEquals(Sha256.ofBytes(NEW), installed.sha256());
        assertEquals("1.0.0", installed.previousVersion().toString());
        assertFalse(Files.exists(updateHome.stagedRecord().path()), "staged.json is gone once installed");
        assertFalse(Files.exists(updateHome.release("1.1.0")), "the release directory is cleaned up");
        assertEquals(List.of("installed", "healthy"), events());
        assertEquals(List.of("start new 1.1.0"), hosts.calls);
        assertNoTempFiles();
        assertEquals("installing 1.1.0 over 1.0.0 at " + target, log.get(0));
    }

    @Test
    void install_whenTheGateFails_restoresTheOldBytes_quarantines_andRestartsTheOldVersion() throws Exception {
        hosts.thenExits().thenHealthy();
        StagedRelease staged = stage("1.1.0", NEW);

        Outcome outcome = transaction(2).install(staged, target, false);

        assertInstanceOf(Outcome.RolledBack.class, outcome);
        assertEquals(List.of(), hosts.handedOver, "a host that failed its gate is never handed over to");
        assertEquals("Rolled back to 1.0.0; 1.1.0 is quarantined and will not be installed again automatically.",
                outcome.message());
        assertArrayEquals(OLD, Files.readAllBytes(target));
        assertMode("rwxr-x---", target, "the target keeps its mode");
        SwapJournal journal = updateHome.swapJournal().read().orElseThrow();
        assertEquals(SwapState.ROLLED_BACK, journal.state());
        assertEquals("1.1.0 failed its health gate: the host exited with code 3 before it passed", journal.gateFailure());
        assertEquals(List.of("1.1.0"), updateHome.quarantineList().read().orElse(Quarantine.NONE).versions().stream().map(e -> e.version().toString()).toList());
        assertEquals("1.1.0 failed its health gate: the host exited with code 3 before it passed",
                updateHome.quarantineList().read().orElse(Quarantine.NONE).versions().get(0).reason());
        assertEquals(List.of("installed", "failed", "quarantined", "rolled-back"), events());
        assertEquals(List.of("start new 1.1.0", "stop failed", "start old 1.0.0"), hosts.calls);
        assertEquals("1.0.0", updateHome.installedRecord().read().orElseThrow().version().toString());
        assertFalse(Files.exists(updateHome.stagedRecord().path()));
        assertNoTempFiles();
    }

    @Test
    void install_whenThePreviousVersionAlsoFails_stopsAndSaysSo() throws Exception {
        hosts.thenExits().thenExits();
        StagedRelease staged = stage("1.1.0", NEW);

        Outcome outcome = transaction(2).install(staged, target, false);

        assertInstanceOf(Outcome.PreviousFailed.class, outcome);
        assertTrue(outcome.mustStop());
        assertEquals("the previous version 1.0.0 also failed its health gate after the rollback: the host exited"
                + " with code 3 before it passed. The sidecar stops restarting it: fix the host, then start the"
                + " sidecar again.", outcome.message());
        assertArrayEquals(OLD, Files.readAllBytes(target));
        assertEquals(SwapState.ROLLED_BACK, updateHome.swapJournal().read().orElseThrow().state());
    }

    @Test
    void install_refusesAStagedFileWhoseBytesDifferFromStagedJson_andChangesNothing() throws Exception {
        StagedRelease staged = stage("1.1.0", NEW);
        Files.write(home.resolve(staged.file()), "tampered".getBytes(StandardCharsets.UTF_8));

        Outcome outcome = transaction(2).install(staged, target, false);

        assertInstanceOf(Outcome.Rejected.class, outcome);
        assertEquals("Refused to install 1.1.0: the staged file " + home.resolve(staged.file()) + " is 8 bytes with"
                + " SHA-256 " + Sha256.ofBytes("tampered".getBytes(StandardCharsets.UTF_8)).hex() + ", but staged.json"
                + " says " + NEW.length + " bytes with " + Sha256.ofBytes(NEW).hex() + ". Nothing was changed; the"
                + " staged release was dropped and the agent downloads it again.", outcome.message());
        assertArrayEquals(OLD, Files.readAllBytes(target));
        assertFalse(Files.exists(updateHome.stagedRecord().path()));
        assertFalse(Files.exists(updateHome.journal()));
        assertEquals(List.of("failed"), events());
        assertEquals(List.of(), hosts.calls);
    }

    @Test
    void install_ofAnArchiveRelease_overATargetOutsideACurrentLink_holdsItBack_soTheAgentDoesNotStageItAgain() throws Exception {
        StagedRelease staged = stage("1.1.0", NEW);
        Path tree = Files.createDirectories(home.resolve("releases/1.1.0/app.zip.d/bin"));
        Files.writeString(tree.resolve("app"), "#!/bin/sh\n");
        StagedRelease archive = new StagedRelease(staged.version(), staged.file(), staged.size(), staged.sha256(), "any",
                List.of(), List.of(), null, false, false, null, null, null, null, ArchiveFormat.ZIP,
                "releases/1.1.0/app.zip.d", List.of());
        updateHome.stagedRecord().write(archive);

        Outcome outcome = transaction(2).install(archive, target, false);

        String expected = "Held back 1.1.0: it is an archive release (zip), installed as a folder behind a 'current'"
                + " link, but the target " + target + " does not lie under APP/current -> releases/<version>; it was"
                + " left as it is. The staged release was dropped and 1.1.0 is held back (quarantine.json), so the"
                + " agent does not download it again; run the host from that layout (docs/archives.md), then"
                + " 'updater-sidecar allow 1.1.0'.";
        assertInstanceOf(Outcome.Rejected.class, outcome);
        assertEquals(expected, outcome.message());
        assertArrayEquals(OLD, Files.readAllBytes(target));
        assertFalse(Files.exists(updateHome.journal()));
        assertFalse(Files.exists(updateHome.stagedRecord().path()));
        assertFalse(Files.exists(home.resolve("releases/1.1.0")), "the unpacked distribution is not kept");
        Quarantine.Entry held = updateHome.quarantineList().read().orElseThrow().entry(ReleaseVersion.tryParse("1.1.0")).orElseThrow();
        assertTrue(held.held());
        assertEquals("an archive release (zip), and the target does not lie under APP/current -> releases/<version>;"
                + " run the host from that layout, then 'updater-sidecar allow 1.1.0'", held.reason());
        assertEquals(List.of("failed"), events());
        assertEquals(List.of(), hosts.calls);

        // Staged once more (an agent that had already decided): refused the same way, the hold listed once.
        updateHome.stagedRecord().write(archive);
        Outcome again = transaction(2).install(archive, target, false);
        assertEquals(expected, again.message());
        assertEquals(1, updateHome.quarantineList().read().orElseThrow().versions().size());
        assertArrayEquals(OLD, Files.readAllBytes(target));
    }

    @Test
    void install_refusesAStagedFileThatIsASymbolicLink() throws Exception {
        StagedRelease staged = stage("1.1.0", NEW);
        Path file = home.resolve(staged.file());
        Path elsewhere = Files.write(dir.resolve("elsewhere.jar"), NEW);
        Files.delete(file);
        Files.createSymbolicLink(file, elsewhere);

        Outcome outcome = transaction(2).install(staged, target, false);

        assertInstanceOf(Outcome.Rejected.class, outcome);
        assertEquals("Refused to install 1.1.0: the staged file " + file + " cannot be read (IOException (" + file
                + " is not a regular file (a symbolic link))). Nothing was changed; the staged release was dropped and"
                + " the agent downloads it again.", outcome.message());
        assertArrayEquals(OLD, Files.readAllBytes(target));
    }

    @Test
    void install_refusesAStagedPathOutsideReleases() throws Exception {
        StagedRelease staged = stage("1.1.0", NEW);
        StagedRelease escaping = new StagedRelease(ReleaseVersion.parse("1.1.0"), "releases/../../opt/app.jar", staged.size(),
                staged.sha256(), "any", List.of(), List.of(), null, false, false, null, null, null, null);

        Outcome outcome = transaction(2).install(escaping, target, false);

        assertInstanceOf(Outcome.Rejected.class, outcome);
        assertEquals("Refused to install 1.1.0: staged.json names file \"releases/../../opt/app.jar\", which is"
                + " outside " + home.resolve("releases") + ". Nothing was changed; the staged release was dropped and"
                + " the agent downloads it again.", outcome.message());
        assertArrayEquals(OLD, Files.readAllBytes(target));
    }

    @Test
    void install_ofTheBytesAlreadyInstalled_onlyBringsTheRecordsUpToDate() throws Exception {
        StagedRelease staged = stage("1.0.0", OLD);

        Outcome outcome = transaction(2).install(staged, target, false);

        assertInstanceOf(Outcome.AlreadyInstalled.class, outcome);
        assertEquals(target + " already holds 1.0.0; nothing to install.", outcome.message());
        assertFalse(Files.exists(updateHome.stagedRecord().path()));
        assertFalse(Files.exists(updateHome.journal()));
    }

    @Test
    void install_keepsOnlyTheNewestBackups() throws Exception {
        for (String v : List.of("1.1.0", "1.2.0", "1.3.0")) {
            Outcome outcome = transaction(2).install(stage(v, ("artifact " + v).getBytes(StandardCharsets.UTF_8)),
                    target, false);
            assertInstanceOf(Outcome.Installed.class, outcome, outcome.message()); // each backup a clock tick apart
        }
        assertEquals(List.of("1.2.0", "1.1.0"), new Backups(updateHome).list().stream().map(b -> b.version().toString()).toList());
        assertFalse(Files.exists(home.resolve("backup/1.0.0")));
        assertArrayEquals("artifact 1.2.0".getBytes(StandardCharsets.UTF_8),
                Files.readAllBytes(home.resolve("backup/1.2.0/app.jar")));
    }

    @Test
    void rollBack_reinstallsTheNewestBackup_andHoldsBackTheVersionRolledAwayFrom_recordingRolledBackAndHeld() throws Exception {
        assertInstanceOf(Outcome.Installed.class, transaction(2).install(stage("1.1.0", NEW), target, false));
        Backup backup = new Backups(updateHome).forRollbackOf(target).orElseThrow();
        assertEquals(ReleaseVersion.parse("1.0.0"), backup.version());

        Outcome outcome = transaction(2).rollBack(backup, target);

        assertInstanceOf(Outcome.Installed.class, outcome, outcome.message());
        assertArrayEquals(OLD, Files.readAllBytes(target));
        SwapJournal journal = updateHome.swapJournal().read().orElseThrow();
        assertEquals(SwapJournal.Kind.ROLLBACK, journal.kind());
        assertEquals("rollback from 1.1.0 to 1.0.0", journal.describe());
        Quarantine.Entry held = updateHome.quarantineList().read().orElse(Quarantine.NONE).versions().get(0);
        assertEquals(new Quarantine.Entry(ReleaseVersion.tryParse("1.1.0"), "an operator rolled back from it to 1.0.0", held.at(), true), held);
        assertEquals(List.of("installed 1.1.0", "healthy 1.1.0", "rolled-back 1.0.0", "held 1.1.0", "healthy 1.0.0"),
                updateHome.history().read().stream().map(e -> e.event() + " " + e.version()).toList());
        assertEquals("1.1.0 is held back: an operator rolled back from it; it is not installed again automatically"
                + " until 'updater-sidecar allow 1.1.0 --home " + home + "'", updateHome.history().read().get(3).detail());
        assertEquals("1.0.0", updateHome.installedRecord().read().orElseThrow().version().toString());
        assertTrue(new Backups(updateHome).forRollbackOf(target).isEmpty(), "only 1.0.0 is backed up");
    }

    @Test
    void install_withoutAHostToStart_leavesTheJournalSwappedForTheNextSidecar() throws Exception {
        hosts.startsNothing = true;

        Outcome outcome = transaction(2).install(stage("1.1.0", NEW), target, true);

        assertInstanceOf(Outcome.PendingStart.class, outcome);
        assertEquals("Swapped " + target + " to 1.1.0; the next 'updater-sidecar run' or 'watch' on " + home
                + " starts it and checks its health.", outcome.message());
        SwapJournal journal = updateHome.swapJournal().read().orElseThrow();
        assertEquals(SwapState.SWAPPED, journal.state());
        assertTrue(journal.pendingStart());
        assertTrue(journal.approved());
        assertArrayEquals(NEW, Files.readAllBytes(target));
    }

    @Test
    void rollBack_whoseVersionFailsItsGate_isJournaledFailed_notCommitted_andTheSidecarStops() throws Exception {
        hosts.thenHealthy().thenExits();
        assertInstanceOf(Outcome.Installed.class, transaction(2).install(stage("1.1.0", NEW), target, false));
        Backup backup = new Backups(updateHome).forRollbackOf(target).orElseThrow();

        Outcome outcome = transaction(2).rollBack(backup, target);

        Outcome.PreviousFailed failed = assertInstanceOf(Outcome.PreviousFailed.class, outcome, outcome.message());
        assertTrue(outcome.mustStop());
        String sentence = "1.0.0 failed its health gate after the rollback: the host exited with code 3 before it passed";
        assertEquals(sentence + ". The sidecar stops restarting it: fix the host, then start the sidecar again.",
                outcome.message());
        SwapJournal journal = updateHome.swapJournal().read().orElseThrow();
        assertEquals(failed.journal(), journal);
        assertEquals(SwapJournal.Kind.ROLLBACK, journal.kind());
        assertEquals(SwapState.FAILED, journal.state(), "never committed: nothing healthy is left");
        assertEquals(sentence, journal.detail());
        assertArrayEquals(OLD, Files.readAllBytes(target), "the rollback's bytes stay; the sidecar stops there");
        InstalledRelease installed = updateHome.installedRecord().read().orElseThrow();
        assertEquals("1.0.0", installed.version().toString(), "installed.json says what the target holds");
        assertEquals("1.1.0", installed.previousVersion().toString());
        assertEquals(List.of("installed", "healthy", "rolled-back", "held", "failed"), events());
        assertEquals(List.of("start new 1.1.0", "start new 1.0.0"), hosts.calls);
        assertEquals(Optional.empty(), new Recovery(new SwapContext(updateHome, 2, clock, log::add), hosts).recover(),
                "closed: the next start does not resume it");
    }

    @Test
    void install_whenTheBackupCannotBeTaken_failsBeforeTheSwap_withItsCode_andTheTargetUntouched() throws Exception {
        Path inTheWay = Files.createDirectories(home.resolve("backup/1.0.0/app.jar"));
        Files.writeString(inTheWay.resolve("keep.txt"), "not a backup");

        Outcome outcome = transaction(2).install(stage("1.1.0", NEW), target, false);

        Outcome.Failed failed = assertInstanceOf(Outcome.Failed.class, outcome, outcome.message());
        assertEquals(ErrorCode.SWAP_FAILED, failed.code());
        assertEquals("Could not install 1.1.0: Could not back up " + target + " to " + inTheWay + ":"
                + " DirectoryNotEmptyException (" + inTheWay + "); check free space and permissions. Nothing was"
                + " replaced. The target still holds 1.0.0.", outcome.message());
        assertArrayEquals(OLD, Files.readAllBytes(target));
        assertEquals(SwapState.ROLLED_BACK, failed.journal().state());
        assertEquals(outcome.message(), updateHome.swapJournal().read().orElseThrow().detail());
        assertEquals(List.of("failed"), events());
        assertEquals(List.of(), hosts.calls);
        assertEquals("not a backup", Files.readString(inTheWay.resolve("keep.txt")));
        assertNoTempFiles();
    }

    @Test
    void install_whenTheSidecarStopsDuringTheGate_isInterrupted_andLeavesTheJournalForTheNextStart() throws Exception {
        hosts.whenUp = GateResult.Verdict.CANCELLED;

        Outcome outcome = transaction(2).install(stage("1.1.0", NEW), target, false);

        Outcome.Interrupted interrupted = assertInstanceOf(Outcome.Interrupted.class, outcome, outcome.message());
        assertEquals("Stopping during the install of 1.1.0 over 1.0.0; the next start finishes it.", outcome.message());
        assertEquals(SwapState.VERIFYING, updateHome.swapJournal().read().orElseThrow().state());
        assertEquals(interrupted.journal(), updateHome.swapJournal().read().orElseThrow());
        assertArrayEquals(NEW, Files.readAllBytes(target));
        assertTrue(Files.exists(updateHome.stagedRecord().path()), "kept until the transaction ends");
        assertEquals(List.of("installed"), events());
    }

    @Test
    void rollBack_ofADamagedBackup_isRefused() throws Exception {
        assertInstanceOf(Outcome.Installed.class, transaction(2).install(stage("1.1.0", NEW), target, false));
        Backup backup = new Backups(updateHome).forRollbackOf(target).orElseThrow();
        Path file = home.resolve(backup.file());
        Files.delete(file); // a hard link: write a new file rather than change the shared inode
        Files.write(file, "rotten".getBytes(StandardCharsets.UTF_8));

        UpdaterException e = assertThrows(UpdaterException.class, () -> transaction(2).rollBack(backup, target));

        assertEquals(ErrorCode.NO_BACKUP, e.code());
        assertEquals("The backup " + file + " is damaged: SHA-256 " + Sha256.ofBytes("rotten".getBytes(StandardCharsets.UTF_8)).hex()
                + ", recorded " + Sha256.ofBytes(OLD).hex() + "; nothing was changed.", e.getMessage());
        assertArrayEquals(NEW, Files.readAllBytes(target));
    }

    @Test
    void install_whenTheGateFailsAndTheBackupWasDeletedMeanwhile_leavesTheNewBytes_andAbandonsInsteadOfFailingEveryStart()
            throws Exception {
        hosts.thenExits();
        hosts.atStart = () -> {
            try {
                Files.delete(home.resolve("backup/1.0.0/app.jar"));
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        };

        Outcome outcome = transaction(2).install(stage("1.1.0", NEW), target, false);

        assertInstanceOf(Outcome.Abandoned.class, outcome, outcome.message());
        assertFalse(outcome.mustStop(), "the sidecar starts the host on the target as it is");
        assertArrayEquals(NEW, Files.readAllBytes(target));
        SwapJournal journal = updateHome.swapJournal().read().orElseThrow();
        assertEquals(SwapState.ABANDONED, journal.state());
        assertEquals(outcome.message(), journal.detail());
        assertEquals(List.of("installed", "failed", "quarantined", "failed"), events());
        assertEquals(List.of("start new 1.1.0", "stop failed"), hosts.calls);
        assertNoTempFiles();
    }

    // ---- a target that is a symbolic link: the link is replaced, its destination never written

    /** {@code opt/app.jar -> linkText}, where the link's destination holds the old bytes with mode 0750. */
    private Path linkTarget(Path destination, Path linkText) throws IOException {
        Files.createDirectories(destination.getParent());
        Files.move(target, destination);
        Files.createSymbolicLink(target, linkText);
        return destination;
    }

    @Test
    void install_overARelativeLink_replacesTheLinkWithTheNewFile_withTheDestinationsMode() throws Exception {
        Path destination = linkTarget(target.resolveSibling("app-1.0.0.jar"), Path.of("app-1.0.0.jar"));

        Outcome outcome = transaction(2).install(stage("1.1.0", NEW), target, false);

        assertInstanceOf(Outcome.Installed.class, outcome, outcome.message());
        assertFalse(Files.isSymbolicLink(target), "the link itself was replaced");
        assertArrayEquals(NEW, Files.readAllBytes(target));
        assertMode("rwxr-x---", target, "the mode of the file the link pointed at, not the link's own 0777");
        assertArrayEquals(OLD, Files.readAllBytes(destination), "the link's destination is never written");
        Path backup = home.resolve("backup/1.0.0/app.jar");
        assertArrayEquals(OLD, Files.readAllBytes(backup));
        assertFalse(Files.isSameFile(backup, destination), "a copy: the destination may be rewritten by its owner");
        SwapJournal journal = updateHome.swapJournal().read().orElseThrow();
        assertEquals(target.toString(), journal.target());
        assertEquals(new SwapJournal.Artifact(ReleaseVersion.tryParse("1.0.0"), Sha256.ofBytes(OLD), OLD.length), journal.from());
    }

    @Test
    void install_overALinkIntoAnotherDirectory_whenTheGateFails_putsTheOldBytesBackAtTheTarget() throws Exception {
        Path destination = linkTarget(dir.resolve("releases-by-deploy/app-1.0.0.jar"),
                dir.resolve("releases-by-deploy/app-1.0.0.jar"));
        hosts.thenExits().thenHealthy();

        Outcome outcome = transaction(2).install(stage("1.1.0", NEW), target, false);

        assertInstanceOf(Outcome.RolledBack.class, outcome, outcome.message());
        assertFalse(Files.isSymbolicLink(target));
        assertArrayEquals(OLD, Files.readAllBytes(target));
        assertMode("rwxr-x---", target, "the target keeps its mode");
        assertArrayEquals(OLD, Files.readAllBytes(destination));
        assertEquals(List.of("start new 1.1.0", "stop failed", "start old 1.0.0"), hosts.calls);
        assertEquals(List.of("app.jar"), Files.list(target.getParent()).map(p -> p.getFileName().toString()).toList());
    }

    @Test
    void rollBack_ofATargetThatIsALink_reinstallsTheBackupOverTheLink() throws Exception {
        assertInstanceOf(Outcome.Installed.class, transaction(2).install(stage("1.1.0", NEW), target, false));
        Path destination = linkTarget(dir.resolve("deploy/app-1.1.0.jar"), Path.of("../deploy/app-1.1.0.jar"));
        Backup backup = new Backups(updateHome).forRollbackOf(target).orElseThrow();

        Outcome outcome = transaction(2).rollBack(backup, target);

        assertInstanceOf(Outcome.Installed.class, outcome, outcome.message());
        assertFalse(Files.isSymbolicLink(target));
        assertArrayEquals(OLD, Files.readAllBytes(target));
        assertArrayEquals(NEW, Files.readAllBytes(destination));
        assertEquals(Sha256.ofBytes(NEW), updateHome.swapJournal().read().orElseThrow().from().sha256());
    }

    @Test
    void install_overADanglingLink_isRefusedAsAnUnreadableTarget_andChangesNothing() throws Exception {
        Files.delete(target);
        Files.createSymbolicLink(target, Path.of("gone.jar"));

        UpdaterException e = assertThrows(UpdaterException.class,
                () -> transaction(2).install(stage("1.1.0", NEW), target, false));

        assertEquals(ErrorCode.TARGET_UNKNOWN, e.code());
        assertEquals("Cannot read the target " + target + ": NoSuchFileException (" + target + "); give the file the"
                + " host runs with --target.", e.getMessage());
        assertEquals(Path.of("gone.jar"), Files.readSymbolicLink(target));
        assertFalse(Files.exists(updateHome.journal()));
    }

    private void assertMode(String expected, Path file, String why) throws IOException {
        if (posix) {
            assertEquals(expected, PosixFilePermissions.toString(Files.getPosixFilePermissions(file)), why);
        }
    }

    private List<String> events() throws UpdaterException {
        return updateHome.history().read().stream().map(e -> e.event().wireName()).toList();
    }

    private void assertNoTempFiles() throws IOException {
        try (Stream<Path> files = Files.list(target.getParent())) {
            assertEquals(List.of("app.jar"), files.map(p -> p.getFileName().toString()).toList());
        }
    }
}
