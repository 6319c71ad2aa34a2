package dev.updater.sidecar.supervise;

import org.junit.jupiter.api.Test;

import java.time.LocalTime;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ApplyPolicyTest {
    @Test
    void parse_acceptsTheFourPolicies_andPrintsThemBack() {
        for (String text : new String[] {"on-exit", "immediate", "manual", "window=02:00-04:00", "window=23:30-01:15"}) {
            assertEquals(text, ApplyPolicy.parse(text).toString());
        }
        assertEquals(ApplyPolicy.ON_EXIT, ApplyPolicy.parse(" ON-EXIT "));
    }

    @Test
    void parse_rejectsAnythingElse_sayingWhatIsAccepted() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ApplyPolicy.parse("nightly"));
        assertEquals("'nightly' is not an apply policy; write on-exit, immediate, manual or window=HH:MM-HH:MM (such"
                + " as window=02:00-04:00)", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> ApplyPolicy.parse("window=25:00-04:00"));
        assertEquals("'window=25:00-04:00' has a time that does not exist; write hours 00-23 and minutes 00-59, such"
                + " as window=02:00-04:00", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> ApplyPolicy.parse("window=02:00-02:00"));
        assertEquals("The window 02:00-02:00 is empty; write two different times, such as window=02:00-04:00.",
                e.getMessage());
    }

    @Test
    void tryParse_readsWhatARecordHolds_andIsEmptyForAnythingElse() {
        assertEquals(Optional.of(ApplyPolicy.MANUAL), ApplyPolicy.tryParse(ApplyPolicy.MANUAL.toString()));
        assertEquals(Optional.of(ApplyPolicy.parse("window=02:00-04:00")), ApplyPolicy.tryParse("window=02:00-04:00"));
        assertEquals(Optional.empty(), ApplyPolicy.tryParse("manual-ish"));
        assertEquals(Optional.empty(), ApplyPolicy.tryParse("window=25:00-04:00"));
        assertEquals(Optional.empty(), ApplyPolicy.tryParse(null));
    }

    @Test
    void window_includesItsStart_excludesItsEnd() {
        ApplyPolicy p = ApplyPolicy.parse("window=02:00-04:00");
        assertFalse(p.installsWhileRunning(LocalTime.of(1, 59, 59)));
        assertTrue(p.installsWhileRunning(LocalTime.of(2, 0)));
        assertTrue(p.installsWhileRunning(LocalTime.of(3, 59, 59)));
        assertFalse(p.installsWhileRunning(LocalTime.of(4, 0)));
        assertFalse(p.installsWhenStopped(LocalTime.of(12, 0)), "outside the window nothing installs, even on exit");
        assertTrue(p.installsOnRestartRequest(), "exit code 42 is the host asking: it installs at any time");
    }

    @Test
    void window_mayWrapPastMidnight() {
        ApplyPolicy p = ApplyPolicy.parse("window=23:00-01:00");
        assertTrue(p.installsWhileRunning(LocalTime.of(23, 30)));
        assertTrue(p.installsWhileRunning(LocalTime.of(0, 30)));
        assertFalse(p.installsWhileRunning(LocalTime.of(1, 0)));
        assertFalse(p.installsWhileRunning(LocalTime.of(22, 59)));
    }

    @Test
    void eachPolicy_saysWhenItInstalls() {
        LocalTime noon = LocalTime.NOON;
        assertFalse(ApplyPolicy.ON_EXIT.installsWhileRunning(noon));
        assertTrue(ApplyPolicy.ON_EXIT.installsWhenStopped(noon));
        assertTrue(ApplyPolicy.IMMEDIATE.installsWhileRunning(noon));
        assertTrue(ApplyPolicy.IMMEDIATE.installsWhenStopped(noon));
        assertFalse(ApplyPolicy.MANUAL.installsWhileRunning(noon));
        assertFalse(ApplyPolicy.MANUAL.installsWhenStopped(noon));
        assertFalse(ApplyPolicy.MANUAL.installsOnRestartRequest());
    }
}
