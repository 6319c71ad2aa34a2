package dev.updater.sidecar.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class RequestedRangeTest {
    @ParameterizedTest
    @CsvSource({
            "'bytes=0-99', 0, 99",
            "'bytes=10-', 10, 999",
            "'bytes=-10', 990, 999",
            "'bytes=-5000', 0, 999",
            "'bytes=990-5000', 990, 999",
            "'bytes=999-999', 999, 999",
            "'Bytes = 1 - 2', 1, 2",
            "'bytes=5-99999999999999999999999999', 5, 999",
            "'bytes=-99999999999999999999999999', 0, 999",
            "'bytes=000000000000000000000001-2', 1, 2"
    })
    void parse_satisfiableRange_givesThatPart(String header, long first, long last) {
        assertEquals(new RequestedRange.Part(first, last), RequestedRange.parse(header, 1000));
    }

    @ParameterizedTest
    @ValueSource(strings = {"bytes=1000-", "bytes=1000-2000", "bytes=-0", "bytes=99999999999999999999999999-"})
    void parse_rangeOutsideTheFile_isUnsatisfiable(String header) {
        assertEquals(new RequestedRange.Unsatisfiable(), RequestedRange.parse(header, 1000));
    }

    @Test
    void parse_anyRangeOfAnEmptyFile_isUnsatisfiable() {
        assertEquals(new RequestedRange.Unsatisfiable(), RequestedRange.parse("bytes=0-", 0));
        assertEquals(new RequestedRange.Unsatisfiable(), RequestedRange.parse("bytes=-1", 0));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "bytes", "bytes=", "bytes=-", "bytes=5-1", "bytes=a-b", "bytes=1-2,4-5",
            "items=1-2", "bytes=1-2-3", "bytes=+1-2", "bytes=0x10-"})
    void parse_rangeTheServerMayIgnore_isTheWholeFile(String header) {
        assertEquals(new RequestedRange.Whole(), RequestedRange.parse(header, 1000));
    }

    @Test
    void parse_noHeader_isTheWholeFile() {
        assertEquals(new RequestedRange.Whole(), RequestedRange.parse(null, 1000));
    }

    @Test
    void part_lengthCountsBothEnds() {
        assertEquals(1, new RequestedRange.Part(7, 7).length());
        assertEquals(100, new RequestedRange.Part(0, 99).length());
    }

    @Test
    void part_backwards_cannotExist() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new RequestedRange.Part(5, 4));
        assertEquals("not a byte range: 5-4", e.getMessage());
    }
}
