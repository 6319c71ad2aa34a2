package dev.updater.sidecar.supervise;

import dev.updater.core.home.RestartRecord;
import dev.updater.core.version.ReleaseVersion;
import dev.updater.sidecar.overlap.ProbePorts;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SelfRestartTest {
    private static final RestartSettings STOP_START = new RestartSettings(RestartRecord.Mode.STOP_START,
            ProbePorts.parse("61000-61099"));
    private static final RestartSettings OVERLAP = new RestartSettings(RestartRecord.Mode.OVERLAP,
            ProbePorts.parse("61000-61099"));

    @Test
    void onlyStopStartOnLinux_restartsInPlace_andOverlapOrAnotherOs_saysWhyNot() {
        assertNull(SelfRestart.whyNot(STOP_START, "Linux"));
        assertEquals("under --restart overlap the host never stops, so there is no gap to restart in",
                SelfRestart.whyNot(OVERLAP, "Linux"));
        assertEquals("there is no execve(2) on Windows Server 2022", SelfRestart.whyNot(STOP_START, "Windows Server 2022"));
        assertEquals("there is no execve(2) on Mac OS X", SelfRestart.whyNot(STOP_START, "Mac OS X"));
    }

    @Test
    void watchAndASidecarNotRunFromAVersionedJar_neverRestartInPlace_soTheNoticeStaysAsItWas() {
        assertFalse(SelfRestart.never().possible(), "watch: the container runtime restarts the sidecar");
        assertFalse(new SelfRestart(null, null, null, s -> { }).possible(), "classes not in a jar");
        assertTrue(new SelfRestart(Path.of("/opt/updater/updater-sidecar.jar"),
                ReleaseVersion.tryParse("1.3.0"), null, s -> { }).possible());
        assertFalse(SelfRestart.never().pending());
    }
}
