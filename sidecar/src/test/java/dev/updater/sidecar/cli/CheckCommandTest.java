package dev.updater.sidecar.cli;

import dev.updater.core.Sha256;
import dev.updater.core.version.ReleaseVersion;
import dev.updater.core.home.ChannelSettings;
import dev.updater.core.home.InstalledRelease;
import dev.updater.core.home.UpdateHome;
import dev.updater.core.manifest.Manifest;
import dev.updater.core.signature.Ed25519Keys;
import dev.updater.core.signature.TrustedKey;
import dev.updater.core.testing.PosixModes;
import dev.updater.core.testing.TestChannel;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

class CheckCommandTest {
    /** When the records a test writes were written; the commands under test do not read these times. */
    private static final Instant RECORDED = Instant.parse("2026-03-02T09:30:00Z");

    @TempDir
    Path dir;

    private TestChannel channel;
    private UpdateHome home;

    @BeforeEach
    void installed100() throws Exception {
        channel = TestChannel.start(dir.resolve("channel"));
        home = new UpdateHome(PosixModes.setWhereSupported(Files.createDirectories(dir.resolve("home")), "rwx------"));
        home.installedRecord().write(new InstalledRelease(ReleaseVersion.parse("1.0.0"), new Sha256("a".repeat(64)),
                dir.resolve("app.jar").toString(), null, RECORDED));
        home.channelRecord().write(new ChannelSettings(channel.manifestUri().toString(),
                List.of(channel.keyText()), "host-1", false, false, false, false, RECORDED));
    }

    @AfterEach
    void stop() {
        channel.close();
    }

    @Test
    void check_showsTheOffer_asPlainLines_whenNotATerminal_andInstallsNothing() throws Exception {
        byte[] jar = new byte[12_400_000];
        Manifest m = TestChannel.manifest("1.1.0", jar);
        // The command reads the system clock (the CLI takes no Clock): the real time is what it compares with.
        channel.publish(new Manifest(m.version(), Instant.now().minusSeconds(2 * 86_400 + 60), m.binaries(),
                new dev.updater.core.manifest.Changelog(List.of("Dark theme"), List.of("Login timeout")), null, false,
                null, null), Map.of(TestChannel.artifactPath("1.1.0"), jar));

        CliRun run = CliRun.run("check", "--home", home.dir().toString(), "--key", channel.keyText());

        assertEquals(0, run.exitCode(), run.toString());
        assertEquals("""
                UPDATE AVAILABLE:
                  Current version: 1.0.0
                  New version:     1.1.0 (released 2 days ago)
                  What's new:
                  + Dark theme
                  * Login timeout
                  Download size: 12.4 MB
                """, run.out());
        assertFalse(Files.exists(home.stagedRecord().path()), "check installs and stages nothing");
    }

    @Test
    void check_showsASignedChangelogWithTerminalControls_escaped() throws Exception {
        // Each ESC [1A ESC [2K moves the cursor up a line and erases it: the approval line would vanish.
        byte[] jar = "1.1.0".getBytes(StandardCharsets.UTF_8);
        Manifest m = TestChannel.manifest("1.1.0", jar);
        channel.publish(new Manifest(m.version(), null, m.binaries(), new dev.updater.core.manifest.Changelog(
                List.of("Faster start-up\u001b[1A\u001b[2K\u001b[1A\u001b[2K"), List.of("Login\u009b2K\u202etuoemit")),
                null, true, null, null), Map.of(TestChannel.artifactPath("1.1.0"), jar));

        CliRun run = CliRun.run("check", "--home", home.dir().toString(), "--key", channel.keyText());

        assertEquals(0, run.exitCode(), run.toString());
        assertEquals("""
                UPDATE AVAILABLE:
                  Current version: 1.0.0
                  New version:     1.1.0
                  What's new:
                  + Faster start-up\\e[1A\\e[2K\\e[1A\\e[2K
                  * Login\\u009b2K\\u202etuoemit
                  Download size: 5 B
                  Needs your approval: Release 1.1.0 has breaking changes; it is staged and waits for 'updater-sidecar apply' (or allow-breaking=true).
                """, run.out());
    }

