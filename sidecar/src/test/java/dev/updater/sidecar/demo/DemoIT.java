package dev.updater.sidecar.demo;

import dev.updater.core.testing.ChildProcess;
import dev.updater.sidecar.overlap.OverlapSupport;
import dev.updater.sidecar.overlap.ProbePorts;
import dev.updater.sidecar.testhost.SidecarJar;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The walkthrough from the built jar, as README's first command runs it. */
class DemoIT {
    @Test
    void demo_nonInteractive_playsEveryScene_checksEachOutcome_andCleansUp() throws Exception {
        ChildProcess.Finished demo = ChildProcess.run(new ProcessBuilder(
                SidecarJar.command(List.of(), List.of("demo", "--non-interactive"))).redirectErrorStream(true),
                Duration.ofSeconds(180));
        String out = demo.out();

        assertEquals(0, demo.exitCode(), out);
        for (String line : List.of(
                "== 1. A release channel: a signing key, release 1.0.0, a server",
                "ok  demo-app 1.0.0 serves http://127.0.0.1:",
                "ok  the agent verified and staged 1.1.0",
                "ok  the page says it was updated from 1.0.0",
                "ok  the new feature answers: ",
                "ok  the times of the last 4 visits, kept only in memory, came across: 1.0.0 saved them, 1.1.0 restored"
                        + " them (state hand-off, http://127.0.0.1:",
                "ok  health gate passed; 1.1.0 committed",
                "ok  1.2.0 failed its health gate and is quarantined",
                "ok  rolled back: 1.1.0 serves again at ",
                "ok  the installed jar is byte for byte 1.1.0 again",
                "$ updater-sidecar status --home ",
                "$ updater-sidecar history --home ",
                "stopped the sidecar and the service",
                "The whole story held, in ")) {
            assertTrue(out.contains(line), "missing \"" + line + "\" in:\n" + out);
        }
        Matcher kept = Pattern.compile("the visit counter was kept \\((\\d+) before, (\\d+) now\\)").matcher(out);
        assertTrue(kept.find(), out);
        assertTrue(Long.parseLong(kept.group(2)) > Long.parseLong(kept.group(1)), out);

        Matcher load = Pattern.compile("stop-start update: (\\d+) of (\\d+) requests failed \\(refused \\d+[^)]*\\); p99 \\d+ ms")
                .matcher(out);
        assertTrue(load.find(), out);
        assertTrue(Long.parseLong(load.group(1)) > 0, "no JVM listens while the new one starts: " + load.group());
        assertTrue(Long.parseLong(load.group(2)) > Long.parseLong(load.group(1)), load.group());
        Optional<String> noOverlap = OverlapSupport.unavailable().or(ProbePorts.DEFAULT::clashWithEphemeralPorts);
        if (noOverlap.isEmpty()) {
            // the twin under --restart overlap, updated under the same load: the line right below
            Matcher overlap = Pattern.compile("\\R *overlap update: (\\d+) of (\\d+) requests failed; p99 \\d+ ms\\R")
                    .matcher(out.substring(load.end()));
            assertTrue(overlap.lookingAt(), out);
            assertEquals(0, Long.parseLong(overlap.group(1)), overlap.group());
            assertTrue(Long.parseLong(overlap.group(2)) >= 200, "a second or more under load: " + overlap.group());
            assertTrue(out.contains("ok  its twin serves http://127.0.0.1:"), out);
        } else {
            assertTrue(out.contains("overlap update: not shown, " + noOverlap.get()), out);
        }

        Matcher work = Pattern.compile("Working in (\\S+)").matcher(out);
        assertTrue(work.find(), out);
        assertFalse(java.nio.file.Files.exists(Path.of(work.group(1))), "the temporary folder is deleted");
    }
}
