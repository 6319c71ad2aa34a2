package dev.updater.demo;

import java.time.Instant;
import java.util.Objects;

/**
 * The app started with a version other than the one that last ran on its data file.
 *
 * @param from the version that ran before
 * @param to   the version that started
 * @param at   when it started
 */
public record VersionChange(String from, String to, Instant at) {

    public VersionChange {
        Objects.requireNonNull(from, "from");
        Objects.requireNonNull(to, "to");
        Objects.requireNonNull(at, "at");
        if (from.equals(to)) {
            throw new IllegalArgumentException("not a change: from and to are both " + from);
        }
    }

    /** {@code updated from 1.0.0}, or {@code downgraded from 1.1.0} when the new version is the older. */
    public String describe() {
        return (isDowngrade() ? "downgraded from " : "updated from ") + from;
    }

    /** Compares dot-separated numbers (1.10.0 after 1.9.0); other text compares as text. */
    boolean isDowngrade() {
        String[] older = from.split("[.-]");
        String[] newer = to.split("[.-]");
        for (int i = 0; i < Math.min(older.length, newer.length); i++) {
            int order = comparePart(older[i], newer[i]);
            if (order != 0) {
                return order > 0;
            }
        }
        return older.length > newer.length;
    }

    private static int comparePart(String a, String b) {
        if (a.matches("\\d{1,9}") && b.matches("\\d{1,9}")) {
            return Integer.compare(Integer.parseInt(a), Integer.parseInt(b));
        }
        return a.compareTo(b);
    }
}
