package dev.updater.sidecar.ship;

import dev.updater.core.Sha256;
import dev.updater.core.testing.ChildProcess.Finished;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The packaged sidecar jar, run as operators run it, writes exactly the agent module's jar. */
class SidecarJarCarriesAgentJarIT {
    @TempDir
    Path temp;

    @Test
    void agentJarOut_fromThePackagedSidecarJar_writesAgentTargetUpdaterJar_byteForByte() throws Exception {
        assumeTrue(Files.isRegularFile(ShipFiles.SIDECAR_JAR), "run after 'package': " + ShipFiles.SIDECAR_JAR);
        Path out = temp.resolve("updater.jar");

        Finished run = ShipFiles.run(ShipFiles.java(), "-jar", ShipFiles.SIDECAR_JAR.toString(), "agent-jar",
                "--out", out.toString());

        assertEquals(0, run.exitCode(), run.toString());
        assertEquals(Sha256.ofFile(ShipFiles.AGENT_JAR), Sha256.ofFile(out));
        assertTrue(run.out().startsWith("Wrote " + out + ": updater agent "), run.toString());
    }
}
