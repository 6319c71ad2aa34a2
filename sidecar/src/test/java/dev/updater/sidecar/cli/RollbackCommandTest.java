package dev.updater.sidecar.cli;

import dev.updater.core.version.ReleaseVersion;
import dev.updater.core.Sha256;
import dev.updater.core.home.Backup;
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

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

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
        CliRun run = CliRun.run("rollback", "--home", home.toString(), "--target", target.toString());

        assertEquals(1, run.exitCode());
        assertEquals("There is no backup to roll back to in " + home.resolve("backup") + ": each install keeps the"
                + " version it replaces, and none other than the installed one is there.\n", run.err());
    }

    @Test
    void rollback_withoutASidecar_reinstallsTheBackup_andQuarantinesTheVersionRolledAwayFrom() throws Exception {
        Staging.stage(home, Files.write(dir.resolve("new.jar"), NEW), "1.1.0");
        assertEquals(0, CliRun.run("apply", "--home", home.toString(), "--yes", "--target", target.toString()).exitCode());
        // the next sidecar would gate it; here the operator changes their mind first
        SwapJournal swapped = new UpdateHome(home).swapJournal().read().orElseThrow();
        new UpdateHome(home).swapJournal().write(swapped.withState(SwapState.COMMITTED, swapped.updatedAt()));
        JsonRecords.write(home.resolve("installed.json"), new InstalledRelease(ReleaseVersion.parse("1.1.0"), Sha256.ofBytes(NEW),
                target.toString(), ReleaseVersion.parse("1.0.0"), null));

        CliRun run = CliRun.run("rollback", "--home", home.toString(), "--target", target.toString());

        assertEquals(0, run.exitCode(), run.toString());
        assertEquals("Swapped " + target + " to 1.0.0; the next 'updater-sidecar run' or 'watch' on " + home
                + " starts it and checks its health.\n", run.out());
        assertArrayEquals(OLD, Files.readAllBytes(target));
        assertEquals("rolled back by an operator to 1.0.0",
                new UpdateHome(home).quarantineList().read().orElseThrow().versions().get(0).reason());
        assertEquals("1.1.0", new UpdateHome(home).quarantineList().read().orElseThrow().versions().get(0).version());
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

        CliRun run = CliRun.run("rollback", "--home", home.toString(), "--target", target.toString());

        assertEquals(1, run.exitCode(), run.toString());
        assertEquals("There is no backup to roll back to in " + home.resolve("backup") + ": each install keeps the"
                + " version it replaces, and none other than the installed one is there.\n", run.err());
        assertArrayEquals(OLD, Files.readAllBytes(target));
        assertEquals(List.of(), new Backups(new UpdateHome(home)).list(), "pruning never sees it either");
        assertEquals("root:$6$secret:19000:0:99999:7:::\n", Files.readString(secret));
    }
}
