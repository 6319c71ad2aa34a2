package dev.updater.core.download;

import dev.updater.core.ErrorCode;
import dev.updater.core.UpdaterException;
import dev.updater.core.text.Printable;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Tries the mirrors of one thing (a manifest, an artifact) in this host's order until one works
 * (DESIGN §11):
 *
 * <pre>{@code
 * MirrorFailover mirrors = new MirrorFailover(hostId);
 * VerifiedFile file = mirrors.tryInOrder(artifact.candidates(manifestUri), "the download",
 *         uri -> downloader.download(requestFor(uri), listener, cancellation));
 * }</pre>
 *
 * <p>The order is a rendezvous hash of the host id and each mirror: stable for a host, different
 * across hosts, so a fleet spreads evenly over the mirrors, and adding or removing one mirror moves
 * only the hosts that preferred it. The origin that last worked goes first, so a host does not
 * pay a dead mirror's timeout at every check, nor after a restart when a {@link Memory} keeps it. Local failures (disk, home, cancellation) end the
 * attempt at once: another mirror cannot fix them. One instance per host, shared by its checks.
 */
public final class MirrorFailover {
    private static final Set<ErrorCode> LOCAL = Set.of(ErrorCode.DOWNLOAD_CANCELLED, ErrorCode.DISK_SPACE, ErrorCode.IO,
            ErrorCode.HOME_UNUSABLE, ErrorCode.RECORD_MALFORMED);

    /**
     * Where the mirror that worked is kept beyond this object's life ({@code mirrors.json} for the agent),
     * keyed by the origin of the first candidate. Implementations never throw: a memory is a hint.
     */
    public interface Memory {
        /** Nothing kept: the last good origin lives as long as this object. */
        Memory NONE = new Memory() {
            @Override
            public Optional<String> recall(String primaryOrigin) {
                return Optional.empty();
            }

            @Override
            public void remember(String primaryOrigin, String goodOrigin) {
            }
        };

        Optional<String> recall(String primaryOrigin);

        void remember(String primaryOrigin, String goodOrigin);
    }

    /** One try at one mirror. */
    @FunctionalInterface
    public interface Attempt<T> {
        T at(URI uri) throws UpdaterException;
    }

    private final String hostId;
    private final Memory memory;
    private volatile String lastGoodOrigin;

    public MirrorFailover(String hostId) {
        this(hostId, Memory.NONE);
    }

    /** @param memory keeps the origin that worked across restarts; asked when this object has none of the candidates' */
    public MirrorFailover(String hostId, Memory memory) {
        this.hostId = Objects.requireNonNull(hostId, "hostId");
        this.memory = Objects.requireNonNull(memory, "memory");
    }

    /** The origin ({@code scheme://host:port}) that answered last, if any did. */
    public Optional<String> lastGoodOrigin() {
        return Optional.ofNullable(lastGoodOrigin);
    }

    /**
     * Runs {@code attempt} at each of {@code candidates} in this host's order until one returns. One
     * candidate fails with its own error unchanged; when all of several fail, the error is the first
     * one tried, naming what the others answered, and a {@link ServerPushback} if any server asked
     * for a wait (the longest one asked: every server's request is honoured).
     */
    public <T> T tryInOrder(List<URI> candidates, String what, Attempt<T> attempt) throws UpdaterException {
        List<URI> order = order(candidates);
        List<UpdaterException> failures = new ArrayList<>();
        for (URI uri : order) {
            try {
                T result = attempt.at(uri);
                lastGoodOrigin = origin(uri);
                if (order.stream().map(MirrorFailover::origin).distinct().count() > 1) {
                    memory.remember(origin(candidates.get(0)), lastGoodOrigin);
                }
                return result;
            } catch (UpdaterException e) {
                if (LOCAL.contains(e.code())) {
                    throw e;
                }
                failures.add(e);
            }
        }
        throw combined(order, failures, what);
    }

    /**
     * {@code candidates} without duplicates in this host's order, the last good origin first: this object's,
     * else the one its memory kept for the first candidate's origin.
     */
    public List<URI> order(List<URI> candidates) {
        List<URI> distinct = new ArrayList<>(new LinkedHashSet<>(candidates));
        if (distinct.isEmpty()) {
            throw new IllegalArgumentException("No mirror to try");
        }
        String preferred = lastGoodOrigin;
        if (preferred == null || distinct.stream().noneMatch(uri -> origin(uri).equals(lastGoodOrigin))) {
            preferred = memory.recall(origin(distinct.get(0))).orElse(preferred);
        }
        String first = preferred;
        distinct.sort(Comparator.comparing((URI uri) -> !origin(uri).equals(first))
                .thenComparing(uri -> rank(hostId, uri)));
        return List.copyOf(distinct);
    }

    /** The rendezvous weight of {@code uri} for {@code hostId}: the first 8 bytes of SHA-256(host id, NUL, origin). */
    static long rank(String hostId, URI uri) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update(hostId.getBytes(StandardCharsets.UTF_8));
            sha.update((byte) 0);
            // The origin, not the whole URL: a host keeps its mirror from one release to the next.
            byte[] digest = sha.digest(origin(uri).getBytes(StandardCharsets.UTF_8));
            long rank = 0;
            for (int i = 0; i < 8; i++) {
                rank = rank << 8 | (digest[i] & 0xff);
            }
            return rank ^ Long.MIN_VALUE; // compared as unsigned
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    static String origin(URI uri) {
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        String host = uri.getHost() == null ? "" : uri.getHost().toLowerCase(Locale.ROOT);
        return scheme + "://" + host + ":" + uri.getPort();
    }

    private static UpdaterException combined(List<URI> order, List<UpdaterException> failures, String what) {
        UpdaterException first = failures.get(0);
        if (failures.size() == 1) {
            return first;
        }
        StringBuilder others = new StringBuilder();
        Duration longest = null;
        int pushbackStatus = 0;
        for (int i = 0; i < failures.size(); i++) {
            UpdaterException e = failures.get(i);
            if (i > 0) {
                others.append(i > 1 ? "; " : "").append(Printable.of(order.get(i))).append(": ").append(e.code());
                if (e instanceof ServerPushback p) {
                    others.append(" (HTTP ").append(p.status()).append(")");
                }
            }
            if (e instanceof ServerPushback p && p.retryAfter().isPresent()
                    && (longest == null || p.retryAfter().get().compareTo(longest) > 0)) {
                longest = p.retryAfter().get();
                pushbackStatus = p.status();
            }
        }
        String message = "All " + failures.size() + " mirrors of " + what + " failed. First tried: " + first.getMessage()
                + " Then: " + others + ".";
        UpdaterException error = longest != null ? new ServerPushback(pushbackStatus, longest, message)
                : new UpdaterException(first.code(), message, first);
        failures.stream().skip(1).forEach(error::addSuppressed);
        return error;
    }
}
