package dev.updater.sidecar.channel;

import dev.updater.core.ErrorCode;
import dev.updater.core.UpdaterException;
import dev.updater.core.check.ReleaseCheck;
import dev.updater.core.download.DownloadOptions;
import dev.updater.core.download.ManifestFetcher;
import dev.updater.core.download.MirrorFailover;
import dev.updater.core.home.AgentRecord;
import dev.updater.core.home.ChannelSettings;
import dev.updater.core.home.InstalledRelease;
import dev.updater.core.home.StagedRelease;
import dev.updater.core.home.UpdateHome;
import dev.updater.core.manifest.Manifest;
import dev.updater.core.platform.Platform;
import dev.updater.core.policy.Decision;
import dev.updater.core.policy.PolicyOptions;
import dev.updater.core.signature.Ed25519Keys;
import dev.updater.core.signature.TrustedKey;
import dev.updater.core.text.HumanUnits;
import dev.updater.core.version.ReleaseVersion;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * Asks the channel once more, just before the sidecar installs a release that waited (for an
 * operator's {@code apply}, a window, the host's exit), whether its publisher halted it since the
 * agent staged it: the kill switch ({@code publish --halt}) reaches the agent only at its next poll,
 * which may come after the approval or the window. The channel is checked as the agent checks it:
 * the URLs with their mirrors, the keys and insecure settings in {@code channel.json}, the same
 * {@link ReleaseCheck} (size limit, signature first, replay refusal), within {@link #BOUND}.
 *
 * <p>Threats. {@code channel.json} is written by the host; its keys are taken as they are here, unlike
 * in {@code check} and {@code apply} ({@link OperatorTrust}), because a verdict can only withhold an
 * install, never cause one: the host can delete its own staged copy anyway. A channel that cannot be
 * reached, answers late or answers something unverifiable (bad signature, expired, a replay) gives
 * {@link Unchecked}, on which the caller installs the staged release as it would have without this
 * check (fail-open): that release was verified by the agent when staged, and an attacker who can block
 * the channel can block the agent's poll, and the halt with it, all the same.
 *
 * <pre>{@code
 * ChannelRecheck.Verdict verdict = ChannelRecheck.check(home, staged, ChannelRecheck.BOUND, clock, log);
 * if (verdict instanceof ChannelRecheck.Halted halted) { drop the staged copy; }
 * }</pre>
 */
public final class ChannelRecheck {
    /** The longest the check may hold up an install: every mirror, manifest and signature together. */
    public static final Duration BOUND = Duration.ofSeconds(5);
    private static final String NOTHING_INSTALLED = " Nothing was installed.";

    private ChannelRecheck() {
    }

    /** What the channel says about the staged release now. */
    public sealed interface Verdict permits Confirmed, Halted, Superseded, Unchecked {
        /** One sentence for the log. */
        String message();
    }

    /** The channel still offers the staged release (or another one this host does not take now), not halted. */
    public record Confirmed(String message) implements Verdict {
    }

    /**
     * The signed manifest offers the staged version with {@code rollout.halted}, as {@code publish --halt}
     * writes it.
     *
     * @param running the version the host runs, or null when unknown
     */
    public record Halted(ReleaseVersion version, ReleaseVersion running, URI source, String message)
            implements Verdict {
    }

    /**
     * The channel moved on to a newer release that this host takes now (such as the revert
     * {@code publish --revert-to} publishes after a halt): the staged one is no longer what it offers.
     */
    public record Superseded(ReleaseVersion version, ReleaseVersion offered, URI source, String message)
            implements Verdict {
    }

    /** The channel could not be asked, or did not answer in time with a manifest that verifies; why, as a clause. */
    public record Unchecked(String message) implements Verdict {
    }

    /**
     * Checks the channel {@code channel.json} names for {@code staged}, giving up after {@code bound}.
     *
     * @param warnings receives the check's own warnings (an unsigned manifest the agent's settings allow)
     */
    public static Verdict check(UpdateHome home, StagedRelease staged, Duration bound, Clock clock,
                                Consumer<String> warnings) throws InterruptedException {
        CompletableFuture<Verdict> verdict = new CompletableFuture<>();
        // Its own thread, so that the bound holds whatever the network does; the fetcher's deadline ends it.
        Thread asking = new Thread(() -> {
            try {
                verdict.complete(ask(home, staged, bound, clock, warnings));
            } catch (Throwable e) {
                verdict.completeExceptionally(e);
            }
        }, "updater-channel-recheck");
        asking.setDaemon(true);
        asking.start();
        try {
            return verdict.get(bound.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            asking.interrupt();
            return new Unchecked("the channel did not answer within " + HumanUnits.setting(bound));
        } catch (ExecutionException e) {
            return new Unchecked(e.getCause() instanceof UpdaterException u ? withoutVerdict(u.getMessage())
                    : "the check failed unexpectedly (" + e.getCause() + ")");
        }
    }

    /**
     * A check's error as a clause, without the agent's closing "Nothing was installed.": here the caller
     * installs the staged release all the same, and says so in the same line.
     */
    private static String withoutVerdict(String message) {
        String clause = message.endsWith(NOTHING_INSTALLED)
                ? message.substring(0, message.length() - NOTHING_INSTALLED.length()) : message;
        return clause.endsWith(".") ? clause.substring(0, clause.length() - 1) : clause;
    }

    private static Verdict ask(UpdateHome home, StagedRelease staged, Duration bound, Clock clock,
                               Consumer<String> warnings) throws UpdaterException {
        ChannelSettings channel = home.channelRecord().read().orElseThrow(() -> new UpdaterException(
                ErrorCode.CONFIG_INVALID, home.channelRecord() + " is missing (the agent writes it at the host's start)"));
        List<String> urls = channel.allManifestUrls();
        if (urls.isEmpty()) {
            throw new UpdaterException(ErrorCode.CONFIG_INVALID, home.channelRecord() + " names no manifest URL");
        }
        ReleaseVersion running = running(home);
        if (running == null) {
            throw new UpdaterException(ErrorCode.VERSION_UNKNOWN, "the installed version is unknown (no installed.json,"
                    + " no agent.json)");
        }
        DownloadOptions options = DownloadOptions.defaults().withConnectTimeout(bound)
                .withAllowInsecureHttp(channel.insecureAllowHttp());
        ReleaseCheck.Settings settings = new ReleaseCheck.Settings(URI.create(urls.get(0)), keys(channel),
                channel.insecureAllowUnsigned(), running, channel.hostId(),
                new PolicyOptions(channel.allowPrerelease(), channel.allowBreaking()), Platform.current());
        List<URI> mirrors = urls.stream().skip(1).map(URI::create).toList();
        ReleaseCheck.Found found = new ReleaseCheck(settings, mirrors, new MirrorFailover(Objects.requireNonNullElse(
                channel.hostId(), "")), home, new ManifestFetcher(options, bound), clock, warnings).check();
        return judge(staged, running, found.manifest(), found.decision(), found.source());
    }

    /**
     * The verdict on {@code staged} from a verified manifest and the version policy's decision on it.
     * Only {@code rollout.halted} on the staged version itself is a halt; a newer version this host
     * takes now supersedes it; anything else (the same release not halted, a newer one not yet for this
     * host) confirms it, as the agent would leave it staged.
     */
    static Verdict judge(StagedRelease staged, ReleaseVersion running, Manifest manifest, Decision decision,
                         URI source) {
        ReleaseVersion version = staged.version();
        if (manifest.version().equals(version) && manifest.rollout() != null && manifest.rollout().halted()) {
            return new Halted(version, running, source, "Release " + version + " is halted on its channel ("
                    + "rollout.halted in the signed manifest at " + source + ")");
        }
        if (decision instanceof Decision.Install install && install.version().isNewerThan(version)) {
            return new Superseded(version, install.version(), source, "Release " + version + " is no longer offered"
                    + " on its channel: " + source + " offers " + install.version() + " now");
        }
        return new Confirmed(source + " still offers " + version + "; it is not halted"
                + (manifest.version().equals(version) ? "" : " (the channel offers " + manifest.version() + ")"));
    }

    /** The installed version: installed.json, else the version the host's agent reports. */
    private static ReleaseVersion running(UpdateHome home) throws UpdaterException {
        ReleaseVersion installed = home.installedRecord().read().map(InstalledRelease::version).orElse(null);
        return installed != null ? installed : home.agentRecord().read().map(AgentRecord::runningVersion).orElse(null);
    }

    private static List<TrustedKey> keys(ChannelSettings channel) throws UpdaterException {
        List<TrustedKey> keys = new ArrayList<>();
        for (String text : channel.trustedKeys() == null ? List.<String>of() : channel.trustedKeys()) {
            keys.add(TrustedKey.of(Ed25519Keys.parsePublicKey(text)));
        }
        return keys;
    }
}
