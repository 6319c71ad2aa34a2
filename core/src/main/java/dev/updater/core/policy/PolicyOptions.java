package dev.updater.core.policy;

/**
 * What an operator allows beyond the safe defaults.
 *
 * @param allowPreRelease a host on a release version may take a pre-release (1.4.0-rc.1)
 * @param allowBreaking a release with {@code breaking_changes} installs without an operator's apply
 */
public record PolicyOptions(boolean allowPreRelease, boolean allowBreaking) {
    public static final PolicyOptions DEFAULTS = new PolicyOptions(false, false);
}
