package dev.updater.sidecar.cli;

import dev.updater.core.version.ReleaseVersion;
import dev.updater.core.Sha256;
import dev.updater.core.home.ChannelSettings;
import dev.updater.core.home.InstalledRelease;
import dev.updater.core.home.Quarantine;
import dev.updater.core.home.UpdateHome;
import dev.updater.core.manifest.Changelog;
import dev.updater.core.manifest.Manifest;
import dev.updater.core.signature.Ed25519Keys;
import dev.updater.core.signature.TrustedKey;
import dev.updater.core.testing.TestChannel;
import dev.updater.sidecar.testhost.Staging;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code apply} when the agent has not staged the release yet: it checks the channel and downloads itself. */
class ApplyFromChannelTest {
    /** When the records a test writes were written; the commands under test do not read these times. */
    private static final Instant RECORDED = Instant.parse("2026-03-02T09:30:00Z");

    private static final byte[] OLD = "app 1.0.0".getBytes(StandardCharsets.UTF_8);
    private static final byte[] NEW = "app 1.1.0, a little longer".getBytes(StandardCharsets.UTF_8);

    @TempDir
    Path dir;

    private TestChannel channel;
    private UpdateHome home;
    private Path target;

    @BeforeEach
    void installed100() throws Exception {
        channel = TestChannel.start(dir.resolve("channel"));
        home = new UpdateHome(Staging.newHome(dir.resolve("home")));
        target = Files.write(dir.resolve("app.jar"), OLD);
        home.installedRecord().write(new InstalledRelease(ReleaseVersion.parse("1.0.0"), Sha256.ofBytes(OLD),
                target.toString(), null, null));
        home.channelRecord().write(new ChannelSettings(channel.manifestUri().toString(),
                List.of(channel.keyText()), "host-1", false, false, false, false, RECORDED));
    }

    @AfterEach
    void stop() {
        channel.close();
    }

    @Test
    void applyYes_showsTheOffer_downloadsWithProgress_verifies_andInstalls() throws Exception {
        channel.publish("1.1.0", NEW);

        CliRun run = CliRun.run("apply", "--home", home.dir().toString(), "--key", channel.keyText(),
                "--yes", "--target", target.toString());

        assertEquals(0, run.exitCode(), run.toString());
        String out = run.out();
        assertTrue(out.startsWith("UPDATE AVAILABLE:\n  Current version: 1.0.0\n  New version:     1.1.0 (released just"
                + " now)\n  What's new:\n  + Release 1.1.0\n  Download size: 26 B\n"), out);
        assertTrue(out.contains("DOWNLOADING UPDATE:\n  Downloading " + channel.manifestUri().resolve("1.1.0/any/app.jar")
                + " ...\n  Ctrl-C cancels; the download resumes next time.\n"), out);
        assertTrue(out.contains("100%  26 B / 26 B"), out);
        assertTrue(out.endsWith("INSTALLING UPDATE:\n  [ok] Download complete (26 B)\n  [ok] Checksum verified ("
                + Sha256.ofBytes(NEW).hex().substring(0, 8) + "...)\n  [ok] Backup created\n  [ok] Artifact replaced\n"
                + "  Swapped " + target + " to 1.1.0; the next 'updater-sidecar run' or 'watch' on " + home.dir()
                + " starts it and checks its health.\n"), out);
        assertArrayEquals(NEW, Files.readAllBytes(target));
    }

    /** A jar of 200 entries of 2 KiB each; {@code changed} alters entry 100. */
    private static byte[] jar(boolean changed) throws Exception {
        java.util.Random random = new java.util.Random(7);
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        try (java.util.zip.ZipOutputStream zip = new java.util.zip.ZipOutputStream(bytes)) {
            for (int i = 0; i < 200; i++) {
                byte[] data = new byte[2048];
                random.nextBytes(data);
                data[0] = (byte) (changed && i == 100 ? 1 : 0);
                java.util.zip.ZipEntry entry = new java.util.zip.ZipEntry("app/C" + i + ".class");
                entry.setTime(0);
                zip.putNextEntry(entry);
                zip.write(data);
            }
        }
        return bytes.toByteArray();
    }

    @Test
    void apply_ofAJarWithAnEntryIndex_fetchesOnlyTheChangedEntry_andInstallsTheExactJar() throws Exception {
        byte[] oldJar = jar(false);
        byte[] newJar = jar(true);
        Files.write(target, oldJar);
        home.installedRecord().write(new InstalledRelease(ReleaseVersion.parse("1.0.0"), Sha256.ofBytes(oldJar),
                target.toString(), null, null));
        channel.publishWithIndex("1.1.0", newJar);

        CliRun run = CliRun.run("apply", "--home", home.dir().toString(), "--key", channel.keyText(),
                "--yes", "--target", target.toString());

        assertEquals(0, run.exitCode(), run.toString());
        assertTrue(run.out().contains("\nRebuilt from a delta: fetched 10.3 kB of 438 kB (the index and 1 changed entry);"
                + " the result matches the manifest's SHA-256.\nINSTALLING UPDATE:\n"), run.out());
        assertEquals(0, channel.requests("/1.1.0/any/app.jar"), "the full jar is never downloaded");
        assertEquals(1, channel.requests("/1.1.0/any/app.jar.index"));
        assertArrayEquals(newJar, Files.readAllBytes(target));
    }

