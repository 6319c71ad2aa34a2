package dev.updater.sidecar.selfupdate;

import dev.updater.core.ErrorCode;
import dev.updater.core.UpdaterException;
import dev.updater.core.check.ReleaseCheck;
import dev.updater.core.download.Cancellation;
import dev.updater.core.download.DownloadListener;
import dev.updater.core.download.DownloadOptions;
import dev.updater.core.download.DownloadRequest;
import dev.updater.core.download.Downloader;
import dev.updater.core.download.ManifestFetcher;
import dev.updater.core.download.VerifiedFile;
import dev.updater.core.home.AtomicFiles;
import dev.updater.core.home.HomeCleanup;
import dev.updater.core.manifest.Artifact;
import dev.updater.core.manifest.Manifest;
import dev.updater.core.platform.Platform;
import dev.updater.core.policy.Decision;
import dev.updater.core.policy.PolicyOptions;
import dev.updater.core.version.ReleaseVersion;
import dev.updater.sidecar.channel.ChannelOffer;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.jar.JarFile;
import java.util.zip.ZipEntry;

/**
 * The updater updating itself, top to bottom ({@code updater-sidecar self-update}): check the
 * updater's own channel as any channel is checked (signature first, expiry, replay, never older or
 * equal), download the new sidecar jar verified against the signed size and SHA-256, smoke-test it
 * in a child JVM, then replace the sidecar jar and the agent jar beside it, each atomically with a
 * backup. Every failure before the last step leaves both jars byte for byte as they were.
 *
 * <pre>{@code
 * SelfUpdate update = SelfUpdate.of(UpdaterInstall.running(), SelfUpdateChannel.of(null, List.of()), clock, warn);
 * ChannelOffer.Offer offer = update.check();
 * if (offer.decision() instanceof Decision.Install) { update.install(offer, progress, cancellation); }
 * }</pre>
 *
 * A running sidecar keeps its old jar open (a rename gives the path a new inode) and runs on
 * unchanged until it restarts ({@code SidecarJarWatch} tells the operator); a host's agent jar takes
 * effect when the host next starts.
 */
public final class SelfUpdate {
    /** Where the sidecar's build puts the agent jar inside the sidecar jar (AgentJarCommand reads it too). */
    static final String AGENT_ENTRY = "dev/updater/sidecar/agent/updater.jar";

    private final UpdaterInstall install;
    private final SelfUpdateChannel channel;
    private final SelfUpdateState state;
    private final DownloadOptions options;
    private final Clock clock;
    private final Consumer<String> warnings;

    SelfUpdate(UpdaterInstall install, SelfUpdateChannel channel, SelfUpdateState state, DownloadOptions options,
               Clock clock, Consumer<String> warnings) {
        this.install = install;
        this.channel = channel;
        this.state = state;
        this.options = options;
        this.clock = clock;
        this.warnings = warnings;
    }

    public static SelfUpdate of(UpdaterInstall install, SelfUpdateChannel channel, Clock clock,
                                Consumer<String> warnings) {
        return new SelfUpdate(install, channel, SelfUpdateState.forUser(), DownloadOptions.defaults(), clock, warnings);
    }

    /** What was replaced, and where the old jars are kept. */
    public record Installed(ReleaseVersion from, ReleaseVersion to, Path sidecarJar, Path agentJar) {
        public Path sidecarBackup() {
            return sidecarJar.resolveSibling(sidecarJar.getFileName() + JarReplacement.BACKUP_SUFFIX);
        }

        /** Null when there was no agent jar beside the sidecar jar. */
        public Path agentBackup() {
            return agentJar == null ? null : agentJar.resolveSibling(agentJar.getFileName() + JarReplacement.BACKUP_SUFFIX);
        }
    }

    public SelfUpdateChannel channel() {
        return channel;
    }

    /**
     * Step 1: the channel's offer, decided as for any update. Throws for an unsigned, badly signed,
     * expired or replayed manifest ({@code SIGNATURE_*}, {@code MANIFEST_EXPIRED}, {@code VERSION_INVALID}).
     */
    public ChannelOffer.Offer check() throws UpdaterException {
        Platform platform = Platform.current();
        ReleaseCheck.Settings settings = new ReleaseCheck.Settings(channel.manifest(), channel.keys(), false,
                install.version(), install.sidecarJar().toString(), new PolicyOptions(false, true), platform);
        ReleaseCheck.Found found;
        try {
            found = new ReleaseCheck(settings, state.home(), new ManifestFetcher(options), clock, warnings).check();
        } catch (UpdaterException e) {
            throw e.code() == ErrorCode.SIGNATURE_MISSING ? unsigned(e) : e;
        }
        Decision decision = found.decision();
        if (decision instanceof Decision.Refused refused && refused.reason() == Decision.Reason.OLDER_THAN_RUNNING) {
            decision = new Decision.Refused(refused.reason(), refused.offered(), "The channel offers updater "
                    + refused.offered() + ", older than this updater " + install.version() + "; the updater never"
                    + " moves itself back (to go back on purpose, put " + install.sidecarJar().getFileName()
                    + JarReplacement.BACKUP_SUFFIX + " back in place).");
        }
        return new ChannelOffer.Offer(install.version(), found.manifest(), decision, channel.manifest(), platform,
                null, options);
    }

