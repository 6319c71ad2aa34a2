package dev.updater.core.signature;

import dev.updater.core.Sha256;

import java.security.PublicKey;
import java.util.Objects;

/**
 * An Ed25519 public key that signs releases, with a short id for messages and logs: the first 16
 * hex digits of the SHA-256 of its SubjectPublicKeyInfo DER (the same for the key's every form).
 */
public record TrustedKey(String id, PublicKey key) {
    public TrustedKey {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(key, "key");
    }

    public static TrustedKey of(PublicKey key) {
        return new TrustedKey(Sha256.ofBytes(key.getEncoded()).hex().substring(0, 16), key);
    }

    /** The key in the agent's {@code key=} form: {@code ed25519:<Base64 SPKI DER>}. */
    public String text() {
        return Ed25519Keys.toText(key);
    }
}
