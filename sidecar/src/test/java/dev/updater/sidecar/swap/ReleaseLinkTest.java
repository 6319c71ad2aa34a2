package dev.updater.sidecar.swap;

import dev.updater.core.ErrorCode;
import dev.updater.core.Sha256;
import dev.updater.core.home.Backup;
import dev.updater.core.home.HistoryEvent;
import dev.updater.core.home.InstalledRelease;
import dev.updater.core.home.Quarantine;
import dev.updater.core.home.StagedRelease;
import dev.updater.core.home.SwapJournal;
import dev.updater.core.home.SwapState;
import dev.updater.core.home.UpdateHome;
import dev.updater.core.archive.ReleaseTree;
import dev.updater.core.manifest.ArchiveFormat;
import dev.updater.core.testing.PosixModes;
import dev.updater.core.version.ReleaseVersion;
import dev.updater.sidecar.testhost.Distributions;
import dev.updater.sidecar.testhost.Staging;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Archive releases through the swap transaction and recovery: the link {@code APP/current} is what swaps. */
class ReleaseLinkTest {
    private static final List<String> CONFIG = List.of("config/app.properties");
    private static final byte[] ARCHIVE = "the zip of 1.1.0".getBytes(StandardCharsets.UTF_8);

    @TempDir
    Path dir;

    Path home;
    UpdateHome updateHome;
    Path app;
    Path target;
    List<String> log = new ArrayList<>();
    Clock clock = new TickingClock(Instant.parse("2026-02-07T12:00:00Z"));
    ScriptedHosts hosts = new ScriptedHosts(clock);

    @BeforeEach
    void installedRelease100() throws Exception {
        home = Staging.newHome(dir.resolve("home"));
        updateHome = new UpdateHome(home);
        app = Files.createDirectories(dir.resolve("app"));
        ReleaseFolders.install(tree(dir.resolve("first"), "1.0.0", "port=8080\n"), app, v("1.0.0"), CONFIG, null, null);
        ReleaseFolders.pointCurrent(app, v("1.0.0"), "t0");
        target = app.resolve("current/lib/app.jar");
        updateHome.installedRecord().write(new InstalledRelease(v("1.0.0"), Sha256.ofFile(target), target.toString(),
                null, null));
    }

    @Test
    void appOf_isTheFolderOfACurrentLinkToAReleaseFolder_onTheTargetsPathAsWritten() throws Exception {
        assertEquals(Optional.of(app), ReleaseLink.appOf(target));
        assertEquals(Optional.of(app), ReleaseLink.appOf(app.resolve("current/bin/../lib/app.jar")));
        assertEquals(Optional.empty(), ReleaseLink.appOf(app.resolve("releases/1.0.0/lib/app.jar")),
                "a path that does not go through the link is a single-file target");
        Path other = Files.createDirectories(dir.resolve("other"));
        Files.createSymbolicLink(other.resolve("current"), app.resolve("releases/1.0.0"));
        assertEquals(Optional.empty(), ReleaseLink.appOf(other.resolve("current/lib/app.jar")),
                "an absolute link is not the layout: the sidecar only ever writes releases/<v>");
        Path plain = Files.createDirectories(dir.resolve("plain/current/lib"));
        assertEquals(Optional.empty(), ReleaseLink.appOf(plain.resolve("app.jar")), "a folder named current");
    }

