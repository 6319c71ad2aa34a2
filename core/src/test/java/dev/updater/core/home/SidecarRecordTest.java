package dev.updater.core.home;

import dev.updater.core.ErrorCode;
import dev.updater.core.UpdaterException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SidecarRecordTest {
    private static final Instant T = Instant.parse("2026-02-07T12:00:00Z");

    @TempDir
    Path dir;

    /** sidecar.json as the releases before the typed mode wrote it (mode was a string then). */
    private static String writtenBefore(String mode) {
        return String.join(System.lineSeparator(),
                "{",
                "  \"pid\" : 4242,",
                "  \"startedAt\" : \"2026-02-07T12:00:00Z\",",
                "  \"mode\" : \"" + mode + "\",",
                "  \"applyPolicy\" : \"manual\",",
                "  \"waitingFor\" : \"apply: updater-sidecar apply --home /var/lib/app/updates\",",
                "  \"problems\" : [ ],",
                "  \"metricsUrl\" : \"http://127.0.0.1:9400/metrics\",",
                "  \"version\" : \"1.4.0\"",
                "}") + "\n";
    }

    @Test
    void eachMode_readsFromItsWireName_andIsWrittenBackByteForByte() throws Exception {
        UpdateHome home = new UpdateHome(dir);
        for (SidecarRecord.Mode mode : SidecarRecord.Mode.values()) {
            byte[] before = writtenBefore(mode.wireName()).getBytes(StandardCharsets.UTF_8);
            Files.write(home.sidecarRecord().path(), before);

            SidecarRecord read = home.sidecarRecord().read().orElseThrow();
            assertEquals(new SidecarRecord(4242, T, mode, "manual", "apply: updater-sidecar apply --home"
                    + " /var/lib/app/updates", List.of(), "http://127.0.0.1:9400/metrics", "1.4.0"), read);
            home.sidecarRecord().write(read);

            assertArrayEquals(before, Files.readAllBytes(home.sidecarRecord().path()), mode.wireName());
        }
        assertEquals(List.of("run", "watch"), List.of(SidecarRecord.Mode.RUN.wireName(), SidecarRecord.Mode.WATCH.wireName()));
    }

    @Test
    void aModeNotKnown_makesTheRecordMalformed_listingTheKnownOnes() throws Exception {
        UpdateHome home = new UpdateHome(dir);
        Files.writeString(home.sidecarRecord().path(), writtenBefore("attach"));

        UpdaterException e = assertThrows(UpdaterException.class, () -> home.sidecarRecord().read());

        assertEquals(ErrorCode.RECORD_MALFORMED, e.code());
        assertTrue(e.getMessage().contains("\"attach\" is not a sidecar mode; expected one of [run, watch]"),
                e.getMessage());
    }
}
