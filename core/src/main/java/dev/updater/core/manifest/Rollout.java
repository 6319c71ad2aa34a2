package dev.updater.core.manifest;

/**
 * A staged rollout: only the hosts whose stable bucket falls under {@code percent} take the
 * release. Percent may have decimals (0.0001 % steps) for small canaries; 0 and 100 are exact.
 */
public record Rollout(double percent) {
    public Rollout {
        if (!(percent >= 0 && percent <= 100)) {
            throw new IllegalArgumentException("A rollout percent is between 0 and 100, got " + percent);
        }
    }
}
