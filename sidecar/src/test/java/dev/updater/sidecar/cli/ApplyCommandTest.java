package dev.updater.sidecar.cli;

import dev.updater.core.version.ReleaseVersion;
import dev.updater.core.Sha256;
import dev.updater.core.home.AgentRecord;
import dev.updater.core.home.InstalledRelease;
import dev.updater.core.home.JsonRecords;
import dev.updater.core.home.StagedRelease;
import dev.updater.core.home.UpdateHome;
import dev.updater.core.testing.OtherUser;
import dev.updater.core.home.SwapJournal;
import dev.updater.core.home.SwapState;
import dev.updater.core.home.ChannelSettings;
import dev.updater.sidecar.channel.KeyFiles;
import dev.updater.sidecar.channel.PublishRequest;
import dev.updater.sidecar.channel.Publisher;
import dev.updater.sidecar.channel.ReleaseHalter;
import dev.updater.sidecar.serve.ReleaseServer;
import dev.updater.sidecar.testhost.Staging;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code apply} without a running sidecar; with one, RunCommandIT covers it. */
class ApplyCommandTest {
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

    /** The offer as plain lines: what an operator sees when the output is not a terminal. */
    private String summary() {
        // The command reads the system clock (the CLI takes no Clock): the real time is what it compares with.
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
        SwapJournal journal = new UpdateHome(home).swapJournal().read().orElseThrow();
        assertEquals(SwapState.SWAPPED, journal.state());
        assertTrue(journal.pendingStart());
    }

