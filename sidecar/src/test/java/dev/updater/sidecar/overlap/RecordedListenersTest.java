package dev.updater.sidecar.overlap;

import dev.updater.core.home.AgentRecord;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The old host's agent record decides first whether overlap can join its listeners. */
class RecordedListenersTest {
    private static final Instant BOUND = Instant.parse("2026-11-30T06:00:01.250Z");
    private static final String NEXT_TIME = " (hosts started under --restart overlap get UPDATER_REUSE_PORT=true;"
            + " the next update can overlap)";

    @Test
    void aListenerTheHookSawBoundWithoutReusePort_refusesOverlap_namingItAndWhen() {
        Optional<String> refusal = RecordedListeners.refusal(Optional.of(record(4711,
                new AgentRecord.Listener("127.0.0.1", 8080, BOUND, true),
                new AgentRecord.Listener("::", 8443, BOUND.plusSeconds(1), false))), 4711);

        assertEquals(Optional.of("the running host's agent saw it bind [::]:8443 (bound at 2026-11-30T06:00:02.250Z)"
                + " without SO_REUSEPORT, so a second host cannot join that port" + NEXT_TIME), refusal);
    }

    @Test
    void everyListenerBoundWithoutReusePort_isNamed() {
        Optional<String> refusal = RecordedListeners.refusal(Optional.of(record(4711,
                new AgentRecord.Listener("0.0.0.0", 8080, BOUND, false),
                new AgentRecord.Listener("0.0.0.0", 9090, BOUND, false))), 4711);

        assertEquals(Optional.of("the running host's agent saw it bind 0.0.0.0:8080 (bound at 2026-11-30T06:00:01.250Z),"
                + " 0.0.0.0:9090 (bound at 2026-11-30T06:00:01.250Z) without SO_REUSEPORT, so a second host cannot join"
                + " those ports" + NEXT_TIME), refusal);
    }

    @Test
    void listenersAllBoundWithReusePort_leaveTheDecisionToSteering() {
        assertEquals(Optional.empty(), RecordedListeners.refusal(Optional.of(record(4711,
                new AgentRecord.Listener("127.0.0.1", 8080, BOUND, true))), 4711));
    }

    @Test
    void noListenerSeen_orNoRecord_saysNothing_theProcCheckDecides() {
        assertEquals(Optional.empty(), RecordedListeners.refusal(Optional.of(record(4711)), 4711));
        assertEquals(Optional.empty(), RecordedListeners.refusal(Optional.empty(), 4711));
    }

    @Test
    void theRecordOfAnotherProcess_saysNothingAboutTheRunningHost() {
        // a stale agent.json of an earlier host: its listeners are not A's
        assertEquals(Optional.empty(), RecordedListeners.refusal(Optional.of(record(999,
                new AgentRecord.Listener("127.0.0.1", 8080, BOUND, false))), 4711));
    }

    private static AgentRecord record(long pid, AgentRecord.Listener... listeners) {
        return new AgentRecord(pid, BOUND.minusSeconds(2), null, null, "/opt/app.jar", null, List.of(), "1.0.0", "h",
                true, BOUND, null, null, null, null, false, null, BOUND, List.of(listeners));
    }
}
