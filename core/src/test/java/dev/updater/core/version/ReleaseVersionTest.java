package dev.updater.core.version;

import dev.updater.core.ErrorCode;
import dev.updater.core.UpdaterException;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ReleaseVersionTest {

    @Test
    void parse_acceptsLeadingV_andDropsIt() throws UpdaterException {
        assertEquals("1.3.0", ReleaseVersion.parse("v1.3.0").toString());
        assertEquals("1.3.0", ReleaseVersion.parse("V1.3.0").toString());
        assertEquals(ReleaseVersion.parse("1.3.0"), ReleaseVersion.parse("v1.3.0"));
    }

    @Test
    void ordering_followsSemver_withPreReleasesBeforeTheirRelease() throws UpdaterException {
        ReleaseVersion rc = ReleaseVersion.parse("1.3.0-rc.1");
        ReleaseVersion release = ReleaseVersion.parse("1.3.0");
        ReleaseVersion patch = ReleaseVersion.parse("1.3.1");
        ReleaseVersion ten = ReleaseVersion.parse("1.10.0");
        assertTrue(rc.isOlderThan(release));
        assertTrue(patch.isNewerThan(release));
        assertTrue(ten.isNewerThan(patch), "numeric, not lexical, ordering");
        assertTrue(rc.isPreRelease());
        assertFalse(release.isPreRelease());
    }

    @Test
    void buildMetadata_doesNotChangeEquality() throws UpdaterException {
        assertEquals(ReleaseVersion.parse("1.0.0+a"), ReleaseVersion.parse("1.0.0+b"));
        assertEquals(ReleaseVersion.parse("1.0.0+a").hashCode(), ReleaseVersion.parse("1.0.0+b").hashCode());
    }

    @Test
    void parse_rejectsNonSemver_withTheTextInTheMessage() {
        for (String bad : new String[] {"1.3", "latest", "", "v", "1.3.0.0", "01.2.3"}) {
            UpdaterException e = assertThrows(UpdaterException.class, () -> ReleaseVersion.parse(bad), bad);
            assertEquals(ErrorCode.VERSION_INVALID, e.code());
            assertEquals("\"" + bad + "\" is not a semantic version; use MAJOR.MINOR.PATCH such as 1.3.0 or 1.3.0-rc.1.",
                    e.getMessage());
        }
        assertNull(ReleaseVersion.tryParse(null));
    }
}
