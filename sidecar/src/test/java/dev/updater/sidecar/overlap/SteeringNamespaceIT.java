package dev.updater.sidecar.overlap;

import dev.updater.core.testing.ChildProcess;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * What {@code net.ipv4.tcp_migrate_req} adds, in a private network namespace ({@code unshare -n}, root)
 * where the test may set it without touching the machine's: connections still queued at A when A exits
 * after the cut-over move to B with it, and are reset without it. The latter is why overlap mode waits
 * for A's accept queue to empty before it stops A.
 */
class SteeringNamespaceIT {
    private static final Duration RUN = Duration.ofSeconds(60);

    @BeforeEach
    void namespacesAvailable() throws Exception {
        assumeTrue(OverlapSupport.unavailable().isEmpty(), () -> OverlapSupport.unavailable().orElseThrow());
        ChildProcess.Finished probe = ChildProcess.run(List.of("unshare", "-n", "true"), RUN);
        assumeTrue(probe.exitCode() == 0, () -> "no private network namespace here (unshare -n needs root): " + probe);
    }

    @Test
    void withTcpMigrateReq_theConnectionsQueuedAtAWhenItExits_areAnsweredByB() throws Exception {
        ChildProcess.Finished run = scenario(1);

        assertEquals(0, run.exitCode(), run.toString());
        assertTrue(run.out().contains("queued at A: 3\n"), run.out());
        assertTrue(run.out().contains("answers: [B, B, B]\n"), run.out());
    }

    @Test
    void withoutTcpMigrateReq_theConnectionsQueuedAtAWhenItExits_areLost() throws Exception {
        ChildProcess.Finished run = scenario(0);

        assertEquals(0, run.exitCode(), run.toString());
        assertTrue(run.out().contains("queued at A: 3\n"), run.out());
        String answers = run.out().lines().filter(l -> l.startsWith("answers: [")).findFirst().orElseThrow();
        assertTrue(!answers.matches(".*[\\[ ](A|B)[,\\]].*"), "no queued connection was answered: " + answers);
    }

    private static ChildProcess.Finished scenario(int migrate) throws Exception {
        String java = String.join(" ", ChildProcess.java("-cp", System.getProperty("java.class.path"),
                MigrateScenario.class.getName(), 18080));
        return ChildProcess.run(List.of("unshare", "-n", "sh", "-c", "ip link set lo up && sysctl -q -w"
                + " net.ipv4.tcp_migrate_req=" + migrate + " && exec " + java), RUN);
    }
}
