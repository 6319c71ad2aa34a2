package dev.updater.core.home;

import dev.updater.core.ErrorCode;
import dev.updater.core.UpdaterException;
import dev.updater.core.version.ReleaseVersion;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RestartRecordTest {
    private static final Instant T = Instant.parse("2026-11-30T06:00:00Z");

    @TempDir
    Path dir;

    /** restart.json as the releases before the typed steering path wrote it (steering was a string then). */
    private static String writtenBefore(String steering) {
        return String.join(System.lineSeparator(),
                "{",
                "  \"mode\" : \"overlap\",",
                "  \"version\" : \"1.1.0\",",
                "  \"tcpMigrateReq\" : false,",
                "  \"at\" : \"2026-11-30T06:00:00Z\",",
                "  \"steering\" : \"" + steering + "\"",
                "}") + "\n";
    }

    @Test
    void eachSteeringPath_readsFromItsWireName_andIsWrittenBackByteForByte() throws Exception {
        UpdateHome home = new UpdateHome(dir);
        for (RestartRecord.SteeringPath path : RestartRecord.SteeringPath.values()) {
            byte[] before = writtenBefore(path.wireName()).getBytes(StandardCharsets.UTF_8);
            Files.write(home.restartRecord().path(), before);

            RestartRecord read = home.restartRecord().read().orElseThrow();
            assertEquals(new RestartRecord(RestartRecord.Mode.OVERLAP, null, ReleaseVersion.parse("1.1.0"), false, T, path),
                    read);
            home.restartRecord().write(read);

            assertArrayEquals(before, Files.readAllBytes(home.restartRecord().path()), path.wireName());
        }
        assertEquals(List.of("pidfd", "sidecar-socket", "off"), Arrays.stream(
                RestartRecord.SteeringPath.values()).map(RestartRecord.SteeringPath::wireName).toList());
    }

    @Test
    void aStopStartRecord_hasNoSteering() throws Exception {
        UpdateHome home = new UpdateHome(dir);
        Files.writeString(home.restartRecord().path(), "{\"mode\":\"stop-start\",\"fallback\":\"why\",\"tcpMigrateReq\":false}");

        assertNull(home.restartRecord().read().orElseThrow().steering());
    }

    @Test
    void aSteeringPathNotKnown_makesTheRecordMalformed_listingTheKnownOnes() throws Exception {
        UpdateHome home = new UpdateHome(dir);
        Files.writeString(home.restartRecord().path(), writtenBefore("ebpf"));

        UpdaterException e = assertThrows(UpdaterException.class, () -> home.restartRecord().read());

        assertEquals(ErrorCode.RECORD_MALFORMED, e.code());
        assertTrue(e.getMessage().startsWith("Record " + home.restartRecord().path() + " is not a valid RestartRecord ("),
                e.getMessage());
        assertTrue(e.getMessage().contains("\"ebpf\" is not a steering path; expected one of [pidfd, sidecar-socket,"
                + " off]); it was changed by hand or by another version."), e.getMessage());
    }
}
