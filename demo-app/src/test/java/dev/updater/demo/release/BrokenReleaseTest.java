package dev.updater.demo.release;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.updater.demo.StartupFailure;
import org.junit.jupiter.api.Test;

class BrokenReleaseTest {

    @Test
    void checkStartup_alwaysFailsWithASimulatedFailure() {
        StartupFailure failure = assertThrows(StartupFailure.class, new BrokenRelease()::checkStartup);

        assertEquals("simulated startup failure: this release is broken on purpose, so that the updater's health"
                + " gate fails and rolls it back", failure.getMessage());
    }
}
