package dev.updater.sidecar.channel;

import dev.updater.core.text.HumanUnits;
import dev.updater.core.ErrorCode;
import dev.updater.core.UpdaterException;
import dev.updater.core.manifest.Manifest;
import dev.updater.core.manifest.ManifestParser;
import dev.updater.core.manifest.ManifestWriter;
import dev.updater.core.signature.Ed25519Keys;
import dev.updater.core.signature.ManifestSignatures;
import dev.updater.core.signature.TrustedKey;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.time.Clock;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;

/**
 * Re-signs the release a channel offers with a fresh expiry and changes nothing else: same
 * version, same fields (unknown ones included), same artifacts, byte for byte. A host that
 * accepted the release before accepts it again (same version, same artifact hash); a frozen or
 * replayed channel still runs out at its expiry. Release teams run it on a schedule.
 *
 * <p>The steps: refuse a key inside the channel, read {@code manifest.json} and its signature,
 * verify that signature with the public half of the given key, set {@code expires} to now plus
 * {@code expiresIn}, check that nothing else changed, sign, write (signature first) and read back.
 *
 * <pre>{@code
 * new ReleaseResigner(Clock.systemUTC()).resign(Path.of("channel"), Path.of("keys/updater.key"), Duration.ofDays(30));
 * }</pre>
 */
public final class ReleaseResigner {
    static final String NOTHING_RESIGNED = "Nothing was re-signed";

    private final Clock clock;

    public ReleaseResigner(Clock clock) {
        this.clock = clock;
    }

    /**
     * What was written, for the summary.
     *
     * @param previousExpires the expiry it had, or null for none
     */
    public record Result(Manifest manifest, Instant previousExpires, Path manifestFile, Path signatureFile,
                         TrustedKey signedBy) {
    }

    public Result resign(Path channel, Path keyFile, Duration expiresIn) throws UpdaterException {
        Instant expires = expiry(expiresIn);
        PrivateKeyFiles.refuseInsideChannel(keyFile, channel, NOTHING_RESIGNED);
        Path manifestFile = channel.resolve(Publisher.MANIFEST_FILE);
        Path signatureFile = channel.resolve(Publisher.SIGNATURE_FILE);
        byte[] signed = readManifest(manifestFile, NOTHING_RESIGNED);
        byte[] signature = readSignature(signatureFile, manifestFile, NOTHING_RESIGNED);
        PrivateKey key = KeyFiles.readPrivateKey(keyFile);
        TrustedKey signer = TrustedKey.of(Ed25519Keys.publicKeyOf(key));
        checkSignedBy(signed, signature, signer, manifestFile, keyFile, NOTHING_RESIGNED);

        Manifest current = ManifestParser.parse(signed, manifestFile.toString());
        byte[] renewed = ManifestWriter.withExpires(signed, expires, manifestFile.toString());
        Manifest after = ManifestParser.parse(renewed, manifestFile.toString());
        Manifest expected = new Manifest(current.version(), current.releaseDate(), current.binaries(),
                current.changelog(), current.minVersion(), current.breakingChanges(), expires, current.rollout());
        if (!after.equals(expected)) {
            throw new UpdaterException(ErrorCode.INTERNAL_ERROR, NOTHING_RESIGNED + ": re-writing the expiry of "
                    + manifestFile + " changed another field, a bug in updater; please report it.");
        }
        SignedFiles.write(manifestFile, renewed, key, signer);
        return new Result(after, current.expires(), manifestFile, signatureFile, signer);
    }

    /** Now plus {@code expiresIn}; refuses a duration that is not positive or runs past what an Instant holds. */
    private Instant expiry(Duration expiresIn) throws UpdaterException {
        if (expiresIn.isZero() || expiresIn.isNegative()) {
            throw new UpdaterException(ErrorCode.MANIFEST_INVALID, NOTHING_RESIGNED
                    + ": --expires-in must be longer than zero.");
        }
        try {
            return clock.instant().truncatedTo(ChronoUnit.SECONDS).plus(expiresIn);
        } catch (DateTimeException | ArithmeticException e) {
            throw new UpdaterException(ErrorCode.MANIFEST_INVALID, NOTHING_RESIGNED + ": --expires-in "
                    + HumanUnits.setting(expiresIn) + " is too long; give a shorter one.", e);
        }
    }

    /**
     * Threat: a manifest changed on the server by someone without the key (other artifact hashes, a
     * lower version), which a scheduled re-sign would otherwise turn into a validly signed release.
     * Only what this very key signed is re-signed.
     */
    static void checkSignedBy(byte[] manifest, byte[] signature, TrustedKey signer, Path manifestFile,
                              Path keyFile, String nothingDone) throws UpdaterException {
        try {
            ManifestSignatures.verify(manifest, signature, List.of(signer), manifestFile.toString());
        } catch (UpdaterException e) {
            throw new UpdaterException(e.code(), nothingDone + ": " + manifestFile + " does not carry a valid"
                    + " signature by key " + signer.id() + " (the public half of " + keyFile + "): it was changed"
                    + " after signing, or signed with another key. Re-sign only what this key signed: check the"
                    + " channel, then publish the release again.", e);
        }
    }

    /** The channel's manifest.json, or why there is none to work on. */
    static byte[] readManifest(Path manifestFile, String nothingDone) throws UpdaterException {
        return read(manifestFile, ErrorCode.IO, "there is no " + manifestFile + "; publish a release first with"
                + " 'updater-sidecar publish --version V --artifact KEY=PATH'", nothingDone);
    }

    static byte[] readSignature(Path signatureFile, Path manifestFile, String nothingDone) throws UpdaterException {
        return read(signatureFile, ErrorCode.SIGNATURE_MISSING, signatureFile + " is missing, so nothing shows that "
                + manifestFile + " is what was published; check the channel, then publish the release again", nothingDone);
    }

    private static byte[] read(Path file, ErrorCode whenMissingCode, String whenMissing, String nothingDone)
            throws UpdaterException {
        try {
            return Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new UpdaterException(whenMissingCode, nothingDone + ": " + whenMissing + ".", e);
        } catch (IOException e) {
            throw new UpdaterException(ErrorCode.IO, nothingDone + ": could not read " + file + ": " + e + ".", e);
        }
    }
}