    @Test
    void apply_ofABinaryWithAChunkIndex_fetchesOnlyTheChangedChunk_andInstallsTheExactFile() throws Exception {
        byte[] oldFile = new byte[1 << 20];
        new java.util.Random(9).nextBytes(oldFile);
        byte[] newFile = oldFile.clone();
        newFile[700_000] ^= 1;
        Files.write(target, oldFile);
        home.installedRecord().write(new InstalledRelease(ReleaseVersion.parse("1.0.0"), Sha256.ofBytes(oldFile),
                target.toString(), null, null));
        channel.publishWithChunkIndex("1.1.0", newFile);
        java.util.Set<Sha256> had = new java.util.HashSet<>();
        dev.updater.core.delta.FileChunkIndex.of(target, (ref, buffer, from, to, offset) -> had.add(ref.sha256()));
        List<dev.updater.core.delta.ObjectRef> changed = dev.updater.core.delta.FileChunkIndex.of(
                Files.write(dir.resolve("new.bin"), newFile), (ref, buffer, from, to, offset) -> { })
                .chunks().stream().filter(ref -> !had.contains(ref.sha256())).toList();
        assertEquals(1, changed.size(), "one byte changes one chunk here");
        long fetched = Files.size(channel.dir().resolve("1.1.0/any/app.jar.index")) + changed.get(0).size();

        CliRun run = CliRun.run("apply", "--home", home.dir().toString(), "--key", channel.keyText(),
                "--yes", "--target", target.toString());

        assertEquals(0, run.exitCode(), run.toString());
        assertTrue(run.out().contains("\nRebuilt from a delta: fetched " + dev.updater.core.text.HumanUnits.size(fetched)
                + " of " + dev.updater.core.text.HumanUnits.size(newFile.length)
                + " (the index and 1 changed chunk); the result matches the manifest's SHA-256.\n"
                + "INSTALLING UPDATE:\n"), run.out());
        assertEquals(0, channel.requests("/1.1.0/any/app.jar"), "the full file is never downloaded");
        assertEquals(1, channel.requests("/objects/" + changed.get(0).sha256().hex()));
        assertArrayEquals(newFile, Files.readAllBytes(target));
    }

    @Test
    void applyOfAHeldBackRelease_isRefused_sayingHowToAllowIt_andDownloadsNothing() throws Exception {
        channel.publish("1.1.0", NEW);
        home.quarantineList().write(new Quarantine(List.of(new Quarantine.Entry(ReleaseVersion.tryParse("1.1.0"),
                "an operator rolled back from it to 1.0.0", RECORDED, true))));

        CliRun run = CliRun.run("apply", "--home", home.dir().toString(), "--key", channel.keyText(), "--yes",
                "--target", target.toString());

        assertEquals(1, run.exitCode(), run.toString());
        assertEquals("Not installed: 1.1.0 is held back (an operator rolled back from it to 1.0.0) on this host, and"
                + " is not installed again until it is allowed: run 'updater-sidecar allow 1.1.0 --home " + home.dir()
                + "', then apply again.\n", run.err());
        assertTrue(run.out().contains("Release 1.1.0 is quarantined on this host (it failed its health gate here, an"
                + " operator rolled back from it, or the sidecar cannot install it; 'updater-sidecar status' says which);"
                + " allow it again with 'updater-sidecar allow 1.1.0', or publish a newer"
                + " release."), run.out());
        assertEquals(0, channel.requests("/1.1.0/any/app.jar"));
        assertFalse(Files.exists(home.stagedRecord().path()));
        assertArrayEquals(OLD, Files.readAllBytes(target));

        assertEquals(0, CliRun.run("allow", "1.1.0", "--home", home.dir().toString()).exitCode());
        CliRun again = CliRun.run("apply", "--home", home.dir().toString(), "--key", channel.keyText(), "--yes",
                "--target", target.toString());
        assertEquals(0, again.exitCode(), again.toString());
        assertArrayEquals(NEW, Files.readAllBytes(target));
    }

    @Test
    void answeringN_downloadsNothing_andChangesNothing() throws Exception {
        channel.publish("1.1.0", NEW);
        InputStream stdin = System.in;
        try {
            System.setIn(new ByteArrayInputStream("n\n".getBytes(StandardCharsets.UTF_8)));
            CliRun run = CliRun.run("apply", "--home", home.dir().toString(), "--key", channel.keyText(),
                    "--target", target.toString());

            assertEquals(1, run.exitCode());
            assertTrue(run.out().endsWith("  Download size: 26 B\nProceed? [Y/n] "), run.out());
            assertEquals("Cancelled: nothing was installed.\n", run.err());
        } finally {
            System.setIn(stdin);
        }
        assertEquals(0, channel.requests("/1.1.0/any/app.jar"));
        assertFalse(Files.exists(home.stagedRecord().path()));
        assertArrayEquals(OLD, Files.readAllBytes(target));
    }

