package dev.updater.core.home;

import java.time.Instant;
import java.util.List;

/**
 * {@code channel.json}: how the agent checks the release channel, written at each agent start, so
 * that an operator's {@code updater-sidecar check} and {@code apply} check it exactly as the host
 * would (same URL, same trusted keys, same policy options). Public keys only: nothing secret.
 *
 * @param manifestUrl the manifest URL
 * @param trustedKeys the trusted public keys, as {@code ed25519:…} text
 * @param hostId the host's rollout id
 * @param allowPrerelease the agent's {@code allow-prerelease}
 * @param allowBreaking the agent's {@code allow-breaking}
 * @param insecureAllowHttp the agent's {@code insecure-allow-http}
 * @param insecureAllowUnsigned the agent's {@code insecure-allow-unsigned}
 * @param writtenAt when the agent wrote it
 */
public record ChannelSettings(
        String manifestUrl,
        List<String> trustedKeys,
        String hostId,
        boolean allowPrerelease,
        boolean allowBreaking,
        boolean insecureAllowHttp,
        boolean insecureAllowUnsigned,
        Instant writtenAt) {
}
