package dev.updater.sidecar.cli;

import dev.updater.core.Sha256;
import dev.updater.core.home.InstalledRelease;
import dev.updater.core.home.JsonRecords;
import dev.updater.core.home.StagedRelease;
import dev.updater.core.home.UpdateHome;
import dev.updater.sidecar.swap.SwapJournal;
import dev.updater.sidecar.swap.SwapState;
import dev.updater.sidecar.testhost.Staging;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code apply} without a running sidecar; with one, RunCommandIT covers it. */
class ApplyCommandTest {
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
        JsonRecords.write(home.resolve("installed.json"), new InstalledRelease("1.0.0", Sha256.ofBytes(OLD).hex(),
                target.toString(), null, null));
    }

    /** The offer as plain lines: what an operator sees when the output is not a terminal. */
    private String summary() {
        long days = Duration.between(Instant.parse("2026-02-07T12:00:00Z"), Instant.now()).toDays();
        return "UPDATE AVAILABLE:\n"
                + "  Current version: 1.0.0\n"
                + "  New version:     1.1.0 (released " + days + " days ago)\n"
                + "  What's new:\n"
                + "  + Feature of 1.1.0\n"
                + "  * Fix of 1.1.0\n"
                + "  Download size: 10 B (already downloaded and verified)\n"
                + "  Needs your approval: breaking changes\n";
    }

    private static String installing(String... more) {
        StringBuilder text = new StringBuilder("INSTALLING UPDATE:\n"
                + "  [ok] Download complete (10 B)\n"
                + "  [ok] Checksum verified (" + Sha256.ofBytes(NEW).hex().substring(0, 8) + "...)\n");
        for (String line : more) {
            text.append("  ").append(line).append('\n');
        }
        return text.toString();
    }

    @Test
    void apply_withNothingStaged_saysWhereReleasesComeFrom() {
        CliRun run = CliRun.run("apply", "--home", home.toString(), "--yes");

        assertEquals(1, run.exitCode());
        assertEquals("Nothing is staged in " + home + ": the agent stages a release once it finds one; see"
                + " 'updater-sidecar status --home " + home + "'.\n", run.err());
    }

    @Test
    void apply_withoutASidecarAndWithTheHostStopped_swapsNow_andLeavesTheGateToTheNextSidecar() throws Exception {
        Staging.stage(home, Files.write(dir.resolve("new.jar"), NEW), "1.1.0", true, "breaking changes");

        CliRun run = CliRun.run("apply", "--home", home.toString(), "--yes", "--target", target.toString());

        assertEquals(0, run.exitCode(), run.toString());
        assertEquals(summary() + installing("[ok] Backup created", "[ok] Artifact replaced", "Swapped " + target
                + " to 1.1.0; the next 'updater-sidecar run' or 'watch' on " + home + " starts it and checks its health."),
                run.out());
        assertArrayEquals(NEW, Files.readAllBytes(target));
        SwapJournal journal = SwapJournal.read(new UpdateHome(home)).orElseThrow();
        assertEquals(SwapState.SWAPPED, journal.state());
        assertTrue(journal.pendingStart());
    }

    @Test
    void apply_withoutASidecarWhileTheHostRuns_saysWhatToDo() throws Exception {
        Staging.stage(home, Files.write(dir.resolve("new.jar"), NEW), "1.1.0", true, "breaking changes");
        try (FileChannel channel = FileChannel.open(home.resolve("host.lock"), StandardOpenOption.CREATE,
                StandardOpenOption.WRITE); FileLock hostLock = channel.lock()) {
            assertTrue(hostLock.isValid(), "a host holds host.lock");

            CliRun run = CliRun.run("apply", "--home", home.toString(), "--yes", "--target", target.toString());

            assertEquals(1, run.exitCode());
            assertEquals("No sidecar runs on " + home + " and the host is running; start 'updater-sidecar run' or"
                    + " 'watch' on this home and ask again, or stop the host first.\n", run.err());
        }
        assertArrayEquals(OLD, Files.readAllBytes(target));
    }

    @Test
    void apply_withoutASidecar_whenHostLockCannotBeProbed_refusesToSwap_ratherThanTakeTheHostForGone() throws Exception {
        Staging.stage(home, Files.write(dir.resolve("new.jar"), NEW), "1.1.0", true, "breaking changes");
        Path hostLock = Files.createDirectory(home.resolve("host.lock")); // opening it fails with EISDIR, not ENOENT

        CliRun run = CliRun.run("apply", "--home", home.toString(), "--yes", "--target", target.toString());

        assertEquals(1, run.exitCode(), run.toString());
        assertEquals("Cannot tell whether the host is running: " + hostLock + " cannot be locked (Is a directory)."
                + " No sidecar runs on " + home + " and a swap under a live host is refused, so nothing was changed;"
                + " run this as a user who can lock " + hostLock + " (the host's), or start 'updater-sidecar run' or"
                + " 'watch' on this home and ask again.\n", run.err());
        assertArrayEquals(OLD, Files.readAllBytes(target));
        assertTrue(Files.exists(home.resolve("staged.json")), "1.1.0 stays staged");
        assertTrue(!Files.exists(home.resolve("journal.json")), "no transaction began");
        assertTrue(!Files.exists(home.resolve("backup")), "no backup was taken");
    }

    @Test
    void apply_withoutASidecar_overASymlinkedTarget_replacesTheLink_andLeavesWhatItPointedAtAlone() throws Exception {
        Path deployed = Files.move(target, Files.createDirectories(dir.resolve("deploy")).resolve("app-1.0.0.jar"));
        Files.createSymbolicLink(target, Path.of("deploy/app-1.0.0.jar"));
        Staging.stage(home, Files.write(dir.resolve("new.jar"), NEW), "1.1.0", true, "breaking changes");

        CliRun run = CliRun.run("apply", "--home", home.toString(), "--yes", "--target", target.toString());

        assertEquals(0, run.exitCode(), run.toString());
        assertTrue(!Files.isSymbolicLink(target));
        assertArrayEquals(NEW, Files.readAllBytes(target));
        assertArrayEquals(OLD, Files.readAllBytes(deployed));
        assertArrayEquals(OLD, Files.readAllBytes(home.resolve("backup/1.0.0/app.jar")));
        assertEquals(SwapState.SWAPPED, SwapJournal.read(new UpdateHome(home)).orElseThrow().state());
    }

    @Test
    void apply_answeredNo_changesNothing() throws Exception {
        Staging.stage(home, Files.write(dir.resolve("new.jar"), NEW), "1.1.0", true, "breaking changes");
        InputStream stdin = System.in;
        try {
            System.setIn(new ByteArrayInputStream("n\n".getBytes(StandardCharsets.UTF_8)));

            CliRun run = CliRun.run("apply", "--home", home.toString(), "--target", target.toString());

            assertEquals(1, run.exitCode());
            assertEquals(summary() + "Proceed? [Y/n] ", run.out());
            assertEquals("Cancelled: nothing was installed; 1.1.0 stays staged.\n", run.err());
        } finally {
            System.setIn(stdin);
        }
        assertArrayEquals(OLD, Files.readAllBytes(target));
    }

    @Test
    void apply_ofAStagedReleaseWhoseRecordHoldsTerminalControls_showsThemEscaped() throws Exception {
        // staged.json is written by the host's agent: a changelog line there could erase the approval line
        StagedRelease s = Staging.stage(home, Files.write(dir.resolve("new.jar"), NEW), "1.1.0", true, "breaking changes");
        JsonRecords.write(home.resolve("staged.json"), new StagedRelease(s.version(), s.file(), s.size(), s.sha256(),
                s.platform(), List.of("Faster" + "\u001b[1A\u001b[2K".repeat(3)), List.of("Fix\u009b2K"), null, false,
                true, "breaking changes\u202e", s.manifestUrl(), s.releaseDate(), s.stagedAt()));
        InputStream stdin = System.in;
        try {
            System.setIn(new ByteArrayInputStream("n\n".getBytes(StandardCharsets.UTF_8)));

            CliRun run = CliRun.run("apply", "--home", home.toString(), "--target", target.toString());

            assertEquals(1, run.exitCode());
            assertEquals(summary().replace("Feature of 1.1.0", "Faster\\e[1A\\e[2K\\e[1A\\e[2K\\e[1A\\e[2K")
                    .replace("Fix of 1.1.0", "Fix\\u009b2K").replace("approval: breaking changes", "approval: breaking"
                            + " changes\\u202e") + "Proceed? [Y/n] ", run.out());
            assertFalse(run.out().contains("\u001b"), "no raw ESC reaches the terminal");
        } finally {
            System.setIn(stdin);
        }
        assertArrayEquals(OLD, Files.readAllBytes(target));
    }

    @Test
    void apply_answeredWithEnter_proceeds() throws Exception {
        Staging.stage(home, Files.write(dir.resolve("new.jar"), NEW), "1.1.0", true, "breaking changes");
        InputStream stdin = System.in;
        try {
            System.setIn(new ByteArrayInputStream("\n".getBytes(StandardCharsets.UTF_8)));

            CliRun run = CliRun.run("apply", "--home", home.toString(), "--target", target.toString());

            assertEquals(0, run.exitCode(), run.toString());
        } finally {
            System.setIn(stdin);
        }
        assertArrayEquals(NEW, Files.readAllBytes(target));
    }
}
