package dev.updater.agent.it;

import dev.updater.core.home.AgentRecord;
import dev.updater.core.home.UpdateHome;
import dev.updater.core.testing.PosixModes;
import dev.updater.core.testing.TestChannel;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The host's agent stops updating, and says why, when the home's anti-rollback record is unusable. */
class AcceptedRecordIT {
    private static final Duration WAIT = Duration.ofSeconds(20);

    @TempDir
    Path dir;

    private TestChannel channel;
    private Path hostJar;
    private UpdateHome home;
    private HostJvm host;

    @BeforeEach
    void channelAndApp() throws Exception {
        channel = TestChannel.start(dir.resolve("channel"));
        Path appDir = dir.resolve("app");
        hostJar = HostJvm.hostJar(appDir, "1.0.0");
        home = new UpdateHome(appDir.resolve(".updater"));
        PosixModes.setWhereSupported(Files.createDirectories(home.dir()), "rwx------");
    }

    @AfterEach
    void stop() throws Exception {
        if (host != null) {
            host.close();
        }
        channel.close();
    }

    @Test
    void garbageInAcceptedJson_stagesNothing_logsOneClearLine_andKeepsTheFile() throws Exception {
        channel.publish("1.1.0", "release 1.1.0".getBytes(StandardCharsets.UTF_8));
        byte[] garbage = "{\"version\": \"1.0.0\", oops".getBytes(StandardCharsets.UTF_8);
        Files.write(home.acceptedRecord().path(), garbage);
        String expected = "Cannot use " + home.acceptedRecord() + ", this home's record of"
                + " the highest release it accepted (it is not"
                + " a valid record: Unexpected character ('o' (code 111)): was expecting double-quote to start field"
                + " name). No update is checked until it is fixed, so that no older release can slip in: restore the"
                + " file from a backup, or delete it to fall back to the running version.";

        host = HostJvm.start(HostJvm.JAVA_17, List.of(), "manifest=" + channel.manifestUri() + ",key="
                + channel.keyText() + ",interval=300ms,initial-delay=100ms", hostJar);

        await().atMost(WAIT).until(() -> record().map(r -> expected.equals(r.lastError())).orElse(false));
        // the back-off retries after 2 s: wait for a later failed check, which must not log again
        java.time.Instant first = record().orElseThrow().lastCheckAt();
        await().atMost(WAIT).until(() -> record().orElseThrow().lastCheckAt().isAfter(first));
        assertEquals(1, host.err().lines().filter(line -> line.endsWith(expected)).count(), host.err());
        assertFalse(Files.exists(home.stagedRecord().path()), "nothing is staged");
        assertArrayEquals(garbage, Files.readAllBytes(home.acceptedRecord().path()), "accepted.json is left as it was");
        assertTrue(host.isAlive());
    }

    private Optional<AgentRecord> record() {
        try {
            return home.agentRecord().read();
        } catch (Exception e) {
            return Optional.empty();
        }
    }
}
