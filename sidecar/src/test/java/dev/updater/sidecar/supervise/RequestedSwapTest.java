package dev.updater.sidecar.supervise;

import dev.updater.core.home.HistoryEvent;
import dev.updater.core.home.UpdateHome;
import dev.updater.core.version.ReleaseVersion;
import dev.updater.sidecar.testhost.Staging;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The sidecar took the request (the file is gone) and started no transaction: a refusal is looked for. */
class RequestedSwapTest {
    @TempDir
    Path dir;

    private UpdateHome home;

    @BeforeEach
    void aHome() throws Exception {
        home = new UpdateHome(Staging.newHome(dir.resolve("home")));
    }

    @Test
    void aRefusalWrittenAfterTheRequest_isItsAnswer() throws Exception {
        Instant requestedAt = Instant.now();
        refusal(requestedAt.plusMillis(5), "Refused to install 1.5.0: halted");

        RequestedSwap.Result result = RequestedSwap.await(home, home.applyRequest(), "", requestedAt, Duration.ofSeconds(5));

        assertEquals("Refused to install 1.5.0: halted", result.refusal());
    }

    @Test
    void anEarlierRefusal_evenAMomentBefore_isNotTheAnswerToALaterRequest() throws Exception {
        Instant requestedAt = Instant.now();
        // the operator asks again right after a refusal; the sidecar has taken the new request and is
        // still checking the channel (up to 5 s) when the command looks at the history
        refusal(requestedAt.minusMillis(300), "Refused to install 1.5.0: the first request");

        RequestedSwap.Result result = RequestedSwap.await(home, home.applyRequest(), "", requestedAt,
                Duration.ofMillis(500));

        assertTrue(result.timedOut(), "the answer to the first request, taken for the second: " + result);
    }

    private void refusal(Instant at, String detail) throws Exception {
        home.history().append(new HistoryEvent(at, HistoryEvent.Kind.FAILED, ReleaseVersion.tryParse("1.5.0"), null,
                detail));
    }
}