    /**
     * The check's refusal of an unsigned manifest names the agent's {@code insecure-allow-unsigned}, which
     * self-update does not offer on purpose (an unsigned updater would run as root on every host): say
     * instead which key it checks with, where that key comes from, and how the release gets signed.
     */
    private UpdaterException unsigned(UpdaterException e) {
        List<String> keys = channel.keys().stream().map(key -> key.id() + " (" + key.text() + ")").toList();
        return new UpdaterException(e.code(), "The updater's channel " + channel.manifest() + " has no signature ("
                + channel.manifest() + ".sig); self-update installs only a release signed by a key it trusts, and"
                + " has no option to accept an unsigned one. It checks with key " + String.join(", ", keys)
                + " (channel and key: " + channel.origin() + "). Publish the updater's release signed with that"
                + " key's private half ('scripts/release.sh --key KEYFILE', or 'updater-sidecar publish --key"
                + " KEYFILE'), or, if the channel is signed with another key you trust, pass its public key with"
                + " --key ed25519:... or --keyfile FILE.", e);
    }

    /** Steps 2 to 5 for an offer that {@link #check()} decided to install. */
    public Installed install(ChannelOffer.Offer offer, DownloadListener progress, Cancellation cancellation)
            throws UpdaterException, InterruptedException {
        if (!(offer.decision() instanceof Decision.Install)) {
            throw new IllegalArgumentException("not an offer to install: " + offer.decision());
        }
        Manifest manifest = offer.manifest();
        Path folder = install.sidecarJar().getParent();
        Path work = temporaryFolder(folder);
        try {
            Path sidecar = download(manifest, manifest.artifactFor(offer.platform()), work, progress, cancellation);
            SmokeTest.run(sidecar, manifest.version(), work);
            List<JarReplacement.Swap> swaps = new ArrayList<>();
            if (install.agentJar() != null) {
                swaps.add(new JarReplacement.Swap(install.agentJar(), agentJarOf(sidecar, manifest.version(), work)));
            }
            // the sidecar jar last: after a crash between the two, the old sidecar still runs and offers the same update
            swaps.add(new JarReplacement.Swap(install.sidecarJar(), sidecar));
            JarReplacement.replaceAll(swaps);
            return new Installed(install.version(), manifest.version(), install.sidecarJar(), install.agentJar());
        } finally {
            HomeCleanup.deleteTreeQuietly(work);
        }
    }

    /**
     * Step 2: into a folder beside the installed jars (one filesystem, so the last step is a rename),
     * verified against the signed manifest's size and SHA-256 while streaming; only a file that
     * matched is returned.
     */
    private Path download(Manifest manifest, Artifact artifact, Path work, DownloadListener progress,
                          Cancellation cancellation) throws UpdaterException {
        try {
            VerifiedFile file = new Downloader(options).download(new DownloadRequest(
                    artifact.resolve(channel.manifest()), artifact.size(), artifact.sha256(), work,
                    "updater-sidecar-" + manifest.version() + ".jar"), progress, cancellation);
            return file.path();
        } catch (UpdaterException e) {
            throw e.code() == ErrorCode.DOWNLOAD_CANCELLED ? e : nothingReplaced(e);
        }
    }

    /**
     * Step 4's second file: the agent jar the new sidecar jar carries (its bytes are covered by the
     * sidecar jar's signed SHA-256), written beside it and fsynced.
     */
    private static Path agentJarOf(Path sidecar, ReleaseVersion version, Path work) throws UpdaterException {
        Path agent = work.resolve("updater-" + version + ".jar");
        try (JarFile jar = new JarFile(sidecar.toFile(), false)) {
            ZipEntry entry = jar.getEntry(AGENT_ENTRY);
            if (entry == null) {
                throw new UpdaterException(ErrorCode.SMOKE_TEST_FAILED, "The new updater " + version + " carries no"
                        + " agent jar (" + AGENT_ENTRY + "); nothing was replaced. Report it to the updater's publisher.");
            }
            try (InputStream in = jar.getInputStream(entry)) {
                Files.copy(in, agent, StandardCopyOption.REPLACE_EXISTING);
            }
            AtomicFiles.fsync(agent);
            return agent;
        } catch (IOException e) {
            throw new UpdaterException(ErrorCode.IO, "Could not take the agent jar out of the new updater " + version
                    + ": " + e + "; nothing was replaced.", e);
        }
    }

    /** The same failure, saying that the installed updater was not touched. */
    public static UpdaterException nothingReplaced(UpdaterException e) {
        return new UpdaterException(e.code(), e.getMessage() + " Nothing was replaced; the installed updater is"
                + " unchanged.", e);
    }

    private static Path temporaryFolder(Path folder) throws UpdaterException {
        try {
            return Files.createTempDirectory(folder, ".updater-self-update-");
        } catch (IOException e) {
            throw new UpdaterException(ErrorCode.IO, "Cannot create a temporary folder in " + folder + ", where the"
                    + " updater's jars are: " + e + "; run self-update as the user who owns that folder (often root),"
                    + " and check that it has free space. Nothing was replaced.", e);
        }
    }
}
