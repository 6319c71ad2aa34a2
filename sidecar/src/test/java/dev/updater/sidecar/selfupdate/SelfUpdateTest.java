package dev.updater.sidecar.selfupdate;

import dev.updater.core.ErrorCode;
import dev.updater.core.Sha256;
import dev.updater.core.UpdaterException;
import dev.updater.core.download.DownloadOptions;
import dev.updater.core.testing.TestChannel;
import dev.updater.core.version.ReleaseVersion;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** {@link SelfUpdate#check()} against a signed channel on 127.0.0.1, with jars in a temporary folder. */
class SelfUpdateTest {
    @TempDir
    Path temp;

    private TestChannel channel;

    @BeforeEach
    void startChannel() throws Exception {
        channel = TestChannel.start(temp.resolve("channel"));
    }

    @AfterEach
    void stopChannel() {
        channel.close();
    }

    @Test
    void check_ofAnUnsignedManifest_saysHowToSignIt_namingTheKeyAndItsOrigin_notAnOptionSelfUpdateLacks()
            throws Exception {
        channel.publish("99.0.0", "new updater".getBytes());
        channel.writeRaw(Files.readAllBytes(channel.dir().resolve("manifest.json")), null);
        Path folder = Files.createDirectories(temp.resolve("opt/updater"));
        Path sidecarJar = Files.writeString(folder.resolve("updater-sidecar.jar"), "old sidecar");
        Path agentJar = Files.writeString(folder.resolve("updater.jar"), "old agent");
        Sha256 sidecarBefore = Sha256.ofFile(sidecarJar);
        Sha256 agentBefore = Sha256.ofFile(agentJar);
        List<String> warnings = new ArrayList<>();
        SelfUpdate update = new SelfUpdate(new UpdaterInstall(sidecarJar, agentJar, ReleaseVersion.parse("1.0.0")),
                new SelfUpdateChannel(channel.manifestUri(), List.of(channel.key()), "--manifest and --key"),
                new SelfUpdateState(temp.resolve("state")), DownloadOptions.defaults(), Clock.systemUTC(),
                warnings::add);

        UpdaterException e = assertThrows(UpdaterException.class, update::check);

        assertEquals(ErrorCode.SIGNATURE_MISSING, e.code());
        assertEquals("The updater's channel " + channel.manifestUri() + " has no signature (" + channel.manifestUri()
                + ".sig); self-update installs only a release signed by a key it trusts, and has no option to accept"
                + " an unsigned one. It checks with key " + channel.key().id() + " (" + channel.keyText() + ")"
                + " (channel and key: --manifest and --key). Publish the updater's release signed with that key's"
                + " private half ('scripts/release.sh --key KEYFILE', or 'updater-sidecar publish --key KEYFILE'),"
                + " or, if the channel is signed with another key you trust, pass its public key with --key"
                + " ed25519:... or --keyfile FILE.", e.getMessage());
        assertEquals(List.of(), warnings);
        assertEquals(sidecarBefore, Sha256.ofFile(sidecarJar), "the sidecar jar is byte for byte the old one");
        assertEquals(agentBefore, Sha256.ofFile(agentJar), "the agent jar is byte for byte the old one");
        try (Stream<Path> files = Files.list(folder)) {
            assertEquals(List.of("updater-sidecar.jar", "updater.jar"),
                    files.map(path -> path.getFileName().toString()).sorted().toList(), "no backup, no temporary file");
        }
    }
}
