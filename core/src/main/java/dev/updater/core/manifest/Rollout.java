package dev.updater.core.manifest;

/**
 * Who takes a release (DESIGN §3, §11). A host takes it when its stable bucket (a hash of its host
 * id and {@code salt}) falls under the share offered now: {@code percent}, or, with a
 * {@code schedule}, the share of the last wave reached since the release date. A {@code halted}
 * release is offered to no host (the kill switch); hosts that installed it keep it.
 *
 * <p>{@code percent} is also what agents older than the schedule read, so a publisher writes the
 * first wave's share there and 0 for a halted release: an old agent then never goes further than
 * the canaries.
 *
 * @param percent the share of hosts (0 to 100, 0.0001 steps) without a schedule; 0 and 100 are exact
 * @param schedule the waves, or null for a fixed {@code percent}
 * @param halted true when the publisher stopped the release everywhere it is not installed yet
 * @param salt mixed into the bucket, or null: the same host keeps its bucket across releases until
 *     a manifest gives another salt (so the same canaries go first every time)
 */
public record Rollout(double percent, RolloutSchedule schedule, boolean halted, String salt) {
    /** A salt is a short label such as a version or a date, not data. */
    public static final int MAX_SALT_LENGTH = 64;

    public Rollout {
        if (!(percent >= 0 && percent <= 100)) {
            throw new IllegalArgumentException("A rollout percent is between 0 and 100, got " + percent);
        }
        if (salt != null && !isSalt(salt)) {
            throw new IllegalArgumentException("A rollout salt is 1 to " + MAX_SALT_LENGTH
                    + " letters, digits, '.', '_' or '-', got \"" + salt + "\"");
        }
    }

    /** A fixed share of hosts, the form every agent understands. */
    public Rollout(double percent) {
        this(percent, null, false, null);
    }

    /** The same rollout, halted: {@code percent} drops to 0 so that agents that predate halting stop too. */
    public Rollout halt() {
        return new Rollout(0, schedule, true, salt);
    }

    public static boolean isSalt(String salt) {
        return salt.length() >= 1 && salt.length() <= MAX_SALT_LENGTH && salt.matches("[A-Za-z0-9._-]+");
    }

    /** {@code 25 %}, {@code 0.5 %}: whole shares without decimals. */
    public static String formatPercent(double percent) {
        return (percent == Math.rint(percent) ? String.valueOf((long) percent) : String.valueOf(percent)) + "%";
    }
}
