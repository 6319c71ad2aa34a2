package dev.updater.sidecar.cli;

import dev.updater.core.version.ReleaseVersion;
import dev.updater.core.Sha256;
import dev.updater.core.home.Backup;
import dev.updater.core.home.HistoryEvent;
import dev.updater.core.home.Quarantine;
import dev.updater.core.home.InstalledRelease;
import dev.updater.core.home.JsonRecords;
import dev.updater.core.home.SwapJournal;
import dev.updater.core.home.SwapState;
import dev.updater.core.home.UpdateHome;
import dev.updater.sidecar.testhost.Staging;
import dev.updater.sidecar.swap.Backups;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code rollback} without a running sidecar; with one, RunCommandIT covers it. */
class RollbackCommandTest {
    /** When the records a test writes were written; the commands under test do not read these times. */
    private static final Instant RECORDED = Instant.parse("2026-03-02T09:30:00Z");

    private static final byte[] OLD = "app 1.0.0".getBytes(StandardCharsets.UTF_8);
    private static final byte[] NEW = "app 1.1.0!".getBytes(StandardCharsets.UTF_8);

    @TempDir
    Path dir;

    private Path home;
    private Path target;

    @BeforeEach
    void installed100() throws Exception {
        home = Staging.newHome(dir.resolve("home"));
        target = Files.write(dir.resolve("app.jar"), OLD);
        JsonRecords.write(home.resolve("installed.json"), new InstalledRelease(ReleaseVersion.parse("1.0.0"), Sha256.ofBytes(OLD),
                target.toString(), null, null));
    }

    @Test
    void rollback_withoutABackup_saysThereIsNone() {
        CliRun run = CliRun.run("rollback", "--home", home.toString(), "--target", target.toString(), "--yes");

        assertEquals(1, run.exitCode());
        assertEquals("There is no backup to roll back to in " + home.resolve("backup") + ": each install keeps the"
                + " version it replaces, and none other than the installed one is there.\n", run.err());
    }

    @Test
    void rollback_withoutASidecar_reinstallsTheBackup_andHoldsBackTheVersionRolledAwayFrom() throws Exception {
        Staging.stage(home, Files.write(dir.resolve("new.jar"), NEW), "1.1.0");
        assertEquals(0, CliRun.run("apply", "--home", home.toString(), "--yes", "--target", target.toString()).exitCode());
        // the next sidecar would gate it; here the operator changes their mind first
        SwapJournal swapped = new UpdateHome(home).swapJournal().read().orElseThrow();
        new UpdateHome(home).swapJournal().write(swapped.withState(SwapState.COMMITTED, swapped.updatedAt()));
        JsonRecords.write(home.resolve("installed.json"), new InstalledRelease(ReleaseVersion.parse("1.1.0"), Sha256.ofBytes(NEW),
                target.toString(), ReleaseVersion.parse("1.0.0"), null));

        CliRun run = CliRun.run("rollback", "--home", home.toString(), "--target", target.toString(), "--yes");

        assertEquals(0, run.exitCode(), run.toString());
        assertEquals("Swapped " + target + " to 1.0.0; the next 'updater-sidecar run' or 'watch' on " + home
                + " starts it and checks its health.\n", run.out());
        assertArrayEquals(OLD, Files.readAllBytes(target));
        Quarantine.Entry held = new UpdateHome(home).quarantineList().read().orElseThrow().versions().get(0);
        assertEquals(new Quarantine.Entry(ReleaseVersion.tryParse("1.1.0"), "an operator rolled back from it to 1.0.0", held.at(), true), held);
        List<String> events = new UpdateHome(home).history().read().stream().map(e -> e.event() + " " + e.version()).toList();
        assertEquals(List.of("installed 1.1.0", "rolled-back 1.0.0", "held 1.1.0"), events);

        CliRun status = CliRun.run("status", "--home", home.toString());
        assertTrue(status.out().contains("\nQuarantined:  1.1.0 (held back: an operator rolled back from it to 1.0.0)\n"),
                status.out());
        assertFalse(status.out().contains("failed its health gate"), status.out());
    }

    @Test
    void rollback_withoutATerminalAndWithoutYes_isRefusedWithTheHint_andNothingChanges() throws Exception {
        installedFrom110();
        Map<String, String> before = snapshot();

        CliRun run = CliRun.run("rollback", "--home", home.toString(), "--target", target.toString());

        assertEquals(1, run.exitCode(), run.toString());
        assertEquals("Not rolled back: a rollback restarts the host, and there is no terminal to confirm it on;"
                + " nothing was changed. To roll back without a question: updater-sidecar rollback --home " + home
                + " --yes\n", run.err());
        assertEquals("", run.out());
        assertEquals(before, snapshot());
    }

