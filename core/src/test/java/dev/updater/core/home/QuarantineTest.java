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
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class QuarantineTest {
    private static final Instant T = Instant.parse("2026-11-30T06:00:00Z");
    /** quarantine.json as the releases before typed versions wrote it (versions were strings then). */
    private static final String WRITTEN_BEFORE = String.join(System.lineSeparator(),
            "{",
            "  \"versions\" : [ {",
            "    \"version\" : \"1.2.0\",",
            "    \"reason\" : \"failed its health gate\",",
            "    \"at\" : \"2026-11-30T06:00:00Z\",",
            "    \"held\" : false",
            "  }, {",
            "    \"version\" : \"1.3.0-rc.1+build.7\",",
            "    \"reason\" : \"an operator rolled back from it to 1.2.0\",",
            "    \"at\" : \"2026-11-30T06:00:00Z\",",
            "    \"held\" : true",
            "  } ]",
            "}") + "\n";

    @TempDir
    Path dir;

    @Test
    void aFileWrittenBeforeTypedVersions_reads_andIsWrittenBackByteForByte() throws Exception {
        UpdateHome home = new UpdateHome(dir);
        Path file = Files.writeString(home.quarantine(), WRITTEN_BEFORE, StandardCharsets.UTF_8);
        byte[] before = Files.readAllBytes(file);

        Quarantine read = home.quarantineList().read().orElseThrow();
        assertEquals(List.of(new Quarantine.Entry(v("1.2.0"), "failed its health gate", T, false),
                new Quarantine.Entry(v("1.3.0-rc.1+build.7"), "an operator rolled back from it to 1.2.0", T, true)),
                read.versions());
        home.quarantineList().write(read);

        assertArrayEquals(before, Files.readAllBytes(file), Files.readString(file));
    }

    @Test
    void versionsAreComparedAsVersions_notAsText() throws Exception {
        Quarantine q = Quarantine.NONE.with(v("v1.2.0"), "failed", T).orElseThrow();

        assertTrue(q.contains(v("1.2.0")));
        assertTrue(q.contains(v("1.2.0+other.build")), "build metadata names the same version (SemVer)");
        assertFalse(q.contains(v("1.2.1")));
        assertEquals(Optional.empty(), q.with(v("1.2.0"), "again", T));
        assertEquals(Optional.empty(), q.withHeld(v("1.2.0"), "again", T));
        assertEquals(Optional.empty(), q.with(null, "unknown", T));
        assertEquals(Optional.of(Quarantine.NONE), q.without(v("1.2.0")));
        assertEquals(Optional.empty(), Quarantine.NONE.without(v("1.2.0")));
        ReleaseVersion held = v("1.4.0");
        assertEquals(Optional.of(true), q.withHeld(held, "held", T).flatMap(h -> h.entry(held)).map(Quarantine.Entry::held));
    }

    @Test
    void aVersionThatIsNoVersion_makesTheFileMalformed_namingTheEntry() throws Exception {
        UpdateHome home = new UpdateHome(dir);
        Path file = Files.writeString(home.quarantine(), WRITTEN_BEFORE.replace("1.2.0\"", "latest\""));

        UpdaterException e = assertThrows(UpdaterException.class, () -> home.quarantineList().read());

        assertEquals(ErrorCode.RECORD_MALFORMED, e.code());
        assertEquals("Record " + file + " is not a valid Quarantine (its versions.0.version \"latest\" is not a"
                + " semantic version); it was changed by hand or by another version. Move it away and let updater"
                + " write it again.", e.getMessage());
    }

    private static ReleaseVersion v(String text) throws UpdaterException {
        return ReleaseVersion.parse(text);
    }
}
