package dev.updater.core.home;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * {@code mirrors.json}: which mirror last served each thing the agent fetches (DESIGN §11), so that a
 * host restarting while its first mirror is down asks the one that worked first, instead of paying the
 * dead one's timeout again. Keyed by the origin of the first URL (the manifest's first configured URL,
 * an artifact's {@code url}); written by the agent only when the mirror changes, or once a day to keep
 * it fresh.
 *
 * <pre>{@code
 * {"entries":[{"primary":"https://releases.example.com:-1","lastGood":"https://mirror.example.net:-1",
 *              "at":"2026-11-30T06:00:00Z"}]}
 * }</pre>
 *
 * <p>Bounded: at most {@link #MAX_ENTRIES} entries (the oldest go first) and each forgotten after
 * {@link #MAX_AGE}, so that a host back from a long pause returns to its own rendezvous order and the
 * fleet spreads over the mirrors again. A record is only ever a hint for the order: every mirror's
 * bytes are verified the same way.
 *
 * @param entries the newest first
 */
public record MirrorMemory(List<Entry> entries) {
    /** Two per channel (manifest, artifacts) for many channels; a record that lists more is malformed. */
    public static final int MAX_ENTRIES = 32;
    /** A week: longer than any outage worth routing around, short enough to rebalance a fleet after one. */
    public static final Duration MAX_AGE = Duration.ofDays(7);
    /** An unchanged mirror is written again after a day, so that it stays younger than {@link #MAX_AGE}. */
    static final Duration REFRESH = Duration.ofDays(1);
    private static final int MAX_ORIGIN_CHARS = 300;

    public static final MirrorMemory EMPTY = new MirrorMemory(List.of());

    public MirrorMemory {
        entries = entries == null ? List.of() : List.copyOf(entries);
        if (entries.size() > MAX_ENTRIES) {
            throw new IllegalArgumentException("mirrors.json lists at most " + MAX_ENTRIES + " entries, got "
                    + entries.size());
        }
    }

    /**
     * @param primary the origin ({@code scheme://host:port}) of the first URL of what is fetched
     * @param lastGood the origin that served it last
     * @param at when it did
     */
    public record Entry(String primary, String lastGood, Instant at) {
        public Entry {
            origin("primary", primary);
            origin("lastGood", lastGood);
            Objects.requireNonNull(at, "at");
        }

        private static void origin(String field, String value) {
            Objects.requireNonNull(value, field);
            if (value.isBlank() || value.length() > MAX_ORIGIN_CHARS || !value.contains("://")) {
                throw new IllegalArgumentException(field + " is not an origin such as https://mirror.example.net:-1");
            }
        }

        /** Fresh: not older than {@link #MAX_AGE}, and not from a day ahead (a clock set back). */
        boolean freshAt(Instant now) {
            return !at.isBefore(now.minus(MAX_AGE)) && !at.isAfter(now.plus(REFRESH));
        }
    }

    /** The origin that last served what {@code primary} names, unless forgotten by now. */
    public Optional<String> recall(String primary, Instant now) {
        return entries.stream().filter(e -> e.primary().equals(primary) && e.freshAt(now)).map(Entry::lastGood)
                .findFirst();
    }

    /** True when remembering {@code lastGood} for {@code primary} now would change nothing worth a write. */
    public boolean holds(String primary, String lastGood, Instant now) {
        return entries.stream().anyMatch(e -> e.primary().equals(primary) && e.lastGood().equals(lastGood)
                && e.freshAt(now) && !e.at().isBefore(now.minus(REFRESH)));
    }

    /** This memory with {@code lastGood} for {@code primary} at {@code now}, without forgotten entries, bounded. */
    public MirrorMemory remember(String primary, String lastGood, Instant now) {
        List<Entry> kept = new ArrayList<>();
        kept.add(new Entry(primary, lastGood, now));
        entries.stream().filter(e -> !e.primary().equals(primary) && e.freshAt(now))
                .sorted(Comparator.comparing(Entry::at).reversed())
                .limit(MAX_ENTRIES - 1)
                .forEach(kept::add);
        return new MirrorMemory(kept);
    }
}