    @Test
    void check_triesEveryManifestUrlTheAgentRecorded_whenTheFirstIsDown() throws Exception {
        String dead;
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            dead = "http://127.0.0.1:" + socket.getLocalPort() + "/manifest.json";
        }
        home.channelRecord().write(new ChannelSettings(dead, List.of(channel.keyText()), "host-1", false, false, false,
                false, RECORDED, List.of(dead, channel.manifestUri().toString())));
        channel.publish("1.0.0", "same".getBytes(StandardCharsets.UTF_8));

        CliRun run = CliRun.run("check", "--home", home.dir().toString(), "--key", channel.keyText());

        assertEquals(0, run.exitCode(), run.toString());
        assertEquals("UP TO DATE:\n  Installed version: 1.0.0, the latest release.\n", run.out());
    }

    @Test
    void check_upToDate_saysSo() throws Exception {
        channel.publish("1.0.0", "same".getBytes(StandardCharsets.UTF_8));
        CliRun run = CliRun.run("check", "--home", home.dir().toString(), "--key", channel.keyText());
        assertEquals(0, run.exitCode(), run.toString());
        assertEquals("UP TO DATE:\n  Installed version: 1.0.0, the latest release.\n", run.out());
    }

    @Test
    void check_badSignature_failsWithTheReason() throws Exception {
        channel.publish("1.1.0", "x".getBytes(StandardCharsets.UTF_8));
        byte[] manifest = Files.readAllBytes(channel.dir().resolve("manifest.json"));
        manifest[manifest.length - 3] ^= 1;
        channel.writeRaw(manifest, Files.readAllBytes(channel.dir().resolve("manifest.json.sig")));

        CliRun run = CliRun.run("check", "--home", home.dir().toString(), "--key", channel.keyText());

        assertEquals(1, run.exitCode());
        assertEquals("The signature of manifest " + channel.manifestUri() + " does not match any trusted key ("
                + channel.key().id() + "): the manifest was changed after signing or signed by a key this host does"
                + " not trust. Nothing was installed.\n", run.err());
    }

    @Test
    void check_withAnUnusableAcceptedJson_failsClosed_andLeavesTheFileAsItIs() throws Exception {
        channel.publish("1.1.0", "x".getBytes(StandardCharsets.UTF_8));
        Files.writeString(home.acceptedRecord().path(), "{\"version\": \"\"}");

        CliRun run = CliRun.run("check", "--home", home.dir().toString(), "--key", channel.keyText());

        assertEquals(1, run.exitCode(), run.toString());
        assertEquals("Cannot use " + home.acceptedRecord() + ", this home's record of"
                + " the highest release it accepted (it is not a"
                + " valid record: its version \"\" is not a semantic version). No update is checked until it is fixed,"
                + " so that no older release can slip in: restore the file from a backup, or delete it to fall back to"
                + " the highest version this home installed or staged, 1.0.0.\n", run.err());
        assertEquals("", run.out());
        assertEquals("{\"version\": \"\"}", Files.readString(home.acceptedRecord().path()));
    }

    @Test
    void check_beforeTheAgentRecordedItsChannel_saysWhatToDo() throws Exception {
        Files.delete(home.channelRecord().path());
        CliRun run = CliRun.run("check", "--home", home.dir().toString(), "--key", channel.keyText());
        assertEquals(1, run.exitCode());
        assertEquals("The agent has not recorded its channel in " + home.channelRecord() + " yet; start the host"
                + " with the updater agent (home=" + home.dir() + ") once, then check again.\n", run.err());
    }

    // ---- channel.json is written by the host: it may name the URL, never widen trust

    private void recordChannel(List<String> keys, boolean insecureHttp, boolean insecureUnsigned) throws Exception {
        home.channelRecord().write(new ChannelSettings(channel.manifestUri().toString(), keys, "host-1",
                false, false, insecureHttp, insecureUnsigned, RECORDED));
    }

    @Test
    void check_whenChannelJsonTrustsAKeyTheOperatorDidNotGive_isRefusedNamingIt_beforeAnyRequest() throws Exception {
        channel.publish("1.1.0", "x".getBytes(StandardCharsets.UTF_8));
        String hostsKey = TrustedKey.of(Ed25519Keys.generate().getPublic()).text();
        recordChannel(List.of(channel.keyText(), hostsKey), false, false);

        CliRun run = CliRun.run("check", "--home", home.dir().toString(), "--key", channel.keyText());

        assertEquals(1, run.exitCode(), run.toString());
        assertEquals(home.channelRecord() + " trusts " + hostsKey + ", which was not given; it is written by the host,"
                + " and check and apply take trusted keys and insecure settings only from their own options. Check"
                + " that it is the key your releases are signed with, then pass --key " + hostsKey + " (or --keyfile"
                + " FILE).\n", run.err());
        assertEquals(0, channel.requests("/manifest.json"), "nothing was fetched with widened trust");
    }

    @Test
    void check_withoutAnyKey_isRefused_namingTheKeyChannelJsonLists() throws Exception {
        CliRun run = CliRun.run("check", "--home", home.dir().toString());

        assertEquals(1, run.exitCode(), run.toString());
        assertEquals(home.channelRecord() + " trusts " + channel.keyText() + ", and no key was given; it is written by"
                + " the host, and check and apply take trusted keys and insecure settings only from their own options."
                + " Check that it is the key your releases are signed with, then pass --key " + channel.keyText()
                + " (or --keyfile FILE).\n", run.err());
    }

    @Test
    void check_whenChannelJsonAllowsUnsignedManifests_isRefused_unlessTheOperatorPassesTheFlag() throws Exception {
        channel.publish("1.0.0", "same".getBytes(StandardCharsets.UTF_8));
        recordChannel(List.of(channel.keyText()), false, true);

        CliRun refused = CliRun.run("check", "--home", home.dir().toString(), "--key", channel.keyText());
        CliRun allowed = CliRun.run("check", "--home", home.dir().toString(), "--key", channel.keyText(),
                "--insecure-allow-unsigned");

        assertEquals(1, refused.exitCode(), refused.toString());
        assertEquals(home.channelRecord() + " sets insecure-allow-unsigned; it is written by the host, and check and"
                + " apply take trusted keys and insecure settings only from their own options. Pass"
                + " --insecure-allow-unsigned if you mean to accept manifests without a signature.\n", refused.err());
        assertEquals(0, allowed.exitCode(), allowed.toString());
    }

    @Test
    void check_whenChannelJsonAllowsPlainHttp_isRefused_unlessTheOperatorPassesTheFlag() throws Exception {
        recordChannel(List.of(channel.keyText()), true, false);

        CliRun refused = CliRun.run("check", "--home", home.dir().toString(), "--key", channel.keyText());

        assertEquals(1, refused.exitCode(), refused.toString());
        assertEquals(home.channelRecord() + " sets insecure-allow-http; it is written by the host, and check and apply"
                + " take trusted keys and insecure settings only from their own options. Pass --insecure-allow-http if"
                + " you mean to allow plain HTTP to hosts other than loopback.\n", refused.err());
    }

    @Test
    void check_withAKeyFile_andAnotherManifestUrl_usesTheOperatorsChannel() throws Exception {
        channel.publish("1.0.0", "same".getBytes(StandardCharsets.UTF_8));
        // the host recorded no key at all and another URL: nothing is widened, the operator's URL wins
        home.channelRecord().write(new ChannelSettings("https://releases.example.invalid/m.json",
                List.of(), "host-1", false, false, false, false, RECORDED));
        Path keyFile = Files.writeString(dir.resolve("updater.pub"), channel.keyText() + "\n");

        CliRun run = CliRun.run("check", "--home", home.dir().toString(), "--keyfile", keyFile.toString(),
                "--manifest", channel.manifestUri().toString());

        assertEquals(0, run.exitCode(), run.toString());
        assertEquals("UP TO DATE:\n  Installed version: 1.0.0, the latest release.\n", run.out());
    }
}
