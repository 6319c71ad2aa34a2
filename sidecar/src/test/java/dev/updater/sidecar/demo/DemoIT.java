package dev.updater.sidecar.demo;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The walkthrough from the built jar, as README's first command runs it. */
class DemoIT {
    private static final Path SIDECAR_JAR = Path.of(System.getProperty("sidecar.jar", "target/updater-sidecar.jar"));

    @Test
    void demo_nonInteractive_playsEveryScene_checksEachOutcome_andCleansUp() throws Exception {
        Process demo = new ProcessBuilder(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", SIDECAR_JAR.toString(), "demo", "--non-interactive"))
                .redirectErrorStream(true).start();
        demo.getOutputStream().close();
        String out = readAll(demo);
        assertTrue(demo.waitFor(180, TimeUnit.SECONDS), out);

        assertEquals(0, demo.exitValue(), out);
        for (String line : List.of(
                "== 1. A release channel: a signing key, release 1.0.0, a server",
                "ok  demo-app 1.0.0 serves http://127.0.0.1:",
                "ok  the agent verified and staged 1.1.0",
                "ok  the page says it was updated from 1.0.0",
                "ok  the new feature answers: ",
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

        Matcher work = Pattern.compile("Working in (\\S+)").matcher(out);
        assertTrue(work.find(), out);
        assertFalse(java.nio.file.Files.exists(Path.of(work.group(1))), "the temporary folder is deleted");
    }

    private static String readAll(Process process) throws IOException {
        return new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    }
}
