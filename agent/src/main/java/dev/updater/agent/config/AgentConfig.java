package dev.updater.agent.config;

import dev.updater.core.signature.TrustedKey;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * The agent's settings, validated: an instance exists only when every value is usable.
 * See {@link AgentConfigLoader} for where the values come from and {@code docs/agent.md} for each key.
 *
 * @param manifest the release manifest URL (the first of {@code manifest=URL1|URL2})
 * @param keys the trusted public keys, from {@code key=} and {@code keyfile=} (several for key rotation)
 * @param home the update home, or null for {@code .updater} beside the target
 * @param interval time between checks (±10 % jitter)
 * @param initialDelay time before the first check (jittered), so it does not compete with the host's start
 * @param version the running version, or null to read it from the target or the home
 * @param target the artifact the host runs (absolute, and a file when loaded), or null to take the {@code -jar} path
 * @param hostId the id for rollout buckets, or null for the one kept in the home
 * @param manifestMirrors the further manifest URLs of {@code manifest=URL1|URL2}, serving the same signed bytes
 */
public record AgentConfig(
        boolean enabled,
        URI manifest,
        List<TrustedKey> keys,
        Path home,
        Duration interval,
        Duration initialDelay,
        String version,
        Path target,
        boolean insecureAllowUnsigned,
        boolean insecureAllowHttp,
        boolean allowPrerelease,
        boolean allowBreaking,
        String hostId,
        List<URI> manifestMirrors) {

    public static final Duration DEFAULT_INTERVAL = Duration.ofMinutes(15);
    public static final Duration DEFAULT_INITIAL_DELAY = Duration.ofSeconds(30);

    public AgentConfig {
        keys = List.copyOf(keys);
        manifestMirrors = List.copyOf(manifestMirrors);
    }

    /** The configuration of an agent switched off with {@code enabled=false}. */
    public static AgentConfig disabled() {
        return new AgentConfig(false, null, List.of(), null, DEFAULT_INTERVAL, DEFAULT_INITIAL_DELAY,
                null, null, false, false, false, false, null, List.of());
    }
}
