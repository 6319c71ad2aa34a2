package dev.updater.sidecar.supervise;

import dev.updater.core.home.HomeRecordFile;
import dev.updater.core.UpdaterException;
import dev.updater.core.home.HistoryEvent;
import dev.updater.core.home.SwapJournal;
import dev.updater.core.home.SwapState;
import dev.updater.core.home.UpdateHome;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * How {@code apply} and {@code rollback} learn what a running sidecar made of their request: a new
 * journal that reaches {@code committed} or {@code rolled-back}, or a {@code failed} history event
 * written when the sidecar refused it.
 */
public final class RequestedSwap {
    private static final long POLL_MILLIS = 100;

    private RequestedSwap() {
    }

    /**
     * What became of a request.
     *
     * @param journal the finished transaction, or null
     * @param refusal why the sidecar refused, or null
     */
    public record Result(SwapJournal journal, String refusal) {
        public boolean timedOut() {
            return journal == null && refusal == null;
        }
    }

    /** The id of the journal before the request, so a transaction the request started is told apart. */
    public static String currentJournalId(UpdateHome home) throws UpdaterException {
        return home.swapJournal().read().map(SwapJournal::id).orElse("");
    }

    public static Result await(UpdateHome home, HomeRecordFile<?> request, String journalBefore, Instant requestedAt,
                               Duration timeout) throws UpdaterException, InterruptedException {
        return await(home, request, journalBefore, requestedAt, timeout, journal -> { });
    }

    /**
     * As {@link #await(UpdateHome, HomeRecordFile, String, Instant, Duration)}, telling {@code progress}
     * each state the transaction the request started is seen in before it finishes ({@code prepared},
     * {@code swapped}, {@code verifying}), so a screen can tick its steps as they happen.
     */
    public static Result await(UpdateHome home, HomeRecordFile<?> request, String journalBefore, Instant requestedAt,
                               Duration timeout, Consumer<SwapJournal> progress)
            throws UpdaterException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        SwapState seen = null;
        while (System.nanoTime() < deadline) {
            Optional<SwapJournal> journal = readQuietly(home);
            boolean started = journal.isPresent() && !journal.get().id().equals(journalBefore);
            if (started && journal.get().state().isFinished()) {
                return new Result(journal.get(), null);
            }
            if (started && journal.get().state() != seen) {
                seen = journal.get().state();
                progress.accept(journal.get());
            }
            if (!started && !request.exists()) {
                List<HistoryEvent> events = home.history().read();
                for (int i = events.size() - 1; i >= 0; i--) {
                    HistoryEvent e = events.get(i);
                    // Strictly before: the sidecar writes its refusal after it took the request, which was
                    // written after requestedAt, and it may take seconds to decide (the channel's halt check);
                    // a refusal of an earlier request, even a moment earlier, is not this one's answer.
                    if (e.at().isBefore(requestedAt)) {
                        break;
                    }
                    if (e.event() == HistoryEvent.Kind.FAILED) {
                        return new Result(null, e.detail());
                    }
                }
            }
            Thread.sleep(POLL_MILLIS);
        }
        return new Result(null, null);
    }

    private static Optional<SwapJournal> readQuietly(UpdateHome home) {
        try {
            return home.swapJournal().read();
        } catch (UpdaterException e) {
            return Optional.empty();
        }
    }
}
