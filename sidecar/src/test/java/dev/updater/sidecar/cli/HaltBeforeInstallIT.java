package dev.updater.sidecar.cli;

import dev.updater.core.Sha256;
import dev.updater.core.home.ChannelSettings;
import dev.updater.core.home.HistoryEvent;
import dev.updater.core.home.SwapJournal;
import dev.updater.core.home.SwapState;
import dev.updater.core.testing.ChildProcess;
import dev.updater.sidecar.channel.KeyFiles;
import dev.updater.sidecar.serve.ReleaseServer;
import dev.updater.sidecar.testhost.HostJars;
import dev.updater.sidecar.testhost.Hosts;
import dev.updater.sidecar.testhost.SidecarOutput;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The kill switch reaches a release that is staged and waiting (issue 16): a real channel published
 * and halted with {@code publish --halt}, served on loopback, a real sidecar and host. A release
 * halted while it waited for {@code apply} or a window is not installed when the approval comes or
 * the window opens, before any poll of an agent: its staged copy is dropped and the host keeps
 * running, untouched. Staged by writing the home's records as the agent does (no agent JVM).
 */
class HaltBeforeInstallIT {
    private static final Duration PATIENCE = SidecarFixture.PATIENCE;

    @TempDir
    Path dir;

    private SidecarFixture fx;
    private Path key;
    private String keyText;
    private Path channel;
    private ReleaseServer server;

