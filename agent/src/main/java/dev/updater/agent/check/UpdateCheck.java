package dev.updater.agent.check;

import dev.updater.core.ErrorCode;
import dev.updater.core.UpdaterException;
import dev.updater.core.download.ManifestFetcher;
import dev.updater.core.download.Validators;
import dev.updater.core.home.AcceptedVersion;
import dev.updater.core.home.History;
import dev.updater.core.home.HistoryEvent;
import dev.updater.core.home.JsonRecords;
import dev.updater.core.home.Quarantine;
import dev.updater.core.home.StagedRelease;
import dev.updater.core.home.UpdateHome;
import dev.updater.core.manifest.Artifact;
import dev.updater.core.manifest.Manifest;
import dev.updater.core.manifest.ManifestParser;
import dev.updater.core.platform.Platform;
import dev.updater.core.platform.PlatformKeys;
import dev.updater.core.policy.Decision;
import dev.updater.core.policy.PolicyInput;
import dev.updater.core.policy.PolicyOptions;
import dev.updater.core.policy.UpdatePolicy;
import dev.updater.core.signature.ManifestSignatures;
import dev.updater.core.signature.TrustedKey;
import dev.updater.core.version.ReleaseVersion;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.net.URI;
import java.time.Clock;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * One check of the release channel, top to bottom: fetch the manifest (conditionally), verify its
 * signature before reading anything in it, parse it, refuse a replayed older manifest, let the
 * version policy decide, and stage the release when it says install. Fails closed: any error on
 * the way means nothing is staged.
 */
public final class UpdateCheck {
    private static final Logger LOG = System.getLogger("updater");

    /** What the check needs that stays the same from one check to the next. */
    public record Settings(URI manifestUri, List<TrustedKey> keys, boolean allowUnsigned, ReleaseVersion running,
                           String hostId, PolicyOptions options, Platform platform) {
    }

    private final Settings settings;
    private final UpdateHome home;
    private final ManifestFetcher fetcher;
    private final ReleaseStager stager;
    private final Clock clock;

    private Validators validators = Validators.NONE;
    private Manifest lastManifest;
    private final Set<String> announced = new HashSet<>();

    public UpdateCheck(Settings settings, UpdateHome home, ManifestFetcher fetcher,
                       dev.updater.core.download.Downloader downloader, Clock clock) {
        this.settings = settings;
        this.home = home;
        this.fetcher = fetcher;
        this.stager = new ReleaseStager(home, downloader, clock);
        this.clock = clock;
    }

    public CheckResult run() {
        String latestSeen = lastManifest == null ? null : lastManifest.version().toString();
        try {
            Manifest manifest = fetchVerifiedManifest();
            latestSeen = manifest.version().toString();
            return decideAndStage(manifest);
        } catch (UpdaterException e) {
            return CheckResult.failed(e, latestSeen, stagedVersion());
        }
    }

    /** Steps 1–3: fetch, verify the signature, parse. A 304 reuses the manifest verified before. */
    private Manifest fetchVerifiedManifest() throws UpdaterException {
        ManifestFetcher.Result result = fetcher.fetch(settings.manifestUri(),
                lastManifest == null ? Validators.NONE : validators);
        if (result instanceof ManifestFetcher.NotModified && lastManifest != null) {
            return lastManifest;
        }
        if (!(result instanceof ManifestFetcher.Fetched fetched)) {
            throw new UpdaterException(ErrorCode.HTTP_STATUS, "The server answered 304 Not Modified to an"
                    + " unconditional request for " + settings.manifestUri() + "; fix the server.");
        }
        String source = settings.manifestUri().toString();
        if (settings.allowUnsigned() && settings.keys().isEmpty()) {
            LOG.log(Level.WARNING, "insecure-allow-unsigned=true: manifest " + source + " is used without checking"
                    + " any signature. Never run this way in production.");
        } else if (settings.allowUnsigned() && fetched.signatureOrNull() == null) {
            LOG.log(Level.WARNING, "insecure-allow-unsigned=true: manifest " + source + " has no signature and is"
                    + " used anyway. Never run this way in production.");
        } else {
            ManifestSignatures.verify(fetched.manifest(), fetched.signatureOrNull(), settings.keys(), source);
        }
        Manifest manifest = ManifestParser.parse(fetched.manifest(), source);
        validators = fetched.validators();
        lastManifest = manifest;
        return manifest;
    }

