package dev.updater.sidecar.supervise;

import dev.updater.core.home.IncomingHostRecord;
import dev.updater.core.version.ReleaseVersion;
import dev.updater.core.home.UpdateHome;
import dev.updater.sidecar.testhost.Staging;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A sidecar killed mid-overlap leaves the new host B running with nothing holding it; the next sidecar
 * stops it before anything else, and only it: real processes stand in for B (a shell, as signals are
 * all that is asked of it).
 */
class InterruptedOverlapIT {
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(5);

    @TempDir
    Path dir;

    private final List<Process> started = new ArrayList<>();
    private final List<String> log = new ArrayList<>();

    @AfterEach
    void killLeftOvers() {
        started.forEach(p -> p.destroyForcibly());
    }

    @Test
    @DisabledOnOs(value = OS.WINDOWS, disabledReason = "its stand-in host is sh, ended by SIGTERM or SIGKILL (exit"
            + " 143, 137); overlap mode is Linux only anyway")
    void aNewHostLeftByAKilledSidecar_isStoppedWithSigtermByTheNextOne_andForgotten() throws Exception {
        UpdateHome home = new UpdateHome(Staging.newHome(dir.resolve("home")));
        ChildHost b = host("exec sleep 60");
        InterruptedOverlap.began(home, b, ReleaseVersion.tryParse("1.1.0"), log::add); // the sidecar that started B is then killed

        InterruptedOverlap.stopLeftOverHost(home, STOP_TIMEOUT, log::add);

        assertFalse(b.isAlive());
        assertEquals(143, b.exitCode(), "ended by SIGTERM");
        assertFalse(home.incomingHostRecord().exists());
        assertEquals(List.of("the new host of an overlap update that a previous sidecar left unfinished (pid " + b.pid()
                + ", 1.1.0) still runs; stopping it before anything else", "stopped the left-over new host (pid "
                + b.pid() + ")"), log);
    }

    @Test
    @DisabledOnOs(value = OS.WINDOWS, disabledReason = "its stand-in host is sh, ended by SIGTERM or SIGKILL (exit"
            + " 143, 137); overlap mode is Linux only anyway")
    void aNewHostThatIgnoresSigterm_isKilledAfterTheStopTimeout() throws Exception {
        UpdateHome home = new UpdateHome(Staging.newHome(dir.resolve("home")));
        // the shell says it is ready once its trap is set, so SIGTERM cannot arrive before it
        ChildHost b = host("trap '' TERM; echo ready; while :; do sleep 1; done");
        assertEquals("ready", readLine(started.get(0)));
        InterruptedOverlap.began(home, b, ReleaseVersion.tryParse("1.1.0"), log::add);

        InterruptedOverlap.stopLeftOverHost(home, Duration.ofMillis(300), log::add);

        assertFalse(b.isAlive());
        assertEquals(137, b.exitCode(), "ended by SIGKILL");
        assertFalse(home.incomingHostRecord().exists());
    }

    @Test
    @DisabledOnOs(value = OS.WINDOWS, disabledReason = "its stand-in host is sh; overlap mode is Linux only anyway")
    void aRecordWhosePidNowBelongsToAnotherStart_signalsNothing_andIsForgotten() throws Exception {
        UpdateHome home = new UpdateHome(Staging.newHome(dir.resolve("home")));
        ChildHost other = host("exec sleep 60"); // holds the recorded pid, but is not the process recorded
        Instant otherStart = other.handle().info().startInstant().orElseThrow();
        home.incomingHostRecord().write(new IncomingHostRecord(other.pid(), otherStart.minusSeconds(3600), ReleaseVersion.tryParse("1.1.0")));

        InterruptedOverlap.stopLeftOverHost(home, STOP_TIMEOUT, log::add);

        assertTrue(other.isAlive());
        assertFalse(home.incomingHostRecord().exists());
        assertEquals(List.of(), log);
    }

    private ChildHost host(String script) throws Exception {
        Process process = new ProcessBuilder("sh", "-c", script).redirectErrorStream(true).start();
        started.add(process);
        return new ChildHost(process, Instant.now());
    }

    private static String readLine(Process process) throws Exception {
        return new java.io.BufferedReader(new java.io.InputStreamReader(process.getInputStream())).readLine();
    }
}
