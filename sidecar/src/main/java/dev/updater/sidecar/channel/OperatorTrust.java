package dev.updater.sidecar.channel;

import dev.updater.core.ErrorCode;
import dev.updater.core.UpdaterException;
import dev.updater.core.home.ChannelSettings;
import dev.updater.core.signature.Ed25519Keys;
import dev.updater.core.signature.TrustedKey;

import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * What the operator trusts when {@code check} and {@code apply} check the channel: the keys and
 * insecure flags of their own command line. Threat: {@code channel.json} is written by the host
 * process; if its keys and {@code insecure-*} flags were taken as they are, a compromised app could
 * add its own key (or turn signatures off) and have an operator's {@code apply} download and install
 * its release. So {@code channel.json} may name the manifest URL and the policy options, never more
 * trust: one that lists a key the operator did not give, or sets an insecure flag the operator did
 * not pass, is refused, saying which option to pass.
 *
 * @param keys the keys given with {@code --key} and {@code --keyfile}
 * @param manifest {@code --manifest}, or null to take the URL from {@code channel.json}
 * @param insecureAllowHttp {@code --insecure-allow-http}
 * @param insecureAllowUnsigned {@code --insecure-allow-unsigned}
 */
public record OperatorTrust(List<TrustedKey> keys, URI manifest, boolean insecureAllowHttp,
                            boolean insecureAllowUnsigned) {
    public OperatorTrust {
        keys = List.copyOf(Objects.requireNonNull(keys, "keys"));
    }

    /**
     * The manifest URL to check, once {@code recorded} (read from {@code record}) asks for no more
     * trust than this.
     *
     * @throws UpdaterException {@code CHANNEL_UNTRUSTED} naming the key or flag and the option to pass
     */
    URI manifestFor(ChannelSettings recorded, Path record) throws UpdaterException {
        if (recorded.insecureAllowUnsigned() && !insecureAllowUnsigned) {
            throw widens(record, "sets insecure-allow-unsigned", "Pass --insecure-allow-unsigned if you mean to"
                    + " accept manifests without a signature.");
        }
        if (recorded.insecureAllowHttp() && !insecureAllowHttp) {
            throw widens(record, "sets insecure-allow-http", "Pass --insecure-allow-http if you mean to allow plain"
                    + " HTTP to hosts other than loopback.");
        }
        List<String> notGiven = new ArrayList<>();
        for (String text : recorded.trustedKeys() == null ? List.<String>of() : recorded.trustedKeys()) {
            if (!given(text)) {
                notGiven.add(text);
            }
        }
        if (!notGiven.isEmpty()) {
            throw widens(record, "trusts " + String.join(", ", notGiven) + (keys.isEmpty() ? ", and no key was given"
                    : ", which was not given"), "Check that it is the key your releases are signed with, then pass"
                    + " --key " + notGiven.get(0) + " (or --keyfile FILE).");
        }
        if (keys.isEmpty() && !insecureAllowUnsigned) {
            throw new UpdaterException(ErrorCode.CHANNEL_UNTRUSTED, "No key to check the manifest's signature with:"
                    + " pass the public key your releases are signed with, --key ed25519:... (the agent's key=) or"
                    + " --keyfile FILE.");
        }
        return manifest != null ? manifest : URI.create(recorded.manifestUrl());
    }

    /**
     * The mirrors of {@link #manifestFor}'s URL: the other manifest URLs the agent recorded
     * ({@code manifest=URL1|URL2}), none when the operator named one with {@code --manifest}.
     */
    List<URI> manifestMirrorsFor(ChannelSettings recorded) {
        if (manifest != null) {
            return List.of();
        }
        return recorded.allManifestUrls().stream().skip(1).map(URI::create).toList();
    }

    private boolean given(String text) {
        try {
            TrustedKey recorded = TrustedKey.of(Ed25519Keys.parsePublicKey(text));
            return keys.stream().anyMatch(k -> k.id().equals(recorded.id()));
        } catch (UpdaterException e) {
            return false; // not a key at all: certainly not one the operator gave
        }
    }

    private static UpdaterException widens(Path record, String what, String remedy) {
        return new UpdaterException(ErrorCode.CHANNEL_UNTRUSTED, record + " " + what + "; it is written by the host,"
                + " and check and apply take trusted keys and insecure settings only from their own options. "
                + remedy);
    }
}
