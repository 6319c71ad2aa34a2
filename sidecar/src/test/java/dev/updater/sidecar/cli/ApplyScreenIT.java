package dev.updater.sidecar.cli;

import dev.updater.core.Sha256;
import dev.updater.core.home.ChannelSettings;
import dev.updater.core.home.InstalledRelease;
import dev.updater.core.home.UpdateHome;
import dev.updater.core.testing.ChildProcess;
import dev.updater.core.testing.TestChannel;
import dev.updater.core.version.ReleaseVersion;
import dev.updater.sidecar.testhost.PseudoTerminal;
import dev.updater.sidecar.testhost.SidecarJar;
import dev.updater.sidecar.testhost.Staging;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code apply}'s live screens on a real pseudo-terminal: the progress bar and the install checklist. */
@DisabledOnOs(value = OS.WINDOWS, disabledReason = "a pseudo-terminal through util-linux script")
class ApplyScreenIT {
    private static final Instant RECORDED = Instant.parse("2026-03-02T09:30:00Z");
    private static final Duration PATIENCE = Duration.ofSeconds(90);
    /** A redraw of the progress line: from the first column, then "erase the rest of the line". */
    private static final Pattern REDRAW = Pattern.compile("\r([^\r\n\u001b]*)\u001b\\[K");

    @TempDir
    Path dir;

    private TestChannel channel;
    private SidecarFixture fx;

    @AfterEach
    void stop() {
        if (channel != null) {
            channel.close();
        }
        if (fx != null) {
            fx.close();
        }
    }

    @ParameterizedTest(name = "{0} columns")
    @ValueSource(ints = {60, 80, 120})
    void progressBar_isNeverWiderThanTheTerminal_clearsWhatItOverwrites_andEndsOnACleanLine(int columns)
            throws Exception {
        PseudoTerminal.assumeAvailable();
        SidecarJar.assumeBuilt();
        byte[] old = "app 1.0.0".getBytes(StandardCharsets.UTF_8);
        channel = TestChannel.start(dir.resolve("channel"));
        UpdateHome home = new UpdateHome(Staging.newHome(dir.resolve("home")));
        Path target = Files.write(dir.resolve("app.jar"), old);
        home.installedRecord().write(new InstalledRelease(ReleaseVersion.parse("1.0.0"), Sha256.ofBytes(old),
                target.toString(), null, null));
        home.channelRecord().write(new ChannelSettings(channel.manifestUri().toString(),
                List.of(channel.keyText()), "host-1", false, false, false, false, RECORDED));
        byte[] release = new byte[1_500_000];
        new Random(7).nextBytes(release);
        channel.publish("1.1.0", release);
        channel.throttle(600_000);

        PseudoTerminal.Run run = PseudoTerminal.run(dir, columns, SidecarJar.command(List.of(), List.of("apply",
                "--home", home.dir().toString(), "--key", channel.keyText(), "--yes", "--target", target.toString())),
                PATIENCE);

        assertEquals(0, run.exitCode(), run.raw());
        assertArrayEquals(release, Files.readAllBytes(target));
        Matcher redraw = REDRAW.matcher(run.raw());
        int redraws = 0;
        int lastEnd = -1;
        String last = null;
        while (redraw.find()) {
            redraws++;
            last = redraw.group(1);
            lastEnd = redraw.end();
            assertTrue(PseudoTerminal.columns(last) <= columns - 1, PseudoTerminal.columns(last) + " columns on a "
                    + columns + "-column terminal: " + last);
        }
        assertTrue(redraws >= 2, "the bar was redrawn in place: " + run.raw());
        assertTrue(last.contains("100%  1.5 MB / 1.5 MB"), last);
        assertTrue(run.raw().startsWith("\r\n", lastEnd) || run.raw().startsWith("\n", lastEnd),
                "the final line ends right after the bar: " + run.raw().substring(lastEnd));
        List<String> screen = PseudoTerminal.screen(run.raw());
        assertEquals(1, screen.stream().filter(line -> line.matches(".*\\s\\d{1,3}%\\s.*")).count(),
                "one progress line is left on the screen:\n" + String.join("\n", screen));
        for (String line : screen) {
            assertTrue(PseudoTerminal.columns(line) <= columns - 1, columns + " columns: " + line);
        }
    }

    @Test
    void installChecklist_withARunningSidecar_ticksEachStepAsTheJournalReachesIt_inOneBoxUpdatedInPlace()
            throws Exception {
        PseudoTerminal.assumeAvailable();
        SidecarJar.assumeBuilt();
        fx = new SidecarFixture(dir);
        ChildProcess sidecar = fx.run("manual");
        fx.awaitServing("1.0.0");
        fx.stage(fx.v110, "1.1.0");

        PseudoTerminal.Run run = PseudoTerminal.run(dir, 80, SidecarJar.command(List.of(), List.of("apply", "--home",
                fx.home.toString(), "--yes", "--wait", "60s")), PATIENCE);

        assertEquals(0, run.exitCode(), run.raw() + "\n" + sidecar);
        fx.assertTargetIs(fx.v110);
        List<List<String>> frames = PseudoTerminal.frames(run.raw());
        List<String> first = frames.get(0);
        List<String> last = frames.get(frames.size() - 1);
        assertTrue(first.stream().anyMatch(l -> l.startsWith("│ ○ Backup created")), String.join("\n", first));
        assertTrue(frames.stream().anyMatch(frame -> frame.stream().anyMatch(l -> l.startsWith("│ ✓ Restarted"))
                        && frame.stream().anyMatch(l -> l.startsWith("│ ○ Healthy: passed its health gate"))),
                "a frame shows the host restarted before the verdict:\n" + run.raw());
        assertEquals(1, last.stream().filter(l -> l.startsWith("┌─ INSTALLING UPDATE ")).count(),
                "one box, updated in place:\n" + String.join("\n", last));
        for (String step : List.of("Download complete (", "Checksum verified (", "Backup created", "Artifact replaced",
                "Restarted", "Healthy: passed its health gate")) {
            assertEquals(1, last.stream().filter(l -> l.startsWith("│ ✓ " + step)).count(),
                    step + ":\n" + String.join("\n", last));
        }
        assertTrue(last.stream().anyMatch(l -> l.startsWith("│ ✓ Updated from 1.0.0 to 1.1.0")),
                String.join("\n", last));
    }
}
