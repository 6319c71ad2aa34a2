package dev.updater.sidecar.cli;

import dev.updater.core.signature.Ed25519Keys;
import dev.updater.core.testing.PosixModes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class KeygenCommandTest {
    @TempDir
    Path dir;

    @Test
    void keygen_writesThePrivateKeyOwnerOnly() throws Exception {
        PosixModes.assumeSupported(dir);
        Path keys = dir.resolve("keys");
        CliRun run = CliRun.run("keygen", "--out", keys.toString());

        assertEquals(0, run.exitCode(), run.toString());
        assertEquals("rw-------", PosixModes.of(keys.resolve("updater.key")));
    }

    @Test
    void keygen_writesBothKeys_andPrintsTheAgentKeyLine() throws Exception {
        Path keys = dir.resolve("keys");
        CliRun run = CliRun.run("keygen", "--out", keys.toString());

        assertEquals(0, run.exitCode(), run.toString());
        Path priv = keys.resolve("updater.key");
        Path pub = keys.resolve("updater.pub");
        assertTrue(Files.readString(priv).startsWith("-----BEGIN PRIVATE KEY-----\n"));
        assertTrue(Files.readString(pub).startsWith("-----BEGIN PUBLIC KEY-----\n"));

        String line = run.out().lines().filter(l -> l.startsWith("ed25519:")).findFirst().orElseThrow();
        assertEquals(Ed25519Keys.toText(Ed25519Keys.parsePublicKey(Files.readString(pub))), line);
        assertEquals(Ed25519Keys.toText(Ed25519Keys.publicKeyOf(Ed25519Keys.parsePrivateKey(Files.readString(priv)))),
                line, "the printed key is the public half of the private key written");
    }

    @Test
    void keygen_refusesToOverwriteAnExistingKey_andLeavesItUnchanged() throws Exception {
        assertEquals(0, CliRun.run("keygen", "--out", dir.toString()).exitCode());
        String before = Files.readString(dir.resolve("updater.key"));

        CliRun again = CliRun.run("keygen", "--out", dir.toString());

        assertEquals(1, again.exitCode());
        assertEquals(dir.resolve("updater.key") + " already exists; keygen never overwrites a key. Hosts may trust it:"
                + " move it away first, or choose another --out directory.\n", again.err());
        assertEquals(before, Files.readString(dir.resolve("updater.key")));
    }

    @Test
    void keygen_withoutOut_isAUsageError() {
        CliRun run = CliRun.run("keygen");
        assertEquals(2, run.exitCode());
        assertTrue(run.err().startsWith("Missing required option: '--out=DIR'\n"), run.err());
        assertTrue(run.err().endsWith("Run 'updater-sidecar keygen --help' for more information.\n"), run.err());
    }

    @Test
    void keygen_help_describesTheFilesAndExitCodes() {
        CliRun run = CliRun.run("keygen", "--help");
        assertEquals(0, run.exitCode());
        assertTrue(run.out().contains("--out=DIR"), run.out());
        assertTrue(run.out().contains("Exit codes:"), run.out());
    }
}