    @Test
    void aSignedChangelogWithTerminalControls_cannotEraseTheApprovalLine() throws Exception {
        // Three times "cursor up, erase line": on a terminal the approval line above the question would vanish.
        String attack = "Faster start-up" + "\u001b[1A\u001b[2K".repeat(3);
        Manifest m = TestChannel.manifest("1.1.0", NEW);
        channel.publish(new Manifest(m.version(), null, m.binaries(), new Changelog(List.of(attack), List.of()), null,
                true, null, null), Map.of(TestChannel.artifactPath("1.1.0"), NEW));
        InputStream stdin = System.in;
        try {
            System.setIn(new ByteArrayInputStream("n\n".getBytes(StandardCharsets.UTF_8)));
            CliRun run = CliRun.run("apply", "--home", home.dir().toString(), "--key", channel.keyText(),
                    "--target", target.toString());

            assertEquals(1, run.exitCode(), run.toString());
            assertEquals("UPDATE AVAILABLE:\n"
                    + "  Current version: 1.0.0\n"
                    + "  New version:     1.1.0\n"
                    + "  What's new:\n"
                    + "  + Faster start-up\\e[1A\\e[2K\\e[1A\\e[2K\\e[1A\\e[2K\n"
                    + "  Download size: 26 B\n"
                    + "  Needs your approval: Release 1.1.0 has breaking changes; it is staged and waits for"
                    + " 'updater-sidecar apply' (or allow-breaking=true).\n"
                    + "Proceed? [Y/n] ", run.out());
            assertFalse(run.out().contains("\u001b"), "no raw ESC reaches the terminal");
            assertEquals("Cancelled: nothing was installed.\n", run.err());
        } finally {
            System.setIn(stdin);
        }
        assertEquals(0, channel.requests("/1.1.0/any/app.jar"));
        assertArrayEquals(OLD, Files.readAllBytes(target));
    }

    @Test
    void answeringY_proceeds() throws Exception {
        channel.publish("1.1.0", NEW);
        InputStream stdin = System.in;
        try {
            System.setIn(new ByteArrayInputStream("y\n".getBytes(StandardCharsets.UTF_8)));
            CliRun run = CliRun.run("apply", "--home", home.dir().toString(), "--key", channel.keyText(),
                    "--target", target.toString());
            assertEquals(0, run.exitCode(), run.toString());
        } finally {
            System.setIn(stdin);
        }
        assertArrayEquals(NEW, Files.readAllBytes(target));
    }

    @Test
    void upToDate_saysSo_andInstallsNothing() throws Exception {
        channel.publish("1.0.0", OLD);
        CliRun run = CliRun.run("apply", "--home", home.dir().toString(), "--key", channel.keyText(),
                "--yes", "--target", target.toString());
        assertEquals(0, run.exitCode(), run.toString());
        assertEquals("UP TO DATE:\n  Installed version: 1.0.0, the latest release.\n", run.out());
        assertArrayEquals(OLD, Files.readAllBytes(target));
    }

    @Test
    void tamperedArtifact_isRefused_andNothingChanges() throws Exception {
        channel.publish("1.1.0", NEW);
        Files.write(channel.dir().resolve(TestChannel.artifactPath("1.1.0")), "app 1.1.0, a little LONGER".getBytes(
                StandardCharsets.UTF_8));
        CliRun run = CliRun.run("apply", "--home", home.dir().toString(), "--key", channel.keyText(),
                "--yes", "--target", target.toString());
        assertEquals(1, run.exitCode());
        assertTrue(run.err().contains("SHA-256"), run.err());
        assertFalse(Files.exists(home.stagedRecord().path()));
        assertArrayEquals(OLD, Files.readAllBytes(target));
    }

    @Test
    void applyYes_whenChannelJsonTrustsTheHostsOwnKey_isRefused_andNothingIsDownloadedOrInstalled() throws Exception {
        // a compromised host publishes its own release, signed with its own key, and records that key
        String hostsKey = TrustedKey.of(Ed25519Keys.generate().getPublic()).text();
        home.channelRecord().write(new ChannelSettings(channel.manifestUri().toString(),
                List.of(hostsKey), "host-1", false, false, false, false, RECORDED));
        channel.publish("1.1.0", NEW);

        CliRun run = CliRun.run("apply", "--home", home.dir().toString(), "--key", channel.keyText(), "--yes",
                "--target", target.toString());

        assertEquals(1, run.exitCode(), run.toString());
        assertEquals(home.channelRecord() + " trusts " + hostsKey + ", which was not given; it is written by the host,"
                + " and check and apply take trusted keys and insecure settings only from their own options. Check"
                + " that it is the key your releases are signed with, then pass --key " + hostsKey + " (or --keyfile"
                + " FILE).\n", run.err());
        assertArrayEquals(OLD, Files.readAllBytes(target));
        assertEquals(0, channel.requests("/manifest.json"));
        assertFalse(Files.exists(home.stagedRecord().path()));
    }
}
