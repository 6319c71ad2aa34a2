package dev.updater.core.check;

import dev.updater.core.ErrorCode;
import dev.updater.core.UpdaterException;
import dev.updater.core.download.ManifestFetcher;
import dev.updater.core.download.MirrorFailover;
import dev.updater.core.download.Validators;
import dev.updater.core.home.AcceptedVersion;
import dev.updater.core.home.UpdateHome;
import dev.updater.core.manifest.Manifest;
import dev.updater.core.manifest.ManifestParser;
import dev.updater.core.platform.Platform;
import dev.updater.core.policy.Decision;
import dev.updater.core.policy.PolicyInput;
import dev.updater.core.policy.PolicyOptions;
import dev.updater.core.policy.UpdatePolicy;
import dev.updater.core.signature.Ed25519Keys;
import dev.updater.core.signature.ManifestSignatures;
import dev.updater.core.signature.TrustedKey;
import dev.updater.core.version.ReleaseVersion;

import java.net.URI;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * One check of a release channel, as the agent and an operator's {@code check}/{@code apply} do it:
 * fetch the manifest (conditionally), verify its signature before reading anything in it, parse
 * it, refuse a replayed older manifest, and let the version policy decide. Fails closed: any error
 * on the way is an exception, and nothing is decided.
 *
 * <pre>{@code
 * ReleaseCheck check = new ReleaseCheck(settings, home, new ManifestFetcher(options), clock, log::warn);
 * ReleaseCheck.Found found = check.check();
 * if (found.decision() instanceof Decision.Install install) { stager.stage(...); }
 * }</pre>
 *
 * Keeps the last verified manifest and its validators, so a {@code 304} costs no parsing.
 */
public final class ReleaseCheck {

    /** What stays the same from one check to the next. */
    public record Settings(URI manifestUri, List<TrustedKey> keys, boolean allowUnsigned, ReleaseVersion running,
                           String hostId, PolicyOptions options, Platform platform) {
        public Settings {
            keys = List.copyOf(keys);
        }
    }

    /**
     * A verified manifest and the decision about it.
     *
     * @param source the manifest URL that served it (one of several mirrors), against which its relative URLs resolve
     */
    public record Found(Manifest manifest, Decision decision, URI source) {
    }

    /** What one manifest URL served last, verified, and the validators to poll it with. */
    private record Verified(Manifest manifest, Validators validators, TrustedKey signerOrNull) {
    }

    private final Settings settings;
    private final UpdateHome home;
    private final ManifestFetcher fetcher;
    private final Clock clock;
    private final Consumer<String> warnings;

    private final List<URI> manifestUris;
    private final MirrorFailover mirrors;
    private final Map<URI, Verified> verified = new HashMap<>();
    private Manifest lastManifest;

    /** @param warnings receives warnings that do not stop the check (an unsigned manifest allowed by the operator) */
    public ReleaseCheck(Settings settings, UpdateHome home, ManifestFetcher fetcher, Clock clock,
                        Consumer<String> warnings) {
        this(settings, List.of(), new MirrorFailover(settings.hostId() == null ? "" : settings.hostId()), home, fetcher,
                clock, warnings);
    }

    /**
     * A check of a channel served at several URLs ({@code manifest=URL1|URL2}, DESIGN §11): each check tries
     * them in {@code mirrors}' order until one yields a verified, acceptable manifest, and polls each with
     * its own validators.
     *
     * @param moreManifestUris mirrors of {@code settings.manifestUri()}, serving the same signed bytes
     */
    public ReleaseCheck(Settings settings, List<URI> moreManifestUris, MirrorFailover mirrors, UpdateHome home,
                        ManifestFetcher fetcher, Clock clock, Consumer<String> warnings) {
        this.settings = settings;
        List<URI> uris = new ArrayList<>();
        uris.add(settings.manifestUri());
        uris.addAll(moreManifestUris);
        this.manifestUris = List.copyOf(uris);
        this.mirrors = mirrors;
        this.home = home;
        this.fetcher = fetcher;
        this.clock = clock;
        this.warnings = warnings;
    }

    public Settings settings() {
        return settings;
    }

    /** The version of the last verified manifest, or null before the first. */
    public ReleaseVersion lastSeen() {
        return lastManifest == null ? null : lastManifest.version();
    }

