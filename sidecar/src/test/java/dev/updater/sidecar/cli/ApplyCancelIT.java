package dev.updater.sidecar.cli;

import dev.updater.core.version.ReleaseVersion;
import dev.updater.core.Sha256;
import dev.updater.core.home.ChannelSettings;
import dev.updater.core.home.InstalledRelease;
import dev.updater.core.home.UpdateHome;
import dev.updater.core.testing.ChildProcess;
import dev.updater.core.testing.TestChannel;
import dev.updater.sidecar.testhost.SidecarJar;
import dev.updater.sidecar.testhost.Staging;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Ctrl-C during {@code apply}'s download keeps a part that the next {@code apply} resumes. */
@DisabledOnOs(value = OS.WINDOWS, disabledReason = "sends SIGINT with kill(1)")
class ApplyCancelIT {
    /** When the records a test writes were written; the commands under test do not read these times. */
    private static final Instant RECORDED = Instant.parse("2026-03-02T09:30:00Z");

    private static final byte[] OLD = "app 1.0.0".getBytes(StandardCharsets.UTF_8);

    @TempDir
    Path dir;

    private TestChannel channel;
    private UpdateHome home;
    private Path target;
    private byte[] release;

    @BeforeEach
    void installedAndOffered() throws Exception {
        channel = TestChannel.start(dir.resolve("channel"));
        home = new UpdateHome(Staging.newHome(dir.resolve("home")));
        target = Files.write(dir.resolve("app.jar"), OLD);
        home.installedRecord().write(new InstalledRelease(ReleaseVersion.parse("1.0.0"), Sha256.ofBytes(OLD),
                target.toString(), null, null));
        home.channelRecord().write(new ChannelSettings(channel.manifestUri().toString(),
                List.of(channel.keyText()), "host-1", false, false, false, false, RECORDED));
        release = new byte[2_000_000];
        new Random(7).nextBytes(release);
        channel.publish("1.1.0", release);
    }

    @AfterEach
    void stop() {
        channel.close();
    }

    @Test
    void ctrlC_duringTheDownload_keepsAPart_thatTheNextApplyResumes() throws Exception {
        channel.throttle(200_000);
        try (ChildProcess apply = SidecarJar.start(List.of(), List.of("apply", "--home", home.dir().toString(),
                "--key", channel.keyText(), "--yes", "--target", target.toString()))) {
            await().atMost(Duration.ofSeconds(20)).until(() -> partBytes() > 100_000);

            ChildProcess.Finished kill = ChildProcess.run(List.of("kill", "-INT", String.valueOf(apply.pid())),
                    Duration.ofSeconds(10));

            assertEquals(0, kill.exitCode(), kill.toString());
            assertEquals(130, apply.awaitExit(Duration.ofSeconds(20)), apply.toString());
        }
        long kept = partBytes();
        assertTrue(kept > 100_000 && kept < release.length, "a part of " + kept + " bytes is kept");
        assertFalse(Files.exists(home.stagedRecord().path()));
        assertArrayEquals(OLD, Files.readAllBytes(target), "nothing installed");

        channel.throttle(0);
        CliRun resumed = CliRun.run("apply", "--home", home.dir().toString(), "--key", channel.keyText(),
                "--yes", "--target", target.toString());

        assertEquals(0, resumed.exitCode(), resumed.toString());
        assertTrue(resumed.out().contains("Resuming the earlier download from "), resumed.out());
        assertArrayEquals(release, Files.readAllBytes(target));
    }

    private long partBytes() throws Exception {
        if (!Files.isDirectory(home.downloads())) {
            return 0;
        }
        try (Stream<Path> files = Files.list(home.downloads())) {
            return files.filter(p -> p.getFileName().toString().endsWith(".part")).mapToLong(p -> p.toFile().length())
                    .sum();
        }
    }
}
