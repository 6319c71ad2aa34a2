package dev.updater.sidecar.channel;

import dev.updater.core.ErrorCode;
import dev.updater.core.UpdaterException;
import dev.updater.core.manifest.Manifest;
import dev.updater.core.manifest.ManifestParser;
import dev.updater.core.manifest.ManifestWriter;
import dev.updater.core.manifest.Rollout;
import dev.updater.core.signature.Ed25519Keys;
import dev.updater.core.signature.TrustedKey;
import dev.updater.core.version.ReleaseVersion;

import java.nio.file.Path;
import java.security.PrivateKey;

/**
 * The kill switch (DESIGN §11): re-signs the release a channel offers with {@code rollout.halted}
 * and {@code rollout.percent} 0, changing nothing else. Hosts that have not installed it do not; an
 * agent that staged it drops the staged copy; hosts that installed it keep it (a fleet-wide revert is
 * a new version, {@link ReleasePromoter#revert}). Agents see the halt at their next poll.
 *
 * <p>The steps: refuse a key inside the channel, read {@code manifest.json} and its signature, verify
 * it with the public half of the key (only what this key signed is re-signed), check the operator
 * names the release the channel offers, rewrite the rollout, check nothing else changed, sign, write
 * (signature first) and read back.
 *
 * <pre>{@code
 * new ReleaseHalter().halt(Path.of("channel/stable"), Path.of("keys/updater.key"), ReleaseVersion.parse("1.3.0"));
 * }</pre>
 */
public final class ReleaseHalter {
    static final String NOTHING_HALTED = "Nothing was halted";

    /**
     * What was written.
     *
     * @param alreadyHalted true when the manifest was halted before: nothing was written
     */
    public record Result(Manifest manifest, boolean alreadyHalted, Path manifestFile, TrustedKey signedBy) {
    }

    public Result halt(Path channel, Path keyFile, ReleaseVersion version) throws UpdaterException {
        PrivateKeyFiles.refuseInsideChannel(keyFile, channel, NOTHING_HALTED);
        Path manifestFile = channel.resolve(Publisher.MANIFEST_FILE);
        byte[] signed = ReleaseResigner.readManifest(manifestFile, NOTHING_HALTED);
        byte[] signature = ReleaseResigner.readSignature(channel.resolve(Publisher.SIGNATURE_FILE), manifestFile,
                NOTHING_HALTED);
        PrivateKey key = KeyFiles.readPrivateKey(keyFile);
        TrustedKey signer = TrustedKey.of(Ed25519Keys.publicKeyOf(key));
        ReleaseResigner.checkSignedBy(signed, signature, signer, manifestFile, keyFile, NOTHING_HALTED);

        Manifest current = ManifestParser.parse(signed, manifestFile.toString());
        if (!current.version().equals(version)) {
            // Threat: an operator in an incident halting the wrong channel, or a release already replaced.
            throw new UpdaterException(ErrorCode.VERSION_INVALID, NOTHING_HALTED + ": " + manifestFile + " offers "
                    + current.version() + ", not " + version + ". A halt stops the release a channel offers now; check"
                    + " --out and --channel. Hosts that installed " + version + " keep it: to move them off it,"
                    + " publish a newer version with 'publish --revert-to OLD --version NEW'.");
        }
        if (current.rollout() != null && current.rollout().halted()) {
            return new Result(current, true, manifestFile, signer);
        }
        byte[] halted = ManifestWriter.withHalted(signed, manifestFile.toString());
        Manifest after = ManifestParser.parse(halted, manifestFile.toString());
        Rollout rollout = current.rollout() == null ? new Rollout(100).halt() : current.rollout().halt();
        Manifest expected = new Manifest(current.version(), current.releaseDate(), current.binaries(),
                current.changelog(), current.minVersion(), current.breakingChanges(), current.expires(), rollout);
        if (!after.equals(expected)) {
            throw new UpdaterException(ErrorCode.INTERNAL_ERROR, NOTHING_HALTED + ": halting " + manifestFile
                    + " changed another field, a bug in updater; please report it.");
        }
        SignedFiles.write(manifestFile, halted, key, signer);
        return new Result(after, false, manifestFile, signer);
    }
}