    /**
     * Checks the channel.
     *
     * @throws UpdaterException for any failure, and for a manifest that is expired
     *     ({@code MANIFEST_EXPIRED}), older than one this home accepted, installed or staged before
     *     ({@code VERSION_INVALID}), or a version accepted before with other bytes ({@code RELEASE_CHANGED});
     *     an unusable {@code accepted.json} stops the check ({@code RECORD_MALFORMED}, {@code IO})
     */
    public Found check() throws UpdaterException {
        // A mirror that fails, lies, lags behind what this home accepted or replays an old manifest costs
        // one try: the next mirror is asked, and the error is reported only when all fail.
        return mirrors.tryInOrder(manifestUris, "the manifest", this::checkAt);
    }

    private Found checkAt(URI manifestUri) throws UpdaterException {
        Verified current = fetchVerifiedManifest(manifestUri);
        Manifest manifest = current.manifest();
        lastManifest = manifest;
        AcceptedReleases accepted = AcceptedReleases.read(home);
        Decision decision = UpdatePolicy.decide(new PolicyInput(settings.running(), manifest, settings.hostId(),
                clock.instant(), accepted.highest(settings.running()), quarantined(), settings.options()));
        if (decision instanceof Decision.Refused refused && refused.reason() == Decision.Reason.EXPIRED) {
            throw new UpdaterException(ErrorCode.MANIFEST_EXPIRED, refused.message());
        }
        if (decision instanceof Decision.Refused refused && refused.reason() == Decision.Reason.OLDER_THAN_ACCEPTED) {
            throw new UpdaterException(ErrorCode.VERSION_INVALID, refused.message());
        }
        accepted.refuseOtherBytes(manifest);
        // A signed, unexpired manifest that is no replay moves the highest accepted version.
        accepted.remember(home, manifest, clock.instant(), current.signerOrNull() == null ? null : current.signerOrNull().text());
        return new Found(manifest, decision, manifestUri);
    }

    /** Fetch, verify, parse; a 304 reuses the manifest verified before from the same URL. */
    private Verified fetchVerifiedManifest(URI manifestUri) throws UpdaterException {
        Verified before = verified.get(manifestUri);
        ManifestFetcher.Result result = fetcher.fetch(manifestUri, before == null ? Validators.NONE : before.validators());
        if (result instanceof ManifestFetcher.NotModified && before != null) {
            return before;
        }
        if (!(result instanceof ManifestFetcher.Fetched fetched)) {
            throw new UpdaterException(ErrorCode.HTTP_STATUS, "The server answered 304 Not Modified to an"
                    + " unconditional request for " + manifestUri + "; fix the server.");
        }
        String source = manifestUri.toString();
        TrustedKey signer = null;
        if (settings.allowUnsigned() && settings.keys().isEmpty()) {
            warnings.accept("insecure-allow-unsigned=true: manifest " + source + " is used without checking any"
                    + " signature. Never run this way in production.");
        } else if (settings.allowUnsigned() && fetched.signatureOrNull() == null) {
            warnings.accept("insecure-allow-unsigned=true: manifest " + source + " has no signature and is used"
                    + " anyway. Never run this way in production.");
        } else {
            signer = ManifestSignatures.verify(fetched.manifest(), fetched.signatureOrNull(), settings.keys(),
                    knownKeys(), source);
        }
        Verified now = new Verified(ManifestParser.parse(fetched.manifest(), source), fetched.validators(), signer);
        verified.put(manifestUri, now);
        return now;
    }

    /**
     * Keys known here besides the trusted ones, tried only to name the signer when the trusted keys fail
     * (a {@code key=} changed to the wrong key): the key that signed the manifest this home accepted last,
     * and the keys channel.json names. Never trusted.
     */
    private List<TrustedKey> knownKeys() {
        List<String> texts = new ArrayList<>();
        home.acceptedRecord().readQuietly().map(AcceptedVersion::signedBy).ifPresent(texts::add);
        home.channelRecord().readQuietly().ifPresent(channel -> texts.addAll(
                channel.trustedKeys() == null ? List.of() : channel.trustedKeys()));
        List<TrustedKey> known = new ArrayList<>();
        for (String text : texts) {
            try {
                known.add(TrustedKey.of(Ed25519Keys.parsePublicKey(text)));
            } catch (UpdaterException e) {
                // a key that does not parse names no signer
            }
        }
        return known;
    }

    private Set<ReleaseVersion> quarantined() throws UpdaterException {
        Set<ReleaseVersion> versions = new HashSet<>();
        home.quarantineList().read().ifPresent(q -> q.versions().forEach(e -> versions.add(e.version())));
        return versions;
    }
}