    @Test
    void install_ofAnArchive_pointsCurrentAtTheNewFolder_keepsTheOldOne_andTheOperatorsConfig_andCommits()
            throws Exception {
        Files.writeString(app.resolve("current/config/app.properties"), "port=9090\n"); // the operator's edit
        String oldJar = Files.readString(app.resolve("releases/1.0.0/lib/app.jar"));
        StagedRelease staged = stageArchive("1.1.0", "port=8080\nthreads=4\n");

        Outcome outcome = transaction().install(staged, target, false);

        assertInstanceOf(Outcome.Installed.class, outcome, outcome.message());
        assertEquals(Path.of("releases/1.1.0"), Files.readSymbolicLink(app.resolve("current")));
        assertEquals("jar 1.1.0", Files.readString(target));
        assertEquals(oldJar, Files.readString(app.resolve("releases/1.0.0/lib/app.jar")), "the backup is untouched");
        assertEquals("port=9090\n", Files.readString(app.resolve("current/config/app.properties")));
        assertEquals("port=8080\nthreads=4\n", Files.readString(app.resolve("current/config/app.properties.new")));
        if (PosixModes.supported(dir)) {
            assertEquals("rwxr-xr-x", PosixModes.of(app.resolve("current/bin/app")));
        }
        SwapJournal journal = updateHome.swapJournal().read().orElseThrow();
        assertEquals(SwapState.COMMITTED, journal.state());
        assertEquals(new SwapJournal.Releases(app.toString(), "1.0.0", "1.1.0", CONFIG, staged.treeSha256()),
                journal.releases());
        assertEquals(null, journal.backup(), "the previous release folder is the backup");
        assertEquals(Sha256.ofBytes(ARCHIVE), updateHome.installedRecord().read().orElseThrow().sha256());
        assertEquals("1.1.0", updateHome.installedRecord().read().orElseThrow().version().toString());
        assertFalse(Files.exists(updateHome.stagedRecord().path()));
        assertFalse(Files.exists(home.resolve("releases/1.1.0")), "the staged tree is gone once installed");
        assertEquals(List.of(
                "releases/1.1.0: config/app.properties was changed here: kept, the release's own is config/app.properties.new",
                "swapped " + app + "/current to releases/1.1.0; the health gate decides",
                "passed its health gate in 20 ms: alive for 20ms"), details());
        assertEquals(List.of(".1.0.0.config.sha256", ".1.1.0.config.sha256", "1.0.0", "1.1.0"),
                list(app.resolve("releases")), "no temporary folder left");
        assertEquals(List.of("current", "releases"), list(app), "no temporary link left");
        assertEquals(List.of("start new 1.1.0"), hosts.calls);
    }

    @Test
    void install_ofAnArchive_whenTheGateFails_movesTheLinkBack_andQuarantines() throws Exception {
        hosts.thenExits().thenHealthy();
        StagedRelease staged = stageArchive("1.1.0", "port=8080\n");

        Outcome outcome = transaction().install(staged, target, false);

        assertInstanceOf(Outcome.RolledBack.class, outcome, outcome.message());
        assertEquals(Path.of("releases/1.0.0"), Files.readSymbolicLink(app.resolve("current")));
        assertEquals("jar 1.0.0", Files.readString(target));
        assertEquals(List.of("1.1.0"), updateHome.quarantineList().read().orElse(Quarantine.NONE).versions().stream()
                .map(e -> e.version().toString()).toList());
        assertEquals("1.0.0", updateHome.installedRecord().read().orElseThrow().version().toString());
        assertEquals(List.of("start new 1.1.0", "stop failed", "start old 1.0.0"), hosts.calls);
        assertEquals(List.of("current", "releases"), list(app), "no temporary link left");
    }

