package dev.updater.sidecar.cli;

import dev.updater.core.Sha256;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.jar.JarFile;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AgentJarCommandTest {
    /** The agent module's packed jar; the reactor builds it before this module (sidecar/pom.xml). */
    static final Path AGENT_JAR = Path.of("..", "agent", "target", "updater.jar");

    @TempDir
    Path dir;

    @Test
    void agentJar_writesExactlyTheAgentModulesJar() throws Exception {
        Path out = dir.resolve("updater.jar");

        CliRun run = CliRun.run("agent-jar", "--out", out.toString());

        assertEquals(0, run.exitCode(), run.toString());
        assertEquals(Sha256.ofFile(AGENT_JAR), Sha256.ofFile(out), "the embedded jar is agent/target/updater.jar");
        assertArrayEquals(Files.readAllBytes(AGENT_JAR), Files.readAllBytes(out));
        String sha = Sha256.ofFile(out).hex();
        assertEquals(String.format("Wrote %s: updater agent %s, %,d bytes, sha256 %s%n", out, agentVersion(out),
                        Files.size(out), sha)
                + "Next, add it to the service's JVM options:\n"
                + "  -javaagent:" + out.toAbsolutePath().normalize() + "=manifest=https://releases.example.com/app/manifest.json,"
                + "key=ed25519:...,home=/var/lib/app/updates\n", run.out());
        assertEquals("", run.err());
    }

    @Test
    void theWrittenJar_isAnAgent() throws Exception {
        Path out = dir.resolve("updater.jar");
        assertEquals(0, CliRun.run("agent-jar", "--out", out.toString()).exitCode());
        try (JarFile jar = new JarFile(out.toFile())) {
            assertEquals("dev.updater.agent.boot.AgentBoot",
                    jar.getManifest().getMainAttributes().getValue("Premain-Class"));
        }
    }

    @Test
    void agentJar_intoADirectory_writesUpdaterJarThere() throws Exception {
        CliRun run = CliRun.run("agent-jar", "--out", dir.toString());

        assertEquals(0, run.exitCode(), run.toString());
        assertEquals(Sha256.ofFile(AGENT_JAR), Sha256.ofFile(dir.resolve("updater.jar")));
        assertTrue(run.out().startsWith("Wrote " + dir.resolve("updater.jar") + ": "), run.out());
    }

    @Test
    void agentJar_overAnIdenticalFile_leavesItAlone() throws Exception {
        Path out = dir.resolve("updater.jar");
        assertEquals(0, CliRun.run("agent-jar", "--out", out.toString()).exitCode());
        Object inode = Files.readAttributes(out, java.nio.file.attribute.BasicFileAttributes.class).fileKey();

        CliRun again = CliRun.run("agent-jar", "--out", out.toString());

        assertEquals(0, again.exitCode(), again.toString());
        assertTrue(again.out().startsWith("Up to date " + out + ": updater agent "), again.out());
        assertEquals(inode, Files.readAttributes(out, java.nio.file.attribute.BasicFileAttributes.class).fileKey());
    }

    @Test
    void agentJar_overAnOlderJar_replacesIt() throws Exception {
        Path out = Files.writeString(dir.resolve("updater.jar"), "an older agent");

        CliRun run = CliRun.run("agent-jar", "--out", out.toString());

        assertEquals(0, run.exitCode(), run.toString());
        assertEquals(Sha256.ofFile(AGENT_JAR), Sha256.ofFile(out));
        try (var files = Files.list(dir)) {
            assertEquals(1, files.count(), "no temp file is left beside it");
        }
    }

    @Test
    @EnabledOnOs(value = {OS.LINUX, OS.MAC}, disabledReason = "file modes are POSIX")
    void theWrittenJar_isReadableByTheServicesUser() throws Exception {
        Path out = dir.resolve("updater.jar");
        assertEquals(0, CliRun.run("agent-jar", "--out", out.toString()).exitCode());
        assertEquals("rw-r--r--", PosixFilePermissions.toString(Files.getPosixFilePermissions(out)));
    }

    @Test
    void agentJar_intoAMissingDirectory_failsWithOneSentence() {
        Path missing = dir.resolve("nowhere");

        CliRun run = CliRun.run("agent-jar", "--out", missing.resolve("updater.jar").toString());

        assertEquals(1, run.exitCode());
        assertEquals("Cannot write " + missing.resolve("updater.jar") + ": the directory " + missing.toAbsolutePath()
                + " does not exist; create it first (for example: mkdir -p " + missing.toAbsolutePath() + ").\n",
                run.err());
        assertFalse(Files.exists(missing));
    }

    @Test
    void agentJar_withoutOut_isAUsageError() {
        CliRun run = CliRun.run("agent-jar");
        assertEquals(2, run.exitCode());
        assertTrue(run.err().startsWith("Missing required option: '--out=PATH'\n"), run.err());
        assertTrue(run.err().endsWith("Run 'updater-sidecar agent-jar --help' for more information.\n"), run.err());
    }

    @Test
    void agentJar_help_showsAnExampleAndTheExitCodes() {
        CliRun run = CliRun.run("agent-jar", "--help");
        assertEquals(0, run.exitCode());
        assertTrue(run.out().contains("updater-sidecar agent-jar --out /opt/updater/updater.jar"), run.out());
        assertTrue(run.out().contains("  1  it could not be written, or this build carries no agent jar"), run.out());
    }

    private static String agentVersion(Path jar) throws Exception {
        try (JarFile file = new JarFile(jar.toFile())) {
            return file.getManifest().getMainAttributes().getValue("Implementation-Version");
        }
    }
}
