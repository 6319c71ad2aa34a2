package dev.updater.core.home;

import dev.updater.core.Sha256;
import dev.updater.core.version.ReleaseVersion;

import java.time.Instant;
import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code accepted.json}: the highest manifest version this home ever accepted, and the SHA-256 of
 * each artifact that manifest listed. Manifests offering less are refused even when validly signed,
 * so an attacker cannot replay an old signed manifest (the TUF rollback rule); the same version
 * offered with other bytes is refused too, so a release cannot be swapped under a number a host
 * already accepted.
 *
 * <p>Records written before the hashes were kept hold only {@code version}; they are read as such
 * and complete at the next accepted manifest of that version. An invalid record cannot be read:
 * a version that is not a semantic version must stop the check, not switch the protection off.
 *
 * @param version the highest accepted version
 * @param artifacts SHA-256 of each artifact of that version, by platform key ({@code any},
 *     {@code linux-x64}, …); empty in a record of the old format
 * @param acceptedAt when it was accepted
 * @param signedBy the public key ({@code ed25519:…}) that signed that manifest, or null (an older record,
 *     an unsigned channel); used only to name the signer when a later manifest fails the trusted keys,
 *     never to trust anything
 */
public record AcceptedVersion(ReleaseVersion version, Map<String, Sha256> artifacts, Instant acceptedAt,
                              String signedBy) {
    /** A record that does not say which key signed. */
    public AcceptedVersion(ReleaseVersion version, Map<String, Sha256> artifacts, Instant acceptedAt) {
        this(version, artifacts, acceptedAt, null);
    }

    public AcceptedVersion {
        if (version == null) {
            throw new IllegalArgumentException("it has no \"version\"");
        }
        TreeMap<String, Sha256> sorted = new TreeMap<>();
        if (artifacts != null) {
            for (Map.Entry<String, Sha256> artifact : artifacts.entrySet()) {
                if (artifact.getValue() == null) {
                    throw new IllegalArgumentException("its SHA-256 of artifact \"" + artifact.getKey()
                            + "\" is missing");
                }
                sorted.put(artifact.getKey(), artifact.getValue());
            }
        }
        artifacts = Collections.unmodifiableMap(sorted);
    }
}
