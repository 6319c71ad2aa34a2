package dev.updater.core.manifest;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class RolloutScheduleTest {

    @Test
    void parse_readsTheOperatorsForm_andPrintsItBack() {
        RolloutSchedule waves = RolloutSchedule.parse("1%@0h, 10%@6h,50%@24h,100%@48h");

        assertEquals(List.of(new RolloutSchedule.Step(1, Duration.ZERO), new RolloutSchedule.Step(10, Duration.ofHours(6)),
                new RolloutSchedule.Step(50, Duration.ofHours(24)), new RolloutSchedule.Step(100, Duration.ofHours(48))),
                waves.steps());
        assertEquals("1%@0h,10%@6h,50%@24h,100%@48h", waves.toString());
        assertEquals(waves, RolloutSchedule.parse(waves.toString()));
    }

    @Test
    void parse_acceptsDecimalsMinutesDaysAndIsoDurations() {
        RolloutSchedule waves = RolloutSchedule.parse("0.5%@90m,12.25%@PT6H,100%@3d");
        assertEquals(List.of(new RolloutSchedule.Step(0.5, Duration.ofMinutes(90)),
                new RolloutSchedule.Step(12.25, Duration.ofHours(6)), new RolloutSchedule.Step(100, Duration.ofDays(3))),
                waves.steps());
    }

    @Test
    void percentAt_isTheShareOfTheLastWaveReached() {
        RolloutSchedule waves = RolloutSchedule.parse("1%@1h,10%@6h,100%@48h");
        assertEquals(0, waves.percentAt(Duration.ofMinutes(59)));
        assertEquals(0, waves.percentAt(Duration.ofHours(-3)), "a release date in the future offers nothing yet");
        assertEquals(1, waves.percentAt(Duration.ofHours(1)));
        assertEquals(10, waves.percentAt(Duration.ofHours(47).plusMinutes(59)));
        assertEquals(100, waves.percentAt(Duration.ofDays(400)));
    }

    @Test
    void parse_refusesBadSteps_namingEachAtOnce() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> RolloutSchedule.parse("1@0h,ten%@6h,50%@24x,-5%@1h"));
        assertEquals("rollout schedule \"1@0h,ten%@6h,50%@24x,-5%@1h\": step \"1@0h\" is not PERCENT%@TIME such as"
                + " 10%@6h; step \"ten%@6h\" has no percent from 0 to 100 before '%' (up to 4 decimals); step"
                + " \"50%@24x\": the time \"24x\" is not a duration; write a number and a unit: 500ms, 5s, 10m, 1h or 30d;"
                + " step \"-5%@1h\" has no percent from 0 to 100 before '%' (up to 4 decimals)", e.getMessage());
    }

    @Test
    void parse_refusesSchedulesThatShrinkGoBackInTimeOrPassOneHundred() {
        assertEquals("rollout schedule \"10%@6h,5%@12h\": step 5%@12h must reach more hosts than the step before it,"
                + " 10%@6h (a rollout only widens; halt a release with 'publish --halt')",
                assertThrows(IllegalArgumentException.class, () -> RolloutSchedule.parse("10%@6h,5%@12h")).getMessage());
        assertEquals("rollout schedule \"10%@6h,50%@6h\": step 50%@6h must come later than the step before it, 10%@6h"
                + " (steps are in time order)",
                assertThrows(IllegalArgumentException.class, () -> RolloutSchedule.parse("10%@6h,50%@6h")).getMessage());
        assertEquals("rollout schedule \"50%@1h,150%@2h\": step 150%@2h: the percent must be from 0 to 100",
                assertThrows(IllegalArgumentException.class, () -> RolloutSchedule.parse("50%@1h,150%@2h")).getMessage());
        assertEquals("rollout schedule \"100%@400d\": step 100%@9600h: the time must be from 0h to 8784h after the"
                + " release date",
                assertThrows(IllegalArgumentException.class, () -> RolloutSchedule.parse("100%@400d")).getMessage());
        assertEquals("rollout schedule \"\": step \"\" is not PERCENT%@TIME such as 10%@6h",
                assertThrows(IllegalArgumentException.class, () -> RolloutSchedule.parse("")).getMessage());
    }

    @Test
    void constructor_refusesAnEmptySchedule() {
        assertEquals("a schedule needs at least one step",
                assertThrows(IllegalArgumentException.class, () -> new RolloutSchedule(List.of())).getMessage());
    }
}
