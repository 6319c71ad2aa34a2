package dev.updater.core.home;

import java.time.Instant;
import java.util.List;

/**
 * {@code channel.json}: how the agent checks the release channel, written at each agent start, so
 * that an operator's {@code updater-sidecar check} and {@code apply} check it exactly as the host
 * would (same URL, same trusted keys, same policy options). Public keys only: nothing secret.
 *
 * @param manifestUrl the first configured manifest URL (what agents before mirrors recorded alone)
 * @param trustedKeys the trusted public keys, as {@code ed25519:…} text
 * @param hostId the host's rollout id
 * @param allowPrerelease the agent's {@code allow-prerelease}
 * @param allowBreaking the agent's {@code allow-breaking}
 * @param insecureAllowHttp the agent's {@code insecure-allow-http}
 * @param insecureAllowUnsigned the agent's {@code insecure-allow-unsigned}
 * @param writtenAt when the agent wrote it
 * @param manifestUrls every configured manifest URL ({@code manifest=URL1|URL2}, DESIGN §11), the first one
 *     first; absent in records of older agents, where {@link #manifestUrl} is the only one
 */
public record ChannelSettings(
        String manifestUrl,
        List<String> trustedKeys,
        String hostId,
        boolean allowPrerelease,
        boolean allowBreaking,
        boolean insecureAllowHttp,
        boolean insecureAllowUnsigned,
        Instant writtenAt,
        List<String> manifestUrls) {

    public ChannelSettings {
        manifestUrls = manifestUrls == null ? null : List.copyOf(manifestUrls);
    }

    /** A record of one manifest URL. */
    public ChannelSettings(String manifestUrl, List<String> trustedKeys, String hostId, boolean allowPrerelease,
                           boolean allowBreaking, boolean insecureAllowHttp, boolean insecureAllowUnsigned,
                           Instant writtenAt) {
        this(manifestUrl, trustedKeys, hostId, allowPrerelease, allowBreaking, insecureAllowHttp, insecureAllowUnsigned,
                writtenAt, manifestUrl == null ? null : List.of(manifestUrl));
    }

    /** Every manifest URL the agent checks, the first one first: {@link #manifestUrls}, else {@link #manifestUrl}. */
    public List<String> allManifestUrls() {
        if (manifestUrls != null && !manifestUrls.isEmpty()) {
            return manifestUrls;
        }
        return manifestUrl == null ? List.of() : List.of(manifestUrl);
    }
}