    @BeforeEach
    void publishedChannel() throws Exception {
        fx = new SidecarFixture(dir);
        Path keys = dir.resolve("keys");
        assertEquals(0, CliRun.run("keygen", "--out", keys.toString()).exitCode());
        key = keys.resolve(KeyFiles.PRIVATE_FILE);
        keyText = KeyFiles.readPublicKey(keys.resolve(KeyFiles.PUBLIC_FILE)).text();
        channel = dir.resolve("releases");
        publish("1.1.0", fx.v110);
        server = ReleaseServer.start(channel, new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), line -> { });
    }

    @AfterEach
    void stopEverything() {
        server.close();
        fx.close();
    }

    @Test
    void manualApply_installsAConfirmedRelease_installsWithAWarningWhenTheChannelIsDown_andRefusesAHaltedOne()
            throws Exception {
        String url = server.uri().resolve("manifest.json").toString();
        recordChannel(url);
        ChildProcess sidecar = fx.run("manual");
        fx.awaitServing("1.0.0");

        // Not halted: the re-check confirms it, and it installs as before.
        fx.stage(fx.v110, "1.1.0");
        CliRun confirmed = CliRun.run("apply", "--home", fx.home.toString(), "--yes", "--wait", "20s");
        assertEquals(0, confirmed.exitCode(), confirmed.toString());
        assertCommitted("1.1.0");
        assertTrue(SidecarOutput.has(sidecar, "Checked the channel before installing 1.1.0: " + url
                + " still offers 1.1.0; it is not halted."), sidecar.toString());

        // The channel is down: the halt cannot be checked, and the release the agent verified installs (fail-open).
        String down = "http://127.0.0.1:" + closedPort() + "/manifest.json";
        recordChannel(down);
        Path v140 = HostJars.build(dir.resolve("jars/app-1.4.0.jar"), "1.4.0");
        fx.stage(v140, "1.4.0");
        CliRun unchecked = CliRun.run("apply", "--home", fx.home.toString(), "--yes", "--wait", "20s");
        assertEquals(0, unchecked.exitCode(), unchecked.toString());
        assertCommitted("1.4.0");
        assertTrue(SidecarOutput.has(sidecar, "Could not check whether 1.4.0 was halted on its channel since it was"
                + " staged: Could not connect to " + down.replace("/manifest.json", "") + " (ConnectException); check"
                + " the network, proxy settings and that the server is up. Installing it as staged; the agent verified"
                + " it then."), sidecar.toString());

        // Halted with 'publish --halt' while it waited for apply: refused, dropped, the host untouched.
        recordChannel(url);
        Path v150 = HostJars.build(dir.resolve("jars/app-1.5.0.jar"), "1.5.0");
        publish("1.5.0", v150);
        fx.stage(v150, "1.5.0");
        fx.awaitServedBy(sidecar, "1.4.0");
        long hostPid = Hosts.recordedPid(fx.home).orElseThrow();
        CliRun halt = CliRun.run("publish", "--halt", "1.5.0", "--key", key.toString(), "--out", channel.toString());
        assertEquals(0, halt.exitCode(), halt.toString());
        String targetBefore = Sha256.ofFile(fx.target).hex();
        String journalBefore = fx.journal().orElseThrow().id();

        CliRun apply = CliRun.run("apply", "--home", fx.home.toString(), "--yes", "--wait", "20s");

        String why = "Release 1.5.0 is halted on its channel (rollout.halted in the signed manifest at " + url + ")."
                + " Not installed; dropped the staged copy (" + fx.home.resolve("releases/1.5.0") + "), and the host"
                + " keeps running 1.4.0. Nothing to do here: a newer release from the publisher is installed as usual"
                + " (only the publisher can take the halt back, by publishing 1.5.0 again with --force).";
        assertEquals(1, apply.exitCode(), apply.toString());
        assertEquals("The sidecar refused: Refused to install 1.5.0: " + why + "\n", apply.err(), apply.toString());
        assertFalse(Files.exists(fx.updateHome.stagedRecord().path()), "staged.json is dropped");
        assertFalse(Files.exists(fx.home.resolve("releases/1.5.0")), "the staged copy is dropped");
        assertEquals(targetBefore, Sha256.ofFile(fx.target).hex(), "the target was never touched");
        assertEquals("1.4.0", Hosts.version(fx.port), "the host keeps serving");
        assertEquals(hostPid, Hosts.recordedPid(fx.home).orElseThrow(), "the host was never stopped");
        assertEquals(journalBefore, fx.journal().orElseThrow().id(), "no swap began");
        assertTrue(SidecarOutput.has(sidecar, why), sidecar.toString());
        assertEquals(List.of("checked 1.5.0 " + why, "failed 1.5.0 Refused to install 1.5.0: " + why),
                fx.history().stream().filter(e -> "1.5.0".equals(String.valueOf(e.version())))
                        .map(e -> e.event().wireName() + " " + e.version() + " " + e.detail()).toList());
        assertTrue(CliRun.run("history", "--home", fx.home.toString()).out().contains(why), "'history' says why");
    }

    @Test
    void aWindowOpening_onAReleaseHaltedWhileItWaited_dropsIt_withoutStoppingTheHost() throws Exception {
        String url = server.uri().resolve("manifest.signed").toString();
        recordChannel(url);
        CliRun halt = CliRun.run("publish", "--halt", "1.1.0", "--key", key.toString(), "--out", channel.toString());
        assertEquals(0, halt.exitCode(), halt.toString());
        DateTimeFormatter hhmm = DateTimeFormatter.ofPattern("HH:mm");
        LocalTime now = LocalTime.now();
        // Open now: the release becomes due as soon as it is staged, as when a window opens on one that waited.
        String window = "window=" + hhmm.format(now.minusHours(1)) + "-" + hhmm.format(now.plusHours(1));
        ChildProcess sidecar = fx.run(window);
        fx.awaitServing("1.0.0");
        long hostPid = fx.awaitRecordedPid();
        String targetBefore = Sha256.ofFile(fx.target).hex();

        fx.stage(fx.v110, "1.1.0");

        String why = "Release 1.1.0 is halted on its channel (rollout.halted in the signed manifest at " + url + ")."
                + " Not installed; dropped the staged copy (" + fx.home.resolve("releases/1.1.0") + "), and the host"
                + " keeps running 1.0.0. Nothing to do here: a newer release from the publisher is installed as usual"
                + " (only the publisher can take the halt back, by publishing 1.1.0 again with --force).";
        fx.awaitOrDump("the checked event of the dropped release", () -> fx.history().stream()
                .anyMatch(e -> e.event() == HistoryEvent.Kind.CHECKED && why.equals(e.detail())));
        assertFalse(Files.exists(fx.updateHome.stagedRecord().path()), "staged.json is dropped");
        assertFalse(Files.exists(fx.home.resolve("releases/1.1.0")), "the staged copy is dropped");
        assertTrue(SidecarOutput.has(sidecar, why), sidecar.toString());
        assertEquals(targetBefore, Sha256.ofFile(fx.target).hex(), "the target was never touched");
        assertEquals("1.0.0", Hosts.version(fx.port), "the host keeps serving");
        assertEquals(hostPid, Hosts.recordedPid(fx.home).orElseThrow(), "the host was never stopped");
        assertTrue(fx.journal().isEmpty(), "no swap began");
        assertTrue(sidecar.isAlive(), sidecar.toString());
    }

    private void assertCommitted(String version) {
        SwapJournal journal = fx.awaitFinishedJournal();
        assertEquals(SwapState.COMMITTED, journal.state(), fx.dump());
        assertEquals(version, journal.to().version().toString());
        fx.awaitServing(version);
    }

    private void recordChannel(String url) throws Exception {
        fx.updateHome.channelRecord().write(new ChannelSettings(url, List.of(keyText), "host-1", false, false, false,
                false, Instant.now()));
    }

    private void publish(String version, Path jar) {
        CliRun run = CliRun.run("publish", "--version", version, "--artifact", "any=" + jar, "--key", key.toString(),
                "--out", channel.toString());
        assertEquals(0, run.exitCode(), run.toString());
    }

    private static int closedPort() throws Exception {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