    @Test
    void allow_liftsTheHoldOfAnOperatorRollback_andRecordsIt() throws Exception {
        installedFrom110();
        assertEquals(0, CliRun.run("rollback", "--home", home.toString(), "--target", target.toString(), "--yes")
                .exitCode());

        CliRun allow = CliRun.run("allow", "1.1.0", "--home", home.toString());

        assertEquals(0, allow.exitCode(), allow.toString());
        assertEquals("Allowed 1.1.0 again (it was held back: an operator rolled back from it to 1.0.0). The agent"
                + " stages it at its next check if the channel still offers it; the apply policy decides when it is"
                + " installed, or run 'updater-sidecar apply --home " + home + "'.\n", allow.out());
        assertEquals(List.of(), new UpdateHome(home).quarantineList().read().orElseThrow().versions());
        HistoryEvent last = new UpdateHome(home).history().read().get(3);
        assertEquals(HistoryEvent.Kind.ALLOWED, last.event());
        assertEquals("allowed again by an operator (it was held back: an operator rolled back from it to 1.0.0)",
                last.detail());
    }

    @Test
    void allow_ofAVersionNeitherQuarantinedNorHeld_failsNamingWhatIsListed_andChangesNothing() throws Exception {
        new UpdateHome(home).quarantineList().write(new Quarantine(List.of(
                new Quarantine.Entry(ReleaseVersion.tryParse("1.2.0"), "1.2.0 failed its health gate: the host exited with code 3", RECORDED))));
        Map<String, String> before = snapshot();

        CliRun allow = CliRun.run("allow", "1.3.0", "--home", home.toString());

        assertEquals(1, allow.exitCode(), allow.toString());
        assertEquals("1.3.0 is neither quarantined nor held back in " + home.resolve("quarantine.json") + " (it lists"
                + " 1.2.0 (quarantined)); nothing was changed.\n", allow.err());
        assertEquals(before, snapshot());
    }

    /** 1.1.0 installed over 1.0.0 and committed; the backup of 1.0.0 is there to roll back to. */
    private void installedFrom110() throws Exception {
        Staging.stage(home, Files.write(dir.resolve("new.jar"), NEW), "1.1.0");
        assertEquals(0, CliRun.run("apply", "--home", home.toString(), "--yes", "--target", target.toString()).exitCode());
        SwapJournal swapped = new UpdateHome(home).swapJournal().read().orElseThrow();
        new UpdateHome(home).swapJournal().write(swapped.withState(SwapState.COMMITTED, swapped.updatedAt()));
        JsonRecords.write(home.resolve("installed.json"), new InstalledRelease(ReleaseVersion.parse("1.1.0"), Sha256.ofBytes(NEW),
                target.toString(), ReleaseVersion.parse("1.0.0"), null));
    }

    /** Every file of the home and the target (relative path) and the SHA-256 of its bytes. */
    private Map<String, String> snapshot() throws Exception {
        Map<String, String> files = new TreeMap<>();
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path file : walk.filter(Files::isRegularFile).toList()) {
                files.put(dir.relativize(file).toString(), Sha256.ofFile(file).hex());
            }
        }
        return files;
    }

    @Test
    void rollback_aBackupRecordNamingAFileOutsideTheHome_isNoBackup_andThatFileIsNeitherInstalledNorDeleted()
            throws Exception {
        Path secrets = Files.createDirectories(dir.resolve("secrets"));
        Path secret = Files.writeString(secrets.resolve("shadow"), "root:$6$secret:19000:0:99999:7:::\n");
        Path backupDir = Files.createDirectories(home.resolve("backup/1.0.0"));
        // written by whoever can write the home: "roll back to /…/secrets/shadow", "prune /…/secrets"
        JsonRecords.write(backupDir.resolve("backup.json"), new Backup(ReleaseVersion.tryParse("0.9.0"), Sha256.ofFile(secret),
                Files.size(secret), "backup/../../secrets/shadow", RECORDED));

        CliRun run = CliRun.run("rollback", "--home", home.toString(), "--target", target.toString(), "--yes");

        assertEquals(1, run.exitCode(), run.toString());
        assertEquals("There is no backup to roll back to in " + home.resolve("backup") + ": each install keeps the"
                + " version it replaces, and none other than the installed one is there.\n", run.err());
        assertArrayEquals(OLD, Files.readAllBytes(target));
        assertEquals(List.of(), new Backups(new UpdateHome(home)).list(), "pruning never sees it either");
        assertEquals("root:$6$secret:19000:0:99999:7:::\n", Files.readString(secret));
    }
}