    /** Steps 4–6: refuse replays, decide, stage. */
    private CheckResult decideAndStage(Manifest manifest) throws UpdaterException {
        ReleaseVersion accepted = highestAccepted();
        Decision decision = UpdatePolicy.decide(new PolicyInput(settings.running(), manifest, settings.hostId(),
                clock.instant(), accepted, quarantined(), settings.options()));
        if (isAuthenticChannelState(decision) && (accepted == null || manifest.version().isNewerThan(accepted))) {
            JsonRecords.write(home.acceptedRecord(),
                    new AcceptedVersion(manifest.version().toString(), clock.instant()));
        }
        String latest = manifest.version().toString();
        if (decision instanceof Decision.Refused refused) {
            if (refused.reason() == Decision.Reason.EXPIRED || refused.reason() == Decision.Reason.OLDER_THAN_ACCEPTED) {
                throw new UpdaterException(refused.reason() == Decision.Reason.EXPIRED
                        ? ErrorCode.MANIFEST_EXPIRED : ErrorCode.VERSION_INVALID, refused.message());
            }
            announceOnce("refused " + latest + refused.reason(), Level.INFO, refused.message());
            return new CheckResult(refused.message(), latest, stagedVersion(), null);
        }
        if (decision instanceof Decision.UpToDate upToDate) {
            return new CheckResult(upToDate.message(), latest, stagedVersion(), null);
        }
        Decision.Install install = (Decision.Install) decision;
        Artifact artifact = manifest.artifactFor(settings.platform());
        String key = manifest.binaries().containsKey(settings.platform().key())
                ? settings.platform().key() : PlatformKeys.ANY;
        if (!stager.isStaged(latest, artifact)) {
            LOG.log(Level.INFO, install.message() + " Downloading " + artifact.size() + " bytes.");
            stager.stage(manifest, key, artifact, settings.manifestUri(), install);
            LOG.log(Level.INFO, "Staged " + latest + " in " + home.release(latest)
                    + (install.needsApproval() ? "" : "; the sidecar installs it per its apply policy."));
        }
        if (install.needsApproval()) {
            announceOnce("approval " + latest, Level.WARNING, install.message());
            return new CheckResult("staged " + latest + ", waiting for apply", latest, latest, null);
        }
        return new CheckResult("staged " + latest, latest, latest, null);
    }

    /** A manifest that is signed, unexpired and not a replay moves the highest accepted version. */
    private static boolean isAuthenticChannelState(Decision decision) {
        return !(decision instanceof Decision.Refused refused
                && (refused.reason() == Decision.Reason.EXPIRED
                || refused.reason() == Decision.Reason.OLDER_THAN_ACCEPTED));
    }

    private ReleaseVersion highestAccepted() throws UpdaterException {
        Optional<AcceptedVersion> accepted = JsonRecords.read(home.acceptedRecord(), AcceptedVersion.class);
        return accepted.map(a -> ReleaseVersion.tryParse(a.version())).orElse(null);
    }

    private Set<ReleaseVersion> quarantined() throws UpdaterException {
        Set<ReleaseVersion> versions = new HashSet<>();
        JsonRecords.read(home.quarantine(), Quarantine.class).ifPresent(q -> q.versions().forEach(e -> {
            ReleaseVersion v = ReleaseVersion.tryParse(e.version());
            if (v != null) {
                versions.add(v);
            }
        }));
        return versions;
    }

    private String stagedVersion() {
        try {
            return JsonRecords.read(home.stagedRecord(), StagedRelease.class).map(StagedRelease::version).orElse(null);
        } catch (UpdaterException e) {
            return null;
        }
    }

    private void announceOnce(String key, Level level, String message) {
        if (announced.add(key)) {
            LOG.log(level, message);
            try {
                History.append(home.history(), new HistoryEvent(clock.instant(), "checked",
                        lastManifest == null ? null : lastManifest.version().toString(), null, message));
            } catch (UpdaterException e) {
                LOG.log(Level.DEBUG, "could not append to the history: " + e.getMessage());
            }
        }
    }
}
