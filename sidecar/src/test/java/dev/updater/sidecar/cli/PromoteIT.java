package dev.updater.sidecar.cli;

import dev.updater.core.Sha256;
import dev.updater.core.check.ReleaseCheck;
import dev.updater.core.check.ReleaseStager;
import dev.updater.core.download.DownloadOptions;
import dev.updater.core.download.Downloader;
import dev.updater.core.download.ManifestFetcher;
import dev.updater.core.home.StagedRelease;
import dev.updater.core.home.UpdateHome;
import dev.updater.core.manifest.ChannelName;
import dev.updater.core.platform.Platform;
import dev.updater.core.policy.Decision;
import dev.updater.core.policy.PolicyOptions;
import dev.updater.core.signature.Ed25519Keys;
import dev.updater.core.signature.TrustedKey;
import dev.updater.core.testing.TestChannel;
import dev.updater.core.version.ReleaseVersion;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

/**
 * A release published to {@code beta} and promoted to {@code stable} with the CLI, served on
 * 127.0.0.1, and checked and staged as hosts of each channel do: both channels verify with the
 * publisher's key and hand hosts the very same bytes.
 */
class PromoteIT {
    @TempDir
    Path dir;

    @Test
    void promotedRelease_isStagedByStableHosts_withTheBytesBetaHostsGot() throws Exception {
        Path keys = dir.resolve("keys");
        Path root = dir.resolve("releases");
        assertEquals(0, CliRun.run("keygen", "--out", keys.toString()).exitCode());
        Path jar = Files.writeString(dir.resolve("app.jar"), "the 1.3.0 bytes");
        String key = keys.resolve("updater.key").toString();
        CliRun beta = CliRun.run("publish", "--version", "1.3.0", "--artifact", "any=" + jar, "--channel", "beta",
                "--key", key, "--out", root.toString());
        assertEquals(0, beta.exitCode(), beta.toString());
        CliRun promote = CliRun.run("publish", "--promote", "1.3.0", "--from", "beta", "--to", "stable", "--key", key,
                "--out", root.toString());
        assertEquals(0, promote.exitCode(), promote.toString());
        TrustedKey trusted = TrustedKey.of(Ed25519Keys.parsePublicKey(Files.readString(keys.resolve("updater.pub"))));

        try (TestChannel server = TestChannel.start(root)) {
            URI channelRoot = server.manifestUri().resolve("./");
            StagedRelease onBeta = stage(ChannelName.parse("beta").manifestUnder(channelRoot), trusted, "beta-host");
            StagedRelease onStable = stage(ChannelName.parse("stable").manifestUnder(channelRoot), trusted, "stable-host");

            assertEquals(Sha256.ofFile(jar), onStable.sha256());
            assertEquals(onBeta.sha256(), onStable.sha256());
            assertArrayEquals(Files.readAllBytes(jar), Files.readAllBytes(dir.resolve("stable-host").resolve(onStable.file())));
            assertEquals(1, server.requests("/stable/1.3.0/any/app.jar"));
        }
    }

    /** One host's check and staging of the channel at {@code manifest}, in its own home. */
    private StagedRelease stage(URI manifest, TrustedKey key, String host) throws Exception {
        UpdateHome home = new UpdateHome(Files.createDirectories(dir.resolve(host)));
        DownloadOptions options = DownloadOptions.defaults().withAllowInsecureHttp(true);
        ReleaseCheck.Found found = new ReleaseCheck(new ReleaseCheck.Settings(manifest, List.of(key), false,
                ReleaseVersion.parse("1.2.0"), host, PolicyOptions.DEFAULTS, Platform.current()), home,
                new ManifestFetcher(options), Clock.systemUTC(), warning -> { }).check();
        Decision.Install install = assertInstanceOf(Decision.Install.class, found.decision(), found.decision().message());
        return new ReleaseStager(home, new Downloader(options), Clock.systemUTC()).stage(found.manifest(),
                found.manifest().keyFor(Platform.current()), found.manifest().artifactFor(Platform.current()), manifest,
                install);
    }
}
