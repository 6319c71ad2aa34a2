package dev.updater.sidecar.supervise;

import dev.updater.core.Sha256;
import dev.updater.core.home.ChannelSettings;
import dev.updater.core.home.InstalledRelease;
import dev.updater.core.home.StagedRelease;
import dev.updater.core.home.UpdateHome;
import dev.updater.core.version.ReleaseVersion;
import dev.updater.sidecar.channel.KeyFiles;
import dev.updater.sidecar.channel.PublishRequest;
import dev.updater.sidecar.channel.Publisher;
import dev.updater.sidecar.channel.ReleaseHalter;
import dev.updater.sidecar.serve.ReleaseServer;
import dev.updater.sidecar.testhost.Staging;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * When the sidecar re-checks the channel before an install, and what it does with a halt: the staged
 * copy dropped as the agent drops it, an operator's apply refused. A real channel halted by
 * {@link ReleaseHalter} ({@code publish --halt}), served on loopback.
 */
class HaltGuardTest {
    private static final ApplyPolicy WINDOW = ApplyPolicy.parse("window=02:00-04:00");

    @TempDir
    Path dir;

    private UpdateHome home;
    private Path channel;
    private Path key;
    private String keyText;
    private ReleaseServer server;
    private StagedRelease staged;
    private final List<String> log = new ArrayList<>();

