package dev.updater.core.home;

import dev.updater.core.Sha256;
import dev.updater.core.text.HumanUnits;
import dev.updater.core.version.ReleaseVersion;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * {@code handoff/<forVersion>.json}: what a host's {@code StateHandoff.save()} returned, saved by its
 * agent for the version started after it (DESIGN §7 "State hand-off"). The new host's agent hands it
 * to {@code restore} only when {@link #refusal} finds nothing wrong. Written 0600 in a 0700 folder: an
 * application's state may hold what only its user may read.
 *
 * <pre>{@code
 * {"forVersion":"1.1.0","savedBy":"1.0.0","savedAt":"…","savedByPid":4242,"bytes":57,"sha256":"…","state":"…"}
 * }</pre>
 *
 * @param forVersion the version this state is for, and the file's name
 * @param savedBy the version that saved it
 * @param savedAt when it was saved
 * @param savedByPid the pid of the host that saved it
 * @param bytes the state's length in UTF-8
 * @param sha256 the SHA-256 of the state's UTF-8 bytes. It finds a file cut short or edited by hand;
 *        it is no signature (whoever may write the home may write a matching hash: the home is the
 *        operator's own, 0700)
 * @param state what {@code save()} returned
 */
public record HandedOffState(ReleaseVersion forVersion, ReleaseVersion savedBy, Instant savedAt, long savedByPid,
                             long bytes, Sha256 sha256, String state) {
    /**
     * The largest state handed over, in UTF-8 bytes (1 MiB). A hand-off is for a cache's keys, a queue, the
     * logged-in users, not for a database: above it the state is refused and the update goes on without it.
     * Threat: a host whose {@code save()} returns hundreds of megabytes would fill the home's disk and the
     * agent's memory in the host's heap.
     */
    public static final int MAX_STATE_BYTES = 1 << 20;
    /** The file's own bound: a 1 MiB state of control characters is six times larger once escaped in JSON. */
    static final long MAX_FILE_BYTES = 8L << 20;
    /** How old a saved state may be when the new host starts, by default. */
    public static final Duration DEFAULT_MAX_AGE = Duration.ofMinutes(10);

    public HandedOffState {
        Objects.requireNonNull(forVersion, "forVersion");
        Objects.requireNonNull(savedBy, "savedBy");
        Objects.requireNonNull(savedAt, "savedAt");
        Objects.requireNonNull(sha256, "sha256");
        Objects.requireNonNull(state, "state");
    }

    /**
     * The record of {@code state}, saved now by {@code savedBy} for {@code forVersion}.
     *
     * @throws IllegalArgumentException when the state is larger than {@link #MAX_STATE_BYTES}, saying by how much
     */
    public static HandedOffState of(ReleaseVersion forVersion, ReleaseVersion savedBy, Instant savedAt, long savedByPid,
                                    String state) {
        byte[] utf8 = state.getBytes(StandardCharsets.UTF_8);
        if (utf8.length > MAX_STATE_BYTES) {
            throw new IllegalArgumentException("save() returned " + HumanUnits.bytes(utf8.length) + ", more than the "
                    + HumanUnits.bytes(MAX_STATE_BYTES) + " a state hand-off may carry");
        }
        return new HandedOffState(forVersion, savedBy, savedAt, savedByPid, utf8.length, Sha256.ofBytes(utf8), state);
    }

    /**
     * Why this state must not be restored into a host of {@code running} now, or empty when it may be:
     * another version's, older than {@code maxAge} (or from the future), larger than the limit, or not
     * the bytes that were saved.
     */
    public Optional<String> refusal(ReleaseVersion running, Instant now, Duration maxAge) {
        if (!forVersion.equals(running)) {
            return Optional.of("it was saved for " + forVersion + ", and this host runs " + running);
        }
        byte[] utf8 = state.getBytes(StandardCharsets.UTF_8);
        if (utf8.length > MAX_STATE_BYTES) {
            return Optional.of("it holds " + HumanUnits.bytes(utf8.length) + ", more than the "
                    + HumanUnits.bytes(MAX_STATE_BYTES) + " a state hand-off may carry");
        }
        if (!Sha256.ofBytes(utf8).equals(sha256) || utf8.length != bytes) {
            return Optional.of("its state does not match the SHA-256 and length it was saved with (changed or cut"
                    + " short since)");
        }
        if (savedAt.isAfter(now.plusSeconds(60))) {
            return Optional.of("it says it was saved at " + savedAt + ", in the future");
        }
        if (Duration.between(savedAt, now).compareTo(maxAge) > 0) {
            return Optional.of("it was saved " + HumanUnits.age(savedAt, now) + ", longer ago than the "
                    + HumanUnits.setting(maxAge) + " a state stays fresh");
        }
        return Optional.empty();
    }
}
