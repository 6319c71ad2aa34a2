package dev.updater.sidecar.ship;

import dev.updater.core.testing.ChildProcess.Finished;
import dev.updater.core.testing.ChildProcess;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** deploy/systemd/app.service runs the service under 'updater-sidecar run' the way DESIGN §5 and §9 need. */
class SystemdUnitTest {
    private static final Path UNIT = ShipFiles.file("deploy/systemd/app.service");

    @Test
    void theService_runsUnderTheSidecar_withTheAgent_sharingOneHomeUnderVarLib() throws Exception {
        Map<String, String> service = section("Service");
        List<String> exec = Arrays.asList(service.get("ExecStart").split("\\s+"));
        int run = exec.indexOf("run");
        int separator = exec.indexOf("--");
        assertTrue(exec.get(run - 1).endsWith("/updater-sidecar.jar") && separator > run, exec.toString());

        String home = exec.get(exec.indexOf("--home") + 1);
        assertEquals("/var/lib/" + service.get("StateDirectory") + "/updates", home);
        List<String> host = exec.subList(separator + 1, exec.size());
        String agent = host.stream().filter(a -> a.startsWith("-javaagent:")).findFirst().orElseThrow();
        assertTrue(agent.contains("=home=" + home) || agent.contains(",home=" + home), agent);
        String target = host.get(host.indexOf("-jar") + 1);
        assertTrue(target.startsWith("/var/lib/" + service.get("StateDirectory") + "/"),
                "the artifact " + target + " is on the home's filesystem, writable by the service's user");
        assertEquals("0700", service.get("StateDirectoryMode"), "the home is the service user's only");
    }

    @Test
    void theService_hasADedicatedUser_aRestartPolicy_andAStopTimeoutLongerThanTheSidecars() throws Exception {
        Map<String, String> service = section("Service");
        assertEquals("app", service.get("User"));
        assertTrue(Files.readString(ShipFiles.file("deploy/systemd/app.sysusers.conf")).contains("\nu app "),
                "the sysusers.d file creates the user");
        assertEquals("on-failure", service.get("Restart"));
        assertEquals("mixed", service.get("KillMode"), "systemctl stop signals the sidecar, which stops the service");
        assertTrue(service.get("SuccessExitStatus").contains("143"));

        List<String> exec = Arrays.asList(service.get("ExecStart").split("\\s+"));
        Duration sidecarStop = seconds(exec.get(exec.indexOf("--stop-timeout") + 1));
        Duration systemdStop = seconds(service.get("TimeoutStopSec"));
        assertTrue(systemdStop.compareTo(sidecarStop) > 0,
                "TimeoutStopSec " + systemdStop + " must exceed the sidecar's --stop-timeout " + sidecarStop);
    }

    @Test
    @EnabledOnOs(value = OS.LINUX, disabledReason = "systemd exists only on Linux")
    void systemdAnalyzeVerify_acceptsTheUnit(@TempDir Path temp) throws Exception {
        assumeTrue(ChildProcess.available("systemd-analyze", "--version"), "systemd-analyze is not installed here");
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/java")), "the unit runs /usr/bin/java, absent here");
        Path unit = Files.copy(UNIT, temp.resolve("app.service"));

        Finished verify = ShipFiles.run("systemd-analyze", "verify", "--man=no", unit.toString());

        assertEquals(0, verify.exitCode(), verify.toString());
        assertEquals("", verify.err().replaceAll("(?m)^.*(Failed to|Cannot|not running|unprivileged).*\\n", ""),
                verify.toString());
    }

    private static Duration seconds(String value) {
        return Duration.ofSeconds(Long.parseLong(value.replaceAll("s$", "")));
    }

    /** One section's settings, continuation lines joined, comments dropped. */
    private static Map<String, String> section(String name) throws Exception {
        Map<String, String> settings = new LinkedHashMap<>();
        String current = null;
        List<String> lines = new ArrayList<>(Files.readAllLines(UNIT));
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            while (line.endsWith("\\") && i + 1 < lines.size()) {
                line = line.substring(0, line.length() - 1) + " " + lines.get(++i).strip();
            }
            if (line.isEmpty() || line.startsWith("#") || line.startsWith(";")) {
                continue;
            }
            if (line.startsWith("[")) {
                current = line.substring(1, line.length() - 1);
            } else if (name.equals(current)) {
                int eq = line.indexOf('=');
                settings.put(line.substring(0, eq), line.substring(eq + 1));
            }
        }
        return settings;
    }
}
