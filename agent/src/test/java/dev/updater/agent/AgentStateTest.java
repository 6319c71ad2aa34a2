package dev.updater.agent;

import dev.updater.agent.check.CheckResult;
import dev.updater.core.ErrorCode;
import dev.updater.core.UpdaterException;
import dev.updater.core.home.AgentRecord;
import dev.updater.core.home.UpdateHome;
import dev.updater.core.version.ReleaseVersion;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

class AgentStateTest {
    private static final Instant T = Instant.parse("2026-02-07T12:00:00Z");

    @TempDir
    Path dir;

    /** A clock the test moves: each check happens at its own time. */
    private static final class Moving extends Clock {
        private Instant now = T;

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    @Test
    void theLastSuccessfulCheck_isKeptThroughLaterFailures_forASidecarThatStartsWhileTheyFail() throws Exception {
        Moving clock = new Moving();
        AgentState state = new AgentState(new UpdateHome(dir.resolve(".updater")), clock, 42, T,
                ReleaseVersion.parse("1.0.0"), "version=", "/opt/app/app.jar", null, List.of("java", "-jar", "app.jar"),
                "test", "host-1");
        UpdaterException refused = new UpdaterException(ErrorCode.IO, "connection refused");

        state.checked(new CheckResult("failed: connection refused", null, null, refused), 0);
        assertNull(state.snapshot().lastSuccessfulCheckAt(), "no check succeeded yet");

        clock.now = T.plus(Duration.ofMinutes(15));
        state.checked(new CheckResult("up to date", ReleaseVersion.parse("1.0.0"), null, null), 0);
        clock.now = T.plus(Duration.ofMinutes(30));
        state.checked(new CheckResult("failed: connection refused", null, null, refused), 0);

        AgentRecord record = state.snapshot();
        assertEquals(T.plus(Duration.ofMinutes(30)), record.lastCheckAt());
        assertEquals("connection refused", record.lastError());
        assertEquals(T.plus(Duration.ofMinutes(15)), record.lastSuccessfulCheckAt());
        assertEquals(3, record.checks());
        assertEquals(2, record.checkErrors());
    }
}