    @Test
    void apply_withoutASidecar_ofAReleaseHaltedSinceItWasStaged_isRefused_theStagedCopyDropped_theTargetUntouched()
            throws Exception {
        Path jar = Files.write(dir.resolve("app-1.1.0.jar"), NEW);
        Staging.stage(home, jar, "1.1.0");
        KeyFiles.Written keys = KeyFiles.create(dir.resolve("keys"));
        Path channel = dir.resolve("channel");
        new Publisher(Clock.systemUTC()).publish(new PublishRequest(ReleaseVersion.parse("1.1.0"), Map.of("any", jar),
                keys.privateKey(), channel, null, List.of("Feature"), List.of(), null, false, null, Duration.ofDays(30),
                null, false));
        new ReleaseHalter().halt(channel, keys.privateKey(), ReleaseVersion.parse("1.1.0"));
        try (ReleaseServer server = ReleaseServer.start(channel,
                new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), line -> { })) {
            String url = server.uri().resolve("manifest.json").toString();
            new UpdateHome(home).channelRecord().write(new ChannelSettings(url, List.of(keys.key().text()), "host-1",
                    false, false, false, false, RECORDED));

            CliRun run = CliRun.run("apply", "--home", home.toString(), "--yes", "--target", target.toString());

            assertEquals(1, run.exitCode(), run.toString());
            assertEquals("Refused to install 1.1.0: Release 1.1.0 is halted on its channel (rollout.halted in the"
                    + " signed manifest at " + url + "). Not installed; dropped the staged copy ("
                    + home.resolve("releases/1.1.0") + "), and the host keeps running 1.0.0. Nothing to do here: a"
                    + " newer release from the publisher is installed as usual (only the publisher can take the halt"
                    + " back, by publishing 1.1.0 again with --force).\n", run.err());
        }
        assertArrayEquals(OLD, Files.readAllBytes(target), "the target is untouched");
        assertFalse(Files.exists(home.resolve("staged.json")), "staged.json dropped");
        assertFalse(Files.exists(home.resolve("releases/1.1.0")), "the staged copy dropped");
        assertTrue(new UpdateHome(home).swapJournal().read().isEmpty(), "no swap began");
    }

    @Test
    void apply_withoutASidecar_whenTheSwapFailsBeforeTheRename_exits1_withWhy_andTheTargetUntouched() throws Exception {
        Staging.stage(home, Files.write(dir.resolve("new.jar"), NEW), "1.1.0", true, "breaking changes");
        Path inTheWay = Files.createDirectories(home.resolve("backup/1.0.0/app.jar"));
        Files.writeString(inTheWay.resolve("keep.txt"), "not a backup");

        CliRun run = CliRun.run("apply", "--home", home.toString(), "--yes", "--target", target.toString());

        assertEquals(1, run.exitCode(), run.toString());
        assertEquals("Could not install 1.1.0: Could not back up " + target + " to " + inTheWay + ":"
                + " DirectoryNotEmptyException (" + inTheWay + "); check free space and permissions. Nothing was"
                + " replaced. The target still holds 1.0.0.\n", run.err());
        assertArrayEquals(OLD, Files.readAllBytes(target));
        assertEquals(SwapState.ROLLED_BACK, new UpdateHome(home).swapJournal().read().orElseThrow().state());
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
        assertEquals(SwapState.SWAPPED, new UpdateHome(home).swapJournal().read().orElseThrow().state());
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

    // ---- the trust boundary: what the host (or whoever writes the home) can make apply do

    /** agent.json as a compromised host (or a stale one) writes it, naming {@code runs} as its target. */
    private void agentRecordNaming(Path runs) throws Exception {
        JsonRecords.write(home.resolve("agent.json"), new AgentRecord(4242, RECORDED, ReleaseVersion.parse("1.0.0"), "manifest",
                runs.toString(), null, List.of(), "test", "host-1", false, null, null, null, null, null, false, null,
                RECORDED));
    }

    @Test
    void apply_whenAgentJsonNamesAnotherTarget_isRefusedNamingBoth_andNeitherFileChanges() throws Exception {
        Path victim = Files.writeString(dir.resolve("victim.conf"), "precious configuration\n");
        String victimSha = Sha256.ofFile(victim).hex();
        agentRecordNaming(victim);
        Staging.stage(home, Files.write(dir.resolve("new.jar"), NEW), "1.1.0");

        CliRun run = CliRun.run("apply", "--home", home.toString(), "--yes", "--target", target.toString());

        assertEquals(1, run.exitCode(), run.toString());
        assertEquals("The host's " + home.resolve("agent.json") + " says it runs " + victim + ", but this sidecar's"
                + " target is " + target + " (--target); nothing was installed. If the app moved, start the host once"
                + " so that its agent records the new path; otherwise give --target the file the host runs.\n",
                run.err());
        assertEquals(victimSha, Sha256.ofFile(victim).hex());
        assertArrayEquals(OLD, Files.readAllBytes(target));
        assertFalse(Files.exists(home.resolve("journal.json")), "no swap began");
    }

    @Test
    void apply_withoutTarget_takesTheLastInstallsTarget_neverAgentJsons() throws Exception {
        Path victim = Files.writeString(dir.resolve("victim.conf"), "precious configuration\n");
        agentRecordNaming(victim);
        Staging.stage(home, Files.write(dir.resolve("new.jar"), NEW), "1.1.0");

        CliRun run = CliRun.run("apply", "--home", home.toString(), "--yes");

        assertEquals(1, run.exitCode(), run.toString());
        assertTrue(run.err().startsWith("The host's " + home.resolve("agent.json") + " says it runs " + victim
                + ", but this sidecar's target is " + target + " (installed.json (the sidecar's last install));"
                + " nothing was installed."), run.err());
        assertEquals("precious configuration\n", Files.readString(victim));
        assertArrayEquals(OLD, Files.readAllBytes(target));
    }

    @Test
    void sudoApply_onAHomeOfTheAppUser_neverRenamesItsReleaseOverAFileTheHomeNames() throws Exception {
        OtherUser.assumeRoot();
        // the app user (nobody) writes agent.json and installed.json naming a file only root may write,
        // and stages "a release" there; then an operator runs 'sudo updater-sidecar apply --yes'
        Path victim = Files.writeString(dir.resolve("shadow"), "root:$6$secret:19000:0:99999:7:::\n");
        String victimSha = Sha256.ofFile(victim).hex();
        agentRecordNaming(victim);
        JsonRecords.write(home.resolve("installed.json"), new InstalledRelease(ReleaseVersion.parse("1.0.0"), new Sha256(victimSha), victim.toString(),
                null, null));
        Staging.stage(home, Files.write(dir.resolve("evil.jar"), "root::0:0:::\n".getBytes(StandardCharsets.UTF_8)),
                "1.1.0");
        try (var walk = Files.walk(home)) {
            for (Path p : walk.toList()) {
                OtherUser.give(p);
            }
        }
        String nobody = OtherUser.name(home);

        CliRun refused = CliRun.run("apply", "--home", home.toString(), "--yes");
        CliRun noTarget = CliRun.run("apply", "--home", home.toString(), "--yes", "--allow-other-owner");
        CliRun otherTarget = CliRun.run("apply", "--home", home.toString(), "--yes", "--allow-other-owner",
                "--target", target.toString());

        assertEquals(1, refused.exitCode(), refused.toString());
        assertEquals("The update home " + home + " belongs to " + nobody + " (uid 65534), not to root (uid 0), who"
                + " runs this command: its records and staged files are that user's word, and acting on them with"
                + " your rights would let that user choose what is read, written and installed. Run the command as "
                + nobody + " (sudo -u " + nobody + " updater-sidecar ...), or pass --allow-other-owner if you mean to"
                + " act on it.\n", refused.err());
        assertEquals("", refused.out(), "nothing was read from the home");
        assertEquals(1, noTarget.exitCode(), noTarget.toString());
        assertEquals("The update home " + home + " belongs to another user (--allow-other-owner), so its records do"
                + " not name the file to replace; give the file the host runs with --target.\n", noTarget.err());
        assertEquals(1, otherTarget.exitCode(), otherTarget.toString());
        assertEquals("The host's " + home.resolve("agent.json") + " says it runs " + victim + ", but this sidecar's"
                + " target is " + target + " (--target); nothing was installed. If the app moved, start the host once"
                + " so that its agent records the new path; otherwise give --target the file the host runs.\n",
                otherTarget.err());
        assertEquals(victimSha, Sha256.ofFile(victim).hex());
        assertArrayEquals(OLD, Files.readAllBytes(target));
        assertFalse(Files.exists(home.resolve("journal.json")), "no swap began");
    }

    @Test
    void apply_onAHomeOfAnotherUser_withAllowOtherOwnerAndTarget_installs() throws Exception {
        OtherUser.assumeRoot();
        agentRecordNaming(target);
        Staging.stage(home, Files.write(dir.resolve("new.jar"), NEW), "1.1.0");
        OtherUser.give(home);
        OtherUser.give(home.resolve("releases"));
        OtherUser.give(home.resolve("releases/1.1.0"));

        CliRun run = CliRun.run("apply", "--home", home.toString(), "--yes", "--allow-other-owner", "--target",
                target.toString());

        assertEquals(0, run.exitCode(), run.toString());
        assertArrayEquals(NEW, Files.readAllBytes(target));
    }

    @Test
    void apply_aStagedFileNamedOutsideTheHome_isRefused_andThatFileIsNeverRead() throws Exception {
        Path victim = Files.writeString(dir.resolve("victim.conf"), "precious configuration\n");
        StagedRelease staged = Staging.stage(home, Files.write(dir.resolve("new.jar"), NEW), "1.1.0");
        JsonRecords.write(home.resolve("staged.json"), new StagedRelease(ReleaseVersion.parse("1.1.0"), "releases/../../victim.conf",
                staged.size(), Sha256.ofFile(victim), "any", List.of(), List.of(), null, false, false, null,
                null, null, RECORDED));

        CliRun run = CliRun.run("apply", "--home", home.toString(), "--yes", "--target", target.toString());

        assertEquals(1, run.exitCode(), run.toString());
        assertEquals("staged.json's file \"releases/../../victim.conf\" is not inside " + home.resolve("releases")
                + "; nothing was installed. Delete " + home.resolve("staged.json") + " and let the agent stage the"
                + " release again.\n", run.err());
        assertEquals("precious configuration\n", Files.readString(victim));
        assertArrayEquals(OLD, Files.readAllBytes(target));
    }

    @Test
    void apply_aStagedFileThatIsASymbolicLink_isRefused_andItsDestinationIsNeverRead() throws Exception {
        Path victim = Files.writeString(dir.resolve("victim.conf"), "precious configuration\n");
        Staging.stage(home, Files.write(dir.resolve("new.jar"), NEW), "1.1.0");
        Path staged = home.resolve("releases/1.1.0/app.jar");
        Files.delete(staged);
        Files.createSymbolicLink(staged, victim);

        CliRun run = CliRun.run("apply", "--home", home.toString(), "--yes", "--target", target.toString());

        assertEquals(1, run.exitCode(), run.toString());
        assertEquals("The staged file is refused: " + staged + " is a symbolic link to " + victim + "; the update"
                + " home's files are plain files, and a link could send updater's writes to any file. Nothing was"
                + " opened through it. Remove it (rm " + staged + ") and find out who planted it.\n", run.err());
        assertArrayEquals(OLD, Files.readAllBytes(target));
    }
}
