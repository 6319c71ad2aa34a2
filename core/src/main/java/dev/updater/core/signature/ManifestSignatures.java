package dev.updater.core.signature;

import dev.updater.core.ErrorCode;
import dev.updater.core.UpdaterException;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.Signature;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * Signs and verifies the exact bytes of {@code manifest.json}. The signature file
 * ({@code manifest.json.sig}) holds the Base64 of the raw 64-byte Ed25519 signature, the same bytes
 * that {@code openssl pkeyutl -sign -rawin} writes, so either tool can check the other's work.
 */
public final class ManifestSignatures {
    private static final String ALGORITHM = "Ed25519";
    private static final int SIGNATURE_BYTES = 64;

    private ManifestSignatures() {
    }

    /** The signature file's content for {@code data}: Base64 and a newline. */
    public static byte[] sign(byte[] data, PrivateKey key) throws UpdaterException {
        try {
            Signature signer = Signature.getInstance(ALGORITHM);
            signer.initSign(key);
            signer.update(data);
            String text = Base64.getEncoder().encodeToString(signer.sign()) + "\n";
            return text.getBytes(StandardCharsets.US_ASCII);
        } catch (GeneralSecurityException e) {
            throw new UpdaterException(ErrorCode.KEY_MALFORMED,
                    "Could not sign with this key (" + e.getMessage() + "); it must be an Ed25519 private key.", e);
        }
    }

    /**
     * Checks that {@code signatureFile} is a valid signature of {@code data} by one of {@code trusted}.
     * Fails closed: any error while checking means "not verified".
     *
     * @param source where the manifest came from, named in error messages
     * @return the key that verified, for the log ("signed by key 3f2a…")
     * @throws UpdaterException {@code SIGNATURE_MISSING}, {@code SIGNATURE_MALFORMED} or
     *     {@code SIGNATURE_INVALID}
     */
    public static TrustedKey verify(byte[] data, byte[] signatureFile, List<TrustedKey> trusted, String source)
            throws UpdaterException {
        return verify(data, signatureFile, trusted, List.of(), source);
    }

    /**
     * As {@link #verify(byte[], byte[], List, String)}; when no trusted key verifies, {@code known} keys
     * (never trusted: the host's channel.json, an operator's other keys) are tried only to name the key
     * that did sign, so the operator sees both sides of a key mix-up.
     */
    public static TrustedKey verify(byte[] data, byte[] signatureFile, List<TrustedKey> trusted, List<TrustedKey> known,
                                    String source) throws UpdaterException {
        if (signatureFile == null || signatureFile.length == 0) {
            throw new UpdaterException(ErrorCode.SIGNATURE_MISSING, "Manifest " + source
                    + " has no signature (" + source + ".sig); publish it with 'updater-sidecar publish', or"
                    + " set insecure-allow-unsigned=true only for testing.");
        }
        byte[] raw = decode(signatureFile, source);
        if (trusted.isEmpty()) {
            throw new UpdaterException(ErrorCode.SIGNATURE_INVALID, "No trusted key is configured to check manifest "
                    + source + "; set key=ed25519:… to the publisher's public key.");
        }
        for (TrustedKey key : trusted) {
            if (verifies(data, raw, key)) {
                return key;
            }
        }
        List<String> ids = new ArrayList<>();
        trusted.forEach(key -> ids.add(key.id()));
        String trustedIds = String.join(", ", ids);
        for (TrustedKey key : known) {
            if (!ids.contains(key.id()) && verifies(data, raw, key)) {
                throw new UpdaterException(ErrorCode.SIGNATURE_INVALID, "The signature of manifest " + source
                        + " does not match any trusted key (" + trustedIds + "): it was signed by key " + key.id()
                        + " (" + key.text() + "), which is known here but not trusted. If that is the publisher's key,"
                        + " trust it (key=" + key.text() + "); otherwise re-sign the release with a trusted key."
                        + " Nothing was installed.");
            }
        }
        throw new UpdaterException(ErrorCode.SIGNATURE_INVALID, "The signature of manifest " + source
                + " does not match any trusted key (" + trustedIds + "): the manifest was changed after"
                + " signing or signed by a key this host does not trust. Nothing was installed.");
    }

    private static boolean verifies(byte[] data, byte[] raw, TrustedKey key) {
        try {
            Signature verifier = Signature.getInstance(ALGORITHM);
            verifier.initVerify(key.key());
            verifier.update(data);
            return verifier.verify(raw);
        } catch (GeneralSecurityException | RuntimeException e) {
            return false;
        }
    }

    static byte[] decode(byte[] signatureFile, String source) throws UpdaterException {
        String text = new String(signatureFile, StandardCharsets.US_ASCII).strip();
        byte[] raw;
        try {
            raw = Base64.getDecoder().decode(text);
        } catch (IllegalArgumentException e) {
            throw new UpdaterException(ErrorCode.SIGNATURE_MALFORMED, "The signature of manifest " + source
                    + " is not Base64 (" + e.getMessage() + "); re-publish the release.", e);
        }
        if (raw.length != SIGNATURE_BYTES) {
            throw new UpdaterException(ErrorCode.SIGNATURE_MALFORMED, "The signature of manifest " + source
                    + " is " + raw.length + " bytes, not the 64 of an Ed25519 signature; it is truncated or not"
                    + " an Ed25519 signature. Re-publish the release.");
        }
        return raw;
    }
}