    /** Threat: the staged tree changed at rest after the agent unpacked and verified it. */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"changed", "added", "removed", "chmod"})
    void install_ofATreeThatNoLongerMatchesWhatWasUnpacked_isRefused_andTheStagedCopyDropped(String tampering)
            throws Exception {
        StagedRelease staged = stageArchive("1.1.0", "port=8080\n");
        Path tree = home.resolve(staged.tree());
        switch (tampering) {
            case "changed" -> Files.writeString(tree.resolve("lib/app.jar"), "jar 1.1.0 with a backdoor");
            case "added" -> Files.writeString(tree.resolve("lib/extra.jar"), "planted");
            case "removed" -> Files.delete(tree.resolve("config/app.properties"));
            default -> {
                PosixModes.assumeSupported(dir);
                PosixModes.set(tree.resolve("lib/app.jar"), "rwxrwxrwx");
            }
        }
        Sha256 tampered = ReleaseTree.hashOf(tree);
        String before = Files.readString(target);

        Outcome outcome = transaction().install(staged, target, false);

        Outcome.Failed failed = assertInstanceOf(Outcome.Failed.class, outcome, outcome.message());
        assertEquals(ErrorCode.STAGED_INVALID, failed.code());
        assertEquals("Could not install 1.1.0: the staged release tree " + tree + " no longer matches what was unpacked"
                + " from the verified archive (tree SHA-256 " + tampered + ", staged.json recorded " + staged.treeSha256()
                + "): a file in it was changed, added or removed, or its mode changed; nothing was installed from it, "
                + app.resolve("current") + " is unchanged, and the staged copy is dropped so that the agent unpacks the"
                + " release again. The target still holds 1.0.0.", outcome.message());
        assertEquals(Path.of("releases/1.0.0"), Files.readSymbolicLink(app.resolve("current")));
        assertEquals(before, Files.readString(target));
        assertEquals(List.of(".1.0.0.config.sha256", "1.0.0"), list(app.resolve("releases")), "no copy left");
        assertFalse(Files.exists(updateHome.stagedRecord().path()), "staged.json dropped");
        assertFalse(Files.exists(home.resolve("releases/1.1.0")), "the staged copy deleted");
        assertEquals(List.of(), hosts.calls.stream().filter(c -> c.startsWith("start new")).toList());
        assertEquals(List.of(), updateHome.quarantineList().read().orElse(Quarantine.NONE).versions(),
                "not quarantined: the agent stages it again, from the verified archive");
    }

    @Test
    void aFolderHeldBackByARollback_isNoBackup_theNextInstallDeletesIt_andTheNextRollbackGoesPastIt() throws Exception {
        transaction().install(stageArchive("1.1.0", "port=8080\n"), target, false);
        transaction().rollBack(new Backups(updateHome).forRollbackOf(target).orElseThrow(), target); // 1.1.0 held back

        Outcome outcome = transaction().install(stageArchive("1.2.0", "port=8080\n"), target, false);

        assertInstanceOf(Outcome.Installed.class, outcome, outcome.message());
        // --keep-backups 1: the current folder and one backup; the held-back 1.1.0 is no backup and takes no place
        assertEquals(List.of(".1.0.0.config.sha256", ".1.2.0.config.sha256", "1.0.0", "1.2.0"),
                list(app.resolve("releases")));
        assertEquals(v("1.0.0"), new Backups(updateHome).forRollbackOf(target).orElseThrow().version(),
                "a rollback from 1.2.0 goes to 1.0.0, never to the version the operator held back");
    }

    @Test
    void rollBack_passesOverAnOlderFolderOfAQuarantinedVersion() throws Exception {
        transaction().install(stageArchive("1.1.0", "port=8080\n"), target, false);
        transaction().install(stageArchive("1.2.0", "port=8080\n"), target, false);
        Files.createDirectories(app.resolve("releases/1.0.0/lib"));
        Files.writeString(app.resolve("releases/1.0.0/lib/app.jar"), "1.0.0 kept by hand");
        updateHome.quarantineList().write(Quarantine.NONE.withHeld(v("1.1.0"), "rolled back by an operator",
                clock.instant()).orElseThrow());

        Backup previous = new Backups(updateHome).forRollbackOf(target).orElseThrow();

        assertEquals(v("1.0.0"), previous.version(), "1.1.0's folder is there, but held back");
        assertEquals("releases/1.0.0", previous.file());
    }

    @Test
    void rollBack_byAnOperator_movesTheLinkToThePreviousFolder_andHoldsBackTheOther() throws Exception {
        transaction().install(stageArchive("1.1.0", "port=8080\n"), target, false);
        Backup previous = new Backups(updateHome).forRollbackOf(target).orElseThrow();
        assertEquals(new Backup(v("1.0.0"), Sha256.ofFile(app.resolve("releases/1.0.0/lib/app.jar")),
                Files.size(app.resolve("releases/1.0.0/lib/app.jar")), "releases/1.0.0", previous.createdAt()), previous);

        Outcome outcome = transaction().rollBack(previous, target);

        assertInstanceOf(Outcome.Installed.class, outcome, outcome.message());
        assertEquals(Path.of("releases/1.0.0"), Files.readSymbolicLink(app.resolve("current")));
        assertEquals(List.of(".1.0.0.config.sha256", ".1.1.0.config.sha256", "1.0.0", "1.1.0"),
                list(app.resolve("releases")), "the folder rolled away from is kept");
        SwapJournal journal = updateHome.swapJournal().read().orElseThrow();
        assertEquals(SwapJournal.Kind.ROLLBACK, journal.kind());
        assertEquals(SwapState.COMMITTED, journal.state());
        assertEquals(new SwapJournal.Releases(app.toString(), "1.1.0", "1.0.0", List.of()), journal.releases());
        assertTrue(updateHome.quarantineList().read().orElseThrow().versions().get(0).held());
        assertEquals("1.0.0", updateHome.installedRecord().read().orElseThrow().version().toString());
        assertEquals(List.of("start new 1.1.0", "start new 1.0.0"), hosts.calls);
        assertEquals(Optional.empty(), new Backups(updateHome).forRollbackOf(target), "nothing older than 1.0.0");
        assertEquals("There is no release folder to roll back to in " + app.resolve("releases") + ": each install keeps"
                + " the folders it replaced (--keep-backups of them), and none older than the one " + app.resolve("current")
                + " points at is there.", new Backups(updateHome).noneFor(target));
    }

    @Test
    void install_whoseGateFails_deletesTheFailedFolder_soPruningNeverKeepsItOverTheBackups() throws Exception {
        hosts.thenExits().thenHealthy();

        transaction().install(stageArchive("1.1.0", "port=8080\n"), target, false);

        assertEquals(List.of(".1.0.0.config.sha256", "1.0.0"), list(app.resolve("releases")));
    }

    @Test
    void commit_keepsTheCurrentFolderAndTheNewestPrevious_asBackups() throws Exception {
        transaction().install(stageArchive("1.1.0", "port=8080\n"), target, false);
        transaction().install(stageArchive("1.2.0", "port=8080\n"), target, false);

        assertEquals(List.of(".1.1.0.config.sha256", ".1.2.0.config.sha256", "1.1.0", "1.2.0"),
                list(app.resolve("releases")), "keep 1: the current folder and one previous");
        assertEquals("1.1.0", updateHome.installedRecord().read().orElseThrow().previousVersion().toString());
    }

    @Test
    void recovery_afterTheLinkWasRenamed_butBeforeTheJournalSaidSo_startsAndGatesTheNewRelease() throws Exception {
        SwapJournal journal = preparedJournal();
        ReleaseLink.install(updateHome, journal); // the crash fell after the link's rename

        Outcome outcome = recover().orElseThrow();

        assertInstanceOf(Outcome.Installed.class, outcome, outcome.message());
        assertEquals("found an unfinished install of 1.1.0 over 1.0.0 (prepared); the target holds 1.1.0;"
                + " resume 1 of 2", log.get(0));
        assertEquals(Path.of("releases/1.1.0"), Files.readSymbolicLink(app.resolve("current")));
        assertEquals(List.of("start new 1.1.0"), hosts.calls);
    }

    @Test
    void recovery_beforeTheLinkWasRenamed_redoesTheSwapFromTheStagedTree() throws Exception {
        preparedJournal();
        Files.createDirectories(app.resolve("releases/.1.1.0.installing/lib")); // a half-copied folder

        Outcome outcome = recover().orElseThrow();

        assertInstanceOf(Outcome.Installed.class, outcome, outcome.message());
        assertEquals("jar 1.1.0", Files.readString(target));
        assertEquals(List.of(".1.0.0.config.sha256", ".1.1.0.config.sha256", "1.0.0", "1.1.0"),
                list(app.resolve("releases")));
    }

    @Test
    void recovery_ofAFailedGate_withTheLinkOnTheNewRelease_movesItBack() throws Exception {
        SwapJournal journal = preparedJournal();
        ReleaseLink.install(updateHome, journal);
        updateHome.swapJournal().write(journal.withState(SwapState.VERIFYING, clock.instant())
                .withGateFailure("1.1.0 failed its health gate: the host exited with code 3 before it passed", clock.instant()));

        Outcome outcome = recover().orElseThrow();

        assertInstanceOf(Outcome.RolledBack.class, outcome, outcome.message());
        assertEquals(Path.of("releases/1.0.0"), Files.readSymbolicLink(app.resolve("current")));
        assertEquals(List.of("start old 1.0.0"), hosts.calls);
    }

    @Test
    void recovery_whenTheLinkPointsAtNeitherRelease_abandons_andLeavesItAsItIs() throws Exception {
        preparedJournal();
        ReleaseFolders.install(tree(dir.resolve("byhand"), "0.9.0", "port=1\n"), app, v("0.9.0"), CONFIG, null, null);
        ReleaseFolders.pointCurrent(app, v("0.9.0"), "byhand");

        Outcome outcome = recover().orElseThrow();

        assertInstanceOf(Outcome.Abandoned.class, outcome, outcome.message());
        assertTrue(outcome.message().contains(app + "/current points at neither releases/1.0.0 nor releases/1.1.0:"
                + " something else changed it"), outcome.message());
        assertEquals(Path.of("releases/0.9.0"), Files.readSymbolicLink(app.resolve("current")));
    }

    @Test
    void recovery_thatAbandons_deletesTheHalfCopiedFolderItLeft_butNotAFolderCurrentNames() throws Exception {
        preparedJournal();
        Path halfCopied = Files.createDirectories(app.resolve("releases/.1.1.0.installing/lib"));
        Files.writeString(halfCopied.resolve("app.jar"), "jar 1.1");
        Path named = tree(app.resolve("releases/.0.9.0.installing"), "0.9.0", "port=1\n"); // by hand, and linked
        Files.delete(app.resolve("current"));
        Files.createSymbolicLink(app.resolve("current"), Path.of("releases/.0.9.0.installing"));
        Map<String, String> namedBefore = Distributions.hashes(named.getParent());
        Map<String, String> backupBefore = Distributions.hashes(app.resolve("releases/1.0.0"));

        Outcome outcome = recover().orElseThrow();

        assertInstanceOf(Outcome.Abandoned.class, outcome, outcome.message());
        assertEquals(List.of(".0.9.0.installing", ".1.0.0.config.sha256", "1.0.0"), list(app.resolve("releases")));
        assertEquals(namedBefore, Distributions.hashes(named.getParent()), "the folder current names is never touched");
        assertEquals(backupBefore, Distributions.hashes(app.resolve("releases/1.0.0")));
        assertTrue(log.contains("deleted " + app.resolve("releases/.1.1.0.installing") + ", a release folder an"
                + " interrupted install left half-copied"), log.toString());
    }

    @Test
    void aFinishedJournal_atTheNextStart_deletesALeftoverHalfCopiedFolder_butNeverFollowsALink() throws Exception {
        transaction().install(stageArchive("1.1.0", "port=8080\n"), target, false);
        Path leftover = Files.createDirectories(app.resolve("releases/.1.2.0.installing/lib"));
        Files.writeString(leftover.resolve("app.jar"), "jar 1.2");
        Path outside = Files.createDirectories(dir.resolve("outside"));
        Files.writeString(outside.resolve("keep.txt"), "not ours");
        Files.createSymbolicLink(app.resolve("releases/.1.3.0.installing"), outside);
        Map<String, String> current = Distributions.hashes(app.resolve("releases/1.1.0"));
        log.clear();

        assertEquals(Optional.empty(), recover());

        assertEquals(List.of(".1.0.0.config.sha256", ".1.1.0.config.sha256", ".1.3.0.installing", "1.0.0", "1.1.0"),
                list(app.resolve("releases")));
        assertEquals("not ours", Files.readString(outside.resolve("keep.txt")));
        assertEquals(current, Distributions.hashes(app.resolve("releases/1.1.0")));
        assertEquals(Path.of("releases/1.1.0"), Files.readSymbolicLink(app.resolve("current")));
        assertEquals(List.of("deleted " + app.resolve("releases/.1.2.0.installing") + ", a release folder an"
                + " interrupted install left half-copied"), log);
    }

    @Test
    void aSingleFileJournal_hasNoReleasesInItsJson_andReadsBackWithoutThem() throws Exception {
        SwapJournal archive = preparedJournal();
        assertTrue(Files.readString(updateHome.journal()).contains("\"releases\""));
        SwapJournal single = new SwapJournal(archive.id(), archive.kind(), archive.state(), target.toString(),
                archive.from(), archive.to(), "releases/1.1.0/app.jar", "backup/1.0.0/app.jar", false, 0, 0, false,
                null, null, archive.startedAt(), archive.updatedAt());
        updateHome.swapJournal().write(single);

        assertFalse(Files.readString(updateHome.journal()).contains("\"releases\""), "absent, as before archives");
        assertEquals(single, updateHome.swapJournal().read().orElseThrow());
        assertFalse(updateHome.swapJournal().read().orElseThrow().swapsLink());
    }

    // ---- the fallback layout APP/current.json (docs/archives.md "Windows"), chosen by what is on disk

    @Test
    void currentJson_install_rewritesTheRecordAtomically_neverMakesALink_andAGateFailureRewritesItBack() throws Exception {
        useRecord();
        assertEquals(Optional.of(app), ReleaseLink.appOf(target), "APP/current does not exist; the record makes the layout");

        Outcome installed = transaction().install(stageArchive("1.1.0", "port=8080\n"), target, false);

        assertInstanceOf(Outcome.Installed.class, installed, installed.message());
        assertEquals("{\n  \"folder\" : \"releases/1.1.0\"\n}", Files.readString(app.resolve("current.json")));
        assertEquals(List.of("current.json", "releases"), list(app), "no link, no temporary file left");
        assertEquals("jar 1.1.0", Files.readString(ReleaseLink.inCurrentFolder(target)));
        assertTrue(details().contains("swapped " + app + "/current.json to releases/1.1.0; the health gate decides"),
                details().toString());

        hosts.thenExits().thenHealthy();
        Outcome failed = transaction().install(stageArchive("1.2.0", "port=8080\n"), target, false);

        assertInstanceOf(Outcome.RolledBack.class, failed, failed.message());
        assertEquals("{\n  \"folder\" : \"releases/1.1.0\"\n}", Files.readString(app.resolve("current.json")));
        assertEquals(List.of(".1.0.0.config.sha256", ".1.1.0.config.sha256", "1.0.0", "1.1.0"),
                list(app.resolve("releases")), "the failed folder is dropped, the others as they were");
        assertEquals(List.of("current.json", "releases"), list(app));
        assertEquals(List.of("start new 1.1.0", "start new 1.2.0", "stop failed", "start old 1.1.0"), hosts.calls);
    }

    @Test
    void currentJson_rollBackByAnOperator_rewritesTheRecordToThePreviousFolder() throws Exception {
        useRecord();
        transaction().install(stageArchive("1.1.0", "port=8080\n"), target, false);
        Backup previous = new Backups(updateHome).forRollbackOf(target).orElseThrow();

        Outcome outcome = transaction().rollBack(previous, target);

        assertInstanceOf(Outcome.Installed.class, outcome, outcome.message());
        assertEquals("{\n  \"folder\" : \"releases/1.0.0\"\n}", Files.readString(app.resolve("current.json")));
        assertEquals(List.of("current.json", "releases"), list(app));
        assertTrue(details().contains("rolled back " + app + "/current.json from releases/1.1.0 to releases/1.0.0 by an"
                + " operator's request"), details().toString());
        assertEquals(List.of("start new 1.1.0", "start new 1.0.0"), hosts.calls);
    }

    /** As on Windows for a user without the privilege: the link layout becomes current.json, in one step. */
    @Test
    void pointCurrent_whereNoLinkCanBeMade_writesCurrentJson_thenDeletesTheLink_andTheRecordDecidesFromThen()
            throws Exception {
        ReleaseFolders.install(tree(dir.resolve("second"), "1.1.0", "port=1\n"), app, v("1.1.0"), CONFIG, null, null);
        Map<String, String> first = Distributions.hashes(app.resolve("releases/1.0.0"));

        ReleaseFolders.pointCurrent(app, v("1.1.0"), "t1", (link, text) -> {
            throw new FileSystemException(link.toString(), null, "A required privilege is not held by the client");
        });

        assertEquals(List.of("current.json", "releases"), list(app), "the link is gone, no temporary link left");
        assertEquals("{\n  \"folder\" : \"releases/1.1.0\"\n}", Files.readString(app.resolve("current.json")));
        assertEquals(Optional.of("1.1.0"), ReleaseFolders.current(app));
        assertEquals(Optional.of(app), ReleaseLink.recordLayoutOf(target));
        assertEquals(first, Distributions.hashes(app.resolve("releases/1.0.0")), "the folder the link pointed at is untouched");

        ReleaseFolders.pointCurrent(app, v("1.0.0"), "t2", (link, text) -> {
            throw new AssertionError("no link is made in the current.json layout");
        });

        assertEquals(Optional.of("1.0.0"), ReleaseFolders.current(app));
    }

    @Test
    void currentJson_recovery_decidesByWhatTheRecordNames() throws Exception {
        useRecord();
        SwapJournal journal = preparedJournal();
        ReleaseLink.install(updateHome, journal); // the crash fell after the record's rename
        updateHome.swapJournal().write(journal.withState(SwapState.VERIFYING, clock.instant())
                .withGateFailure("1.1.0 failed its health gate: the host exited with code 3 before it passed", clock.instant()));

        Outcome outcome = recover().orElseThrow();

        assertInstanceOf(Outcome.RolledBack.class, outcome, outcome.message());
        assertEquals("found an unfinished install of 1.1.0 over 1.0.0 (verifying, gate failed); the target holds"
                + " 1.1.0; resume 1 of 2", log.get(0));
        assertEquals("{\n  \"folder\" : \"releases/1.0.0\"\n}", Files.readString(app.resolve("current.json")));
        assertEquals(List.of("start old 1.0.0"), hosts.calls);
    }

    @Test
    void currentJson_namingNeitherRelease_abandonsRecovery_andLeavesItAsItIs() throws Exception {
        useRecord();
        preparedJournal();
        Files.writeString(app.resolve("current.json"), "{\"folder\": \"releases/0.9.0\"}"); // changed by hand
        Outcome abandoned = recover().orElseThrow();

        assertInstanceOf(Outcome.Abandoned.class, abandoned, abandoned.message());
        assertTrue(abandoned.message().contains(app + "/current.json points at neither releases/1.0.0 nor"
                + " releases/1.1.0: something else changed it"), abandoned.message());
        assertEquals("{\"folder\": \"releases/0.9.0\"}", Files.readString(app.resolve("current.json")), "left as it is");
    }

    /** Threat: current.json lies in a folder others may write; it may only ever name releases/<version>. */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"{\"folder\": \"/etc\"}", "{\"folder\": \"releases/../../etc\"}",
            "{\"folder\": \"releases/1.0.0/../../x\"}", "{\"folder\": \"other/1.0.0\"}", "{\"folder\": \"releases/x\"}",
            "{}", "not json", "{\"folder\": \"releases/1.0.0\", \"folder\": \"releases/0.1.0\"}"})
    void currentJson_namingAnythingButAReleaseFolder_isNoLayout_andNothingIsInstalled(String record) throws Exception {
        useRecord();
        Files.writeString(app.resolve("current.json"), record);

        assertEquals(Optional.empty(), ReleaseLink.appOf(target));
        assertEquals(target, ReleaseLink.inCurrentFolder(target));
        assertEquals(Optional.of(app), ReleaseLink.recordLayoutOf(target), "the launcher still says what is wrong");
        Outcome outcome = transaction().install(stageArchive("1.1.0", "port=8080\n"), target, false);
        assertTrue(outcome.message().startsWith("Held back 1.1.0: it is an archive release (zip), installed as a folder"
                + " behind a 'current' link, but the target " + target + " does not lie under"), outcome.message());
        assertEquals(record, Files.readString(app.resolve("current.json")), "unchanged");
        assertEquals(List.of(".1.0.0.config.sha256", "1.0.0"), list(app.resolve("releases")));
    }

    @Test
    void currentJson_isNotTheLayout_whenTheLinkIsThereToo() throws Exception {
        CurrentRecord.write(app, v("1.0.0"));
        ReleaseFolders.install(tree(dir.resolve("second"), "1.1.0", "port=1\n"), app, v("1.1.0"), CONFIG, null, null);
        ReleaseFolders.pointCurrent(app, v("1.1.0"), "t1");

        assertEquals(Path.of("releases/1.1.0"), Files.readSymbolicLink(app.resolve("current")), "the link decides");
        assertEquals("{\n  \"folder\" : \"releases/1.0.0\"\n}", Files.readString(app.resolve("current.json")));
        assertEquals(Optional.empty(), ReleaseLink.recordLayoutOf(target));
    }

    @Test
    void currentJson_refusalsAndTheLog_nameTheRecord_notAnAppCurrentThatDoesNotExist() throws Exception {
        useRecord();
        StagedRelease staged = stageArchive("1.1.0", "port=8080\n");
        Path tree = home.resolve(staged.tree());
        Files.writeString(tree.resolve("lib/app.jar"), "jar 1.1.0 with a backdoor");
        Sha256 tampered = ReleaseTree.hashOf(tree);
        String record = Files.readString(app.resolve("current.json"));

        Outcome outcome = transaction().install(staged, target, false);

        assertInstanceOf(Outcome.Failed.class, outcome, outcome.message());
        assertEquals("Could not install 1.1.0: the staged release tree " + tree + " no longer matches what was unpacked"
                + " from the verified archive (tree SHA-256 " + tampered + ", staged.json recorded " + staged.treeSha256()
                + "): a file in it was changed, added or removed, or its mode changed; nothing was installed from it, "
                + app.resolve("current.json") + " is unchanged, and the staged copy is dropped so that the agent"
                + " unpacks the release again. The target still holds 1.0.0.", outcome.message());
        assertEquals(record, Files.readString(app.resolve("current.json")));
        assertTrue(log.contains("installing release folder releases/1.1.0 over releases/1.0.0 at "
                + app.resolve("current.json")), log.toString());
        assertEquals("There is no release folder to roll back to in " + app.resolve("releases") + ": each install keeps"
                + " the folders it replaced (--keep-backups of them), and none older than the one "
                + app.resolve("current.json") + " points at is there.", new Backups(updateHome).noneFor(target));
    }

    /** Turns the layout into the fallback: no link, {@code current.json} naming releases/1.0.0. */
    private void useRecord() throws Exception {
        Files.delete(app.resolve("current"));
        CurrentRecord.write(app, v("1.0.0"));
    }

    private SwapJournal preparedJournal() throws Exception {
        StagedRelease staged = stageArchive("1.1.0", "port=8080\n");
        Path running = ReleaseLink.inCurrentFolder(target); // the target itself, through the link
        SwapJournal.Artifact from = new SwapJournal.Artifact(v("1.0.0"), Sha256.ofFile(running), Files.size(running));
        SwapJournal.Artifact to = new SwapJournal.Artifact(v("1.1.0"), staged.sha256(), staged.size());
        return new SwapRecords(context()).preparedRelease(SwapJournal.Kind.INSTALL, target, from, to, staged.tree(),
                new SwapJournal.Releases(app.toString(), "1.0.0", "1.1.0", CONFIG, staged.treeSha256()), false);
    }

    private StagedRelease stageArchive(String version, String appProperties) throws Exception {
        Path zip = Files.write(dir.resolve("app-" + version + ".zip"), ARCHIVE);
        StagedRelease file = Staging.stage(home, zip, version);
        Path staging = home.resolve("releases/" + version + "/app.zip.d");
        tree(staging, version, appProperties);
        StagedRelease archive = new StagedRelease(file.version(), file.file(), file.size(), file.sha256(), "any",
                List.of(), List.of(), null, false, false, null, null, null, null, ArchiveFormat.ZIP,
                "releases/" + version + "/app.zip.d/app-" + version, CONFIG, null,
                ReleaseTree.hashOf(staging.resolve("app-" + version)));
        updateHome.stagedRecord().write(archive);
        return archive;
    }

    private SwapContext context() {
        return new SwapContext(updateHome, 1, clock, log::add);
    }

    private SwapTransaction transaction() {
        return new SwapTransaction(context(), hosts);
    }

    private Optional<Outcome> recover() throws Exception {
        return new Recovery(context(), hosts).recover();
    }

    private List<String> details() throws Exception {
        return updateHome.history().read().stream().map(HistoryEvent::detail).toList();
    }

    private static Path tree(Path root, String version, String appProperties) throws Exception {
        Path tree = Files.createDirectories(root.resolve("app-" + version));
        Files.createDirectories(tree.resolve("bin"));
        Files.createDirectories(tree.resolve("lib"));
        Files.createDirectories(tree.resolve("config"));
        Files.writeString(tree.resolve("bin/app"), "echo " + version + "\n");
        PosixModes.setWhereSupported(tree.resolve("bin/app"), "rwxr-xr-x");
        Files.writeString(tree.resolve("lib/app.jar"), "jar " + version);
        Files.writeString(tree.resolve("config/app.properties"), appProperties);
        return tree;
    }

    private static ReleaseVersion v(String version) {
        return ReleaseVersion.tryParse(version);
    }


    private static List<String> list(Path folder) throws Exception {
        try (Stream<Path> files = Files.list(folder)) {
            return files.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }
}
