package dev.updater.sidecar.channel;

import dev.updater.core.ErrorCode;
import dev.updater.core.UpdaterException;
import dev.updater.core.check.ReleaseCheck;
import dev.updater.core.download.DownloadOptions;
import dev.updater.core.download.ManifestFetcher;
import dev.updater.core.download.MirrorFailover;
import dev.updater.core.home.ChannelSettings;
import dev.updater.core.home.StagedRelease;
import dev.updater.core.home.UpdateHome;
import dev.updater.core.manifest.Manifest;
import dev.updater.core.platform.Platform;
import dev.updater.core.policy.Decision;
import dev.updater.core.policy.PolicyOptions;
import dev.updater.core.version.ReleaseVersion;
import dev.updater.sidecar.supervise.HomeStatus;

import java.net.URI;
import java.time.Clock;
import java.util.function.Consumer;

/**
 * What the channel offers this install right now, checked as the host's agent checks it: the URLs
 * (with their mirrors) and policy options the agent recorded in {@code channel.json}, the installed version, and the same
 * {@link ReleaseCheck}, but with the keys and insecure flags the operator gave ({@link OperatorTrust}).
 * For the operator's {@code check} and {@code apply}.
 */
public final class ChannelOffer {
    private ChannelOffer() {
    }

    /**
     * @param installed the installed version
     * @param staged the release already staged, or null
     */
    public record Offer(ReleaseVersion installed, Manifest manifest, Decision decision, URI manifestUri,
                        Platform platform, StagedRelease staged, DownloadOptions options) {

        /** True when the staged release is this very offer, so nothing needs downloading. */
        public boolean alreadyStaged() {
            return staged != null && staged.version().equals(manifest.version());
        }
    }

    public static Offer check(UpdateHome home, OperatorTrust trust, Clock clock, Consumer<String> warnings)
            throws UpdaterException {
        ChannelSettings settings = home.channelRecord().read().orElseThrow(() ->
                new UpdaterException(ErrorCode.CONFIG_INVALID, "The agent has not recorded its channel in "
                        + home.channelRecord() + " yet; start the host with the updater agent (home="
                        + home.dir() + ") once, then check again."));
        HomeStatus status = HomeStatus.read(home);
        ReleaseVersion installed = status.installed() == null ? null : status.installed().version();
        if (installed == null && status.agent() != null) {
            installed = status.agent().runningVersion();
        }
        if (installed == null) {
            throw new UpdaterException(ErrorCode.VERSION_UNKNOWN, "Cannot tell which version is installed in "
                    + home.dir() + "; start the host with the agent once (it records its version).");
        }
        URI manifestUri = trust.manifestFor(settings, home.channelRecord().path());
        DownloadOptions options = DownloadOptions.defaults().withAllowInsecureHttp(trust.insecureAllowHttp());
        Platform platform = Platform.current();
        ReleaseCheck.Settings checkSettings = new ReleaseCheck.Settings(manifestUri, trust.keys(),
                trust.insecureAllowUnsigned(), installed, settings.hostId(),
                new PolicyOptions(settings.allowPrerelease(), settings.allowBreaking()), platform);
        // Every manifest URL the agent checks, in the host's own order: check and apply see what the host sees.
        ReleaseCheck.Found found = new ReleaseCheck(checkSettings, trust.manifestMirrorsFor(settings),
                new MirrorFailover(settings.hostId() == null ? "" : settings.hostId()), home,
                new ManifestFetcher(options), clock, warnings).check();
        return new Offer(installed, found.manifest(), found.decision(), found.source(), platform, status.staged(),
                options);
    }
}
