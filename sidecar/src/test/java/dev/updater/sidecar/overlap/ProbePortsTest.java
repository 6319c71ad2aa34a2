package dev.updater.sidecar.overlap;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class ProbePortsTest {
    @Test
    void parse_aRange_isThatRange() {
        assertEquals(new ProbePorts(64000, 64099), ProbePorts.parse("64000-64099"));
        assertEquals("61000-61099", ProbePorts.DEFAULT.toString());
    }

    @Test
    void parse_notARange_saysHowToWriteIt() {
        assertEquals("'64000' is not a port range; write it as 61000-61099",
                assertThrows(IllegalArgumentException.class, () -> ProbePorts.parse("64000")).getMessage());
        assertEquals("probe ports 70000-70001 are not a range of unprivileged ports; write them as 61000-61099",
                assertThrows(IllegalArgumentException.class, () -> ProbePorts.parse("70000-70001")).getMessage());
        assertEquals("probe ports 500-600 are not a range of unprivileged ports; write them as 61000-61099",
                assertThrows(IllegalArgumentException.class, () -> ProbePorts.parse("500-600")).getMessage());
    }
}
