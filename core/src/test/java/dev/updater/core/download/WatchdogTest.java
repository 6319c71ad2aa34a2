package dev.updater.core.download;

import dev.updater.core.ErrorCode;
import dev.updater.core.UpdaterException;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

import static dev.updater.core.download.DownloaderTest.assertFails;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class WatchdogTest {
    private static final Duration LONG = Duration.ofMinutes(5);

    @Test
    void check_passesWhileNothingIsDue() {
        Watchdog watchdog = watchdog(LONG, LONG, new Cancellation());
        assertDoesNotThrow(watchdog::check);
        assertTrue(watchdog.sliceNanos() <= Watchdog.SLICE_NANOS);
    }

    @Test
    void hugeDeadlines_meanNeverInsteadOfOverflowing() {
        Watchdog watchdog = watchdog(Duration.ofSeconds(Long.MAX_VALUE), Duration.ofSeconds(Long.MAX_VALUE), new Cancellation());
        assertDoesNotThrow(watchdog::check);
        assertEquals(Watchdog.SLICE_NANOS, watchdog.sliceNanos());
    }

    @Test
    void check_afterCancel_throwsCancelled() {
        Cancellation cancellation = new Cancellation();
        Watchdog watchdog = watchdog(LONG, LONG, cancellation);

        cancellation.cancel();

        assertFails(ErrorCode.DOWNLOAD_CANCELLED, watchdog::check);
    }

    @Test
    void check_withoutProgressForTheStallTimeout_throwsStalled() {
        Watchdog watchdog = watchdog(Duration.ofMillis(100), LONG, new Cancellation());

        await().atMost(Duration.ofSeconds(2)).until(() -> fails(watchdog, ErrorCode.DOWNLOAD_STALLED));
    }

    @Test
    void check_pastTheDeadline_throwsTooSlowEvenWithProgress() {
        Watchdog watchdog = watchdog(LONG, Duration.ofMillis(100), new Cancellation());

        await().atMost(Duration.ofSeconds(2)).until(() -> {
            watchdog.touch();
            return fails(watchdog, ErrorCode.DOWNLOAD_TOO_SLOW);
        });
    }

    @Test
    void pause_endsPromptlyWhenCancelled() {
        Cancellation cancellation = new Cancellation();
        Watchdog watchdog = watchdog(LONG, LONG, cancellation);
        CompletableFuture<Void> pausing = CompletableFuture.runAsync(() -> {
            try {
                watchdog.pause(Duration.ofMinutes(1));
            } catch (UpdaterException e) {
                throw new CompletionException(e);
            }
        });

        cancellation.cancel();

        await().atMost(Duration.ofSeconds(1)).until(pausing::isDone);
        CompletionException e = org.junit.jupiter.api.Assertions.assertThrows(CompletionException.class, pausing::join);
        assertEquals(ErrorCode.DOWNLOAD_CANCELLED, ((UpdaterException) e.getCause()).code());
    }

    private static boolean fails(Watchdog watchdog, ErrorCode expected) {
        try {
            watchdog.check();
            return false;
        } catch (UpdaterException e) {
            assertEquals(expected, e.code());
            return true;
        }
    }

    private static Watchdog watchdog(Duration stall, Duration deadline, Cancellation cancellation) {
        return new Watchdog(stall, deadline, cancellation, reason -> new UpdaterException(switch (reason) {
            case STALLED -> ErrorCode.DOWNLOAD_STALLED;
            case TOO_SLOW -> ErrorCode.DOWNLOAD_TOO_SLOW;
            case CANCELLED -> ErrorCode.DOWNLOAD_CANCELLED;
        }, reason.name()));
    }
}