    @BeforeEach
    void aStagedReleaseAndItsChannel() throws Exception {
        KeyFiles.Written keys = KeyFiles.create(dir.resolve("keys"));
        key = keys.privateKey();
        keyText = keys.key().text();
        channel = dir.resolve("channel");
        Path jar = Files.writeString(dir.resolve("app-1.1.0.jar"), "the 1.1.0 bytes", StandardCharsets.UTF_8);
        new Publisher(Clock.systemUTC()).publish(new PublishRequest(ReleaseVersion.parse("1.1.0"), Map.of("any", jar),
                key, channel, null, List.of("Feature"), List.of(), null, false, null, Duration.ofDays(30), null, false));
        server = ReleaseServer.start(channel, new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), line -> { });
        home = new UpdateHome(Staging.newHome(dir.resolve("home")));
        home.installedRecord().write(new InstalledRelease(ReleaseVersion.parse("1.0.0"), Sha256.ofBytes(new byte[1]),
                "/opt/app.jar", null, Instant.now()));
        staged = Staging.stage(home.dir(), jar, "1.1.0");
        home.channelRecord().write(new ChannelSettings(url(), List.of(keyText), "host-1", false, false, false, false,
                Instant.now()));
    }

    @AfterEach
    void stopTheChannel() {
        server.close();
    }

    @Test
    void waited_everyPolicyButImmediate_anApproval_orAReleaseStagedLongerAgoThanWaited() {
        Instant stagedAt = staged.stagedAt();
        Instant fresh = stagedAt.plusSeconds(10);
        assertFalse(HaltGuard.waited(staged, false, ApplyPolicy.IMMEDIATE, fresh), "immediate, just staged");
        assertTrue(HaltGuard.waited(staged, false, ApplyPolicy.IMMEDIATE, stagedAt.plus(HaltGuard.WAITED).plusSeconds(1)),
                "immediate, held up past WAITED (a stopped sidecar, a failing gate)");
        assertTrue(HaltGuard.waited(staged, true, ApplyPolicy.IMMEDIATE, fresh), "an operator's apply");
        assertTrue(HaltGuard.waited(staged, false, ApplyPolicy.ON_EXIT, fresh), "waited for the host's exit");
        assertTrue(HaltGuard.waited(staged, false, ApplyPolicy.MANUAL, fresh), "waited for apply");
        assertTrue(HaltGuard.waited(staged, false, WINDOW, fresh), "waited for the window");
    }

    @Test
    void anImmediateInstallOfAReleaseJustStaged_asksNoChannel_evenAHaltingOne() throws Exception {
        halt();
        Clock tenSecondsAfterStaging = Clock.fixed(staged.stagedAt().plusSeconds(10), ZoneOffset.UTC);

        assertEquals(Optional.empty(), guard(ApplyPolicy.IMMEDIATE, tenSecondsAfterStaging).withholds(staged, false));

        assertEquals(List.of(), log, "no check, no line");
        assertTrue(Files.exists(home.stagedRecord().path()));
    }

    @Test
    void aWaitingReleaseTheChannelStillOffers_isInstalled_sayingItWasChecked() throws Exception {
        byte[] before = Files.readAllBytes(home.stagedRecord().path());

        assertEquals(Optional.empty(), guard(WINDOW, Clock.systemUTC()).withholds(staged, false));

        assertEquals(List.of("Checked the channel before installing 1.1.0: " + url() + " still offers 1.1.0; it is not"
                + " halted."), log);
        assertArrayEquals(before, Files.readAllBytes(home.stagedRecord().path()), "staged.json unchanged");
    }

    @Test
    void aWaitingReleaseHaltedOnTheChannel_isNotInstalled_andItsStagedCopyIsDroppedAsTheAgentDropsIt()
            throws Exception {
        halt();

        Optional<String> withheld = guard(ApplyPolicy.ON_EXIT, Clock.systemUTC()).withholds(staged, false);

        String why = "Release 1.1.0 is halted on its channel (rollout.halted in the signed manifest at " + url() + ")."
                + " Not installed; dropped the staged copy (" + home.release("1.1.0") + "), and the host keeps running"
                + " 1.0.0. Nothing to do here: a newer release from the publisher is installed as usual (only the"
                + " publisher can take the halt back, by publishing 1.1.0 again with --force).";
        assertEquals(Optional.of(why), withheld);
        assertEquals(List.of(why), log);
        assertFalse(Files.exists(home.stagedRecord().path()), "staged.json dropped");
        assertFalse(Files.exists(home.release("1.1.0")), "its folder dropped");
        assertEquals(List.of("checked 1.1.0 " + why), events());
    }

    @Test
    void anOperatorsApplyOfAHaltedRelease_isRefused_sayingWhatToDo() throws Exception {
        halt();

        Optional<String> refusal = guard(ApplyPolicy.MANUAL, Clock.systemUTC()).withholds(staged, true);

        String why = "Release 1.1.0 is halted on its channel (rollout.halted in the signed manifest at " + url() + ")."
                + " Not installed; dropped the staged copy (" + home.release("1.1.0") + "), and the host keeps running"
                + " 1.0.0. Nothing to do here: a newer release from the publisher is installed as usual (only the"
                + " publisher can take the halt back, by publishing 1.1.0 again with --force).";
        assertEquals(Optional.of("Refused to install 1.1.0: " + why), refusal);
        assertEquals(List.of(why, "Refused to install 1.1.0: " + why), log);
        assertEquals(List.of("checked 1.1.0 " + why, "failed 1.1.0 Refused to install 1.1.0: " + why), events());
        assertFalse(Files.exists(home.stagedRecord().path()), "staged.json dropped");
    }

    @Test
    void aWaitingReleaseTheChannelReplacedWithANewerOne_isNotInstalled_andDropped() throws Exception {
        Path revert = Files.writeString(dir.resolve("app-1.1.1.jar"), "the 1.0.0 bytes again", StandardCharsets.UTF_8);
        new Publisher(Clock.systemUTC()).publish(new PublishRequest(ReleaseVersion.parse("1.1.1"), Map.of("any", revert),
                key, channel, null, List.of("Revert"), List.of(), null, false, null, Duration.ofDays(30), null, false));

        Optional<String> withheld = guard(ApplyPolicy.MANUAL, Clock.systemUTC()).withholds(staged, false);

        String why = "Release 1.1.0 is no longer offered on its channel: " + url() + " offers 1.1.1 now. Not installed;"
                + " dropped the staged copy (" + home.release("1.1.0") + "); the agent stages 1.1.1 at its next check.";
        assertEquals(Optional.of(why), withheld);
        assertEquals(List.of(why), log);
        assertEquals(List.of("checked 1.1.0 " + why), events());
        assertFalse(Files.exists(home.stagedRecord().path()), "staged.json dropped");
    }

    @Test
    void withoutChannelJson_nothingIsAsked_andTheReleaseInstalls() throws Exception {
        Files.delete(home.channelRecord().path());

        assertEquals(Optional.empty(), guard(ApplyPolicy.MANUAL, Clock.systemUTC()).withholds(staged, true));

        assertEquals(List.of(), log);
    }

    private HaltGuard guard(ApplyPolicy policy, Clock clock) {
        return new HaltGuard(home, policy, new OperatorRequests(home, new StagedReleases(home, log::add), clock,
                log::add), clock, log::add);
    }

    private void halt() throws Exception {
        new ReleaseHalter().halt(channel, key, ReleaseVersion.parse("1.1.0"));
    }

    private String url() {
        return server.uri().resolve("manifest.json").toString();
    }

    private List<String> events() throws Exception {
        return home.history().read().stream().map(e -> e.event().wireName() + " " + e.version() + " " + e.detail())
                .toList();
    }
}
