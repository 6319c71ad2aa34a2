package dev.updater.core.manifest;

import dev.updater.core.ErrorCode;
import dev.updater.core.Sha256;
import dev.updater.core.UpdaterException;
import dev.updater.core.version.ReleaseVersion;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;

import static dev.updater.core.manifest.ManifestFixtures.SHA_A;
import static dev.updater.core.manifest.ManifestFixtures.SHA_B;
import static dev.updater.core.manifest.ManifestFixtures.bytes;
import static dev.updater.core.manifest.ManifestFixtures.seed;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ManifestParserTest {
    private static final String SRC = "https://releases.example.com/app/manifest.json";

    @Test
    void parse_readsEveryFieldOfTheSeedFormat() throws Exception {
        Manifest m = ManifestParser.parse(bytes(seed()), SRC);

        assertEquals(ReleaseVersion.parse("1.3.0"), m.version());
        assertEquals(Instant.parse("2026-02-07T12:00:00Z"), m.releaseDate());
        assertEquals(List.of("any", "linux-x64"), List.copyOf(m.binaries().keySet()));
        Artifact any = m.binaries().get("any");
        assertEquals("app-1.3.0.jar", any.url());
        assertEquals(SHA_A, any.sha256().hex());
        assertEquals(12457600L, any.size());
        assertEquals(SHA_B, m.binaries().get("linux-x64").sha256().hex());
        assertEquals(List.of("Dark mode"), m.changelog().features());
        assertEquals(List.of("Fixed the login timeout"), m.changelog().fixes());
        assertEquals(ReleaseVersion.parse("1.0.0"), m.minVersion());
        assertFalse(m.breakingChanges());
        assertEquals(Instant.parse("2026-03-09T12:00:00Z"), m.expires());
        assertEquals(25.0, m.rollout().percent());
    }

    @Test
    void parse_acceptsTheMinimalManifest_withDefaultsForOptionalFields() throws Exception {
        Manifest m = ManifestParser.parse(bytes("""
                {"version": "v2.0.0", "binaries": {"any": {"url": "a.jar", "sha256": "%s", "size": 1}}}
                """.formatted(SHA_A)), SRC);
        assertEquals("2.0.0", m.version().toString());
        assertNull(m.releaseDate());
        assertTrue(m.changelog().isEmpty());
        assertNull(m.minVersion());
        assertFalse(m.breakingChanges());
        assertNull(m.expires());
        assertNull(m.rollout());
    }

    @Test
    void parse_ignoresUnknownFields_atEveryLevel() throws Exception {
        Manifest m = ManifestParser.parse(bytes("""
                {"version": "1.0.0", "future": {"x": 1},
                 "binaries": {"any": {"url": "a.jar", "sha256": "%s", "size": 5, "signature": "later"}},
                 "changelog": {"features": [], "security": ["CVE"]}}
                """.formatted(SHA_A)), SRC);
        assertEquals(5, m.binaries().get("any").size());
    }

    @Test
    void parse_readsAnArtifactsEntryIndex_andTheWriterWritesItBack() throws Exception {
        Manifest m = ManifestParser.parse(bytes("""
                {"version": "1.0.0", "binaries": {"any": {"url": "a.jar", "sha256": "%s", "size": 5,
                 "index": {"url": "a.jar.index", "sha256": "%s", "size": 42, "objects": "objects/"}}}}
                """.formatted(SHA_A, SHA_B)), SRC);
        Artifact.IndexRef index = m.binaries().get("any").index();
        assertEquals(new Artifact.IndexRef("a.jar.index", new Sha256(SHA_B), 42, "objects/"), index);
        assertEquals(URI.create("https://releases.example.com/app/objects/" + SHA_A),
                index.object(URI.create(SRC), new Sha256(SHA_A)));
        assertEquals(index, ManifestParser.parse(ManifestWriter.write(m), SRC).binaries().get("any").index());
    }

    @Test
    void parse_refusesAMalformedEntryIndex_namingEachField() {
        assertInvalid("""
                {"version": "1.0.0", "binaries": {"any": {"url": "a.jar", "sha256": "%s", "size": 5,
                 "index": {"url": "a.jar.index", "sha256": "abc", "size": 0, "objects": "objects"}}}}
                """.formatted(SHA_A),
                "$.binaries.any.index.sha256 must be 64 hex digits, got \"abc\";"
                        + " $.binaries.any.index.objects must be a URL or relative path ending with '/', got \"objects\";"
                        + " $.binaries.any.index.size must be a whole number of bytes greater than 0, got the number 0");
    }

    @Test
    void parse_readsAnArchiveFormatAndConfigPaths_andTheWriterWritesThemBack() throws Exception {
        Manifest m = ManifestParser.parse(bytes("""
                {"version": "1.0.0", "binaries": {
                 "any": {"url": "app-1.0.0.zip", "sha256": "%s", "size": 5, "format": "zip",
                         "config": ["config/app.properties", "bin/env.sh"]},
                 "linux-x64": {"url": "app-1.0.0.tgz", "sha256": "%s", "size": 6, "format": "tar.gz"}}}
                """.formatted(SHA_A, SHA_B)), SRC);

        Artifact zip = m.binaries().get("any");
        assertEquals(ArchiveFormat.ZIP, zip.format());
        assertEquals(List.of("config/app.properties", "bin/env.sh"), zip.config());
        assertEquals(ArchiveFormat.TAR_GZ, m.binaries().get("linux-x64").format());
        assertEquals(List.of(), m.binaries().get("linux-x64").config());
        assertEquals(m, ManifestParser.parse(ManifestWriter.write(m), SRC));
    }

    @Test
    void parse_withoutFormat_isASingleFile_asBeforeTheFieldExisted() throws Exception {
        Artifact jar = ManifestParser.parse(bytes(seed()), SRC).binaries().get("any");
        assertNull(jar.format());
        assertFalse(jar.isArchive());
        assertFalse(new String(ManifestWriter.write(ManifestParser.parse(bytes(seed()), SRC))).contains("format"));
    }

    @Test
    void parse_refusesAnUnknownFormat_andConfigPathsThatLeaveTheArchive() {
        assertInvalid("""
                {"version": "1.0.0", "binaries": {"any": {"url": "a.rar", "sha256": "%s", "size": 5, "format": "rar",
                 "config": ["../etc/passwd", "/etc/shadow", "C:/boot.ini", "a/./b", "a\\\\b", "ok/app.conf"]}}}
                """.formatted(SHA_A),
                "$.binaries.any.format must be one of \"zip\", \"tar.gz\" (or absent for a single file), got \"rar\";"
                        + " $.binaries.any.config[0] must be a relative path inside the archive such as"
                        + " config/app.properties, got \"../etc/passwd\";"
                        + " $.binaries.any.config[1] must be a relative path inside the archive such as"
                        + " config/app.properties, got \"/etc/shadow\";"
                        + " $.binaries.any.config[2] must be a relative path inside the archive such as"
                        + " config/app.properties, got \"C:/boot.ini\";"
                        + " $.binaries.any.config[3] must be a relative path inside the archive such as"
                        + " config/app.properties, got \"a/./b\";"
                        + " $.binaries.any.config[4] must be a relative path inside the archive such as"
                        + " config/app.properties, got \"a\\b\"");
    }

    @Test
    void parse_refusesConfigOnASingleFile() {
        assertInvalid("""
                {"version": "1.0.0", "binaries": {"any": {"url": "a.jar", "sha256": "%s", "size": 5,
                 "config": ["app.properties"]}}}
                """.formatted(SHA_A),
                "$.binaries.any.config names files inside an archive; add \"format\": \"zip\" or \"tar.gz\"");
    }

    @Test
    void parse_readsAnArtifactsMirrors_resolvesThemAgainstTheManifest_andTheWriterWritesThemBack() throws Exception {
        Manifest m = ManifestParser.parse(bytes("""
                {"version": "1.0.0", "binaries": {"any": {"url": "a.jar", "sha256": "%s", "size": 5,
                 "urls": ["https://mirror.example.net/app/a.jar", "a.jar", "../eu/a.jar"]}}}
                """.formatted(SHA_A)), SRC);
        Artifact artifact = m.binaries().get("any");
        assertEquals(List.of("https://mirror.example.net/app/a.jar", "a.jar", "../eu/a.jar"), artifact.urls());
        assertEquals(List.of(URI.create("https://releases.example.com/app/a.jar"), URI.create("https://mirror.example.net/app/a.jar"),
                URI.create("https://releases.example.com/eu/a.jar")), artifact.candidates(URI.create(SRC)),
                "url first, then the mirrors, each once");
        assertEquals(artifact, ManifestParser.parse(ManifestWriter.write(m), SRC).binaries().get("any"));
    }

    @Test
    void parse_refusesMalformedMirrors_namingEachOne() {
        assertInvalid("""
                {"version": "1.0.0", "binaries": {"any": {"url": "a.jar", "sha256": "%s", "size": 5,
                 "urls": ["https://ok.example/a.jar", 7, "", "has space.jar"]}}}
                """.formatted(SHA_A),
                "$.binaries.any.urls[1] is not a valid URL or relative path, got the number 7;"
                        + " $.binaries.any.urls[2] is not a valid URL or relative path, got \"\";"
                        + " $.binaries.any.urls[3] is not a valid URL or relative path, got \"has space.jar\"");
        assertInvalid("""
                {"version": "1.0.0", "binaries": {"any": {"url": "a.jar", "sha256": "%s", "size": 5, "urls": "b.jar"}}}
                """.formatted(SHA_A), "$.binaries.any.urls must be an array of URLs, got the string \"b.jar\"");
    }

    @Test
    void parse_refusesMoreThanSixteenMirrors() {
        String urls = java.util.stream.IntStream.range(0, 17).mapToObj(i -> "\"m" + i + ".jar\"").collect(java.util.stream.Collectors.joining(","));
        assertInvalid("""
                {"version": "1.0.0", "binaries": {"any": {"url": "a.jar", "sha256": "%s", "size": 5, "urls": [%s]}}}
                """.formatted(SHA_A, urls), "$.binaries.any.urls lists 17 URLs; at most 16 are allowed");
    }

    @Test
    void parse_treatsTheSeedsWindowsExeKey_asWindowsX64() throws Exception {
        Manifest m = ManifestParser.parse(bytes("""
                {"version": "1.0.0", "binaries": {"windows-x64.exe": {"url": "a.exe", "sha256": "%s", "size": 5}}}
                """.formatted(SHA_A)), SRC);
        assertEquals(List.of("windows-x64"), List.copyOf(m.binaries().keySet()));
    }

    @Test
    void parse_acceptsDatesWithOffsets_asTheSameInstant() throws Exception {
        Manifest m = ManifestParser.parse(bytes("""
                {"version": "1.0.0", "release_date": "2026-02-07T14:00:00+02:00",
                 "binaries": {"any": {"url": "a.jar", "sha256": "%s", "size": 5}}}
                """.formatted(SHA_A)), SRC);
        assertEquals(Instant.parse("2026-02-07T12:00:00Z"), m.releaseDate());
    }

    @Test
    void artifactUrl_resolvesRelativeToTheManifest_andKeepsAbsoluteOnes() throws Exception {
        Manifest m = ManifestParser.parse(bytes(seed()), SRC);
        URI manifestUri = URI.create(SRC);
        assertEquals(URI.create("https://releases.example.com/app/app-1.3.0.jar"),
                m.binaries().get("any").resolve(manifestUri));
        assertEquals(URI.create("https://mirror.example.com/app-1.3.0-linux-x64"),
                m.binaries().get("linux-x64").resolve(manifestUri));
    }

    @Test
    void parse_refusesOver1MiB_beforeParsing() {
        byte[] big = new byte[ManifestParser.MAX_BYTES + 1];
        Arrays.fill(big, (byte) '{'); // not even JSON: proves it is refused unread
        UpdaterException e = assertThrows(UpdaterException.class, () -> ManifestParser.parse(big, SRC));
        assertEquals(ErrorCode.MANIFEST_TOO_LARGE, e.code());
        assertEquals("Manifest " + SRC + " is 1048577 bytes, over the limit of 1048576 bytes; it is refused unread.",
                e.getMessage());
    }

    @Test
    void parse_reportsMalformedJson_withLineAndColumn() {
        UpdaterException e = assertThrows(UpdaterException.class,
                () -> ManifestParser.parse(bytes("{\n  \"version\": \"1.0.0\",\n  \"binaries\": {\n}"), SRC));
        assertEquals(ErrorCode.MANIFEST_MALFORMED, e.code());
        assertTrue(e.getMessage().startsWith("Manifest " + SRC + " is not valid JSON at line 4"), e.getMessage());
    }

    @Test
    void parse_quotesValuesWithTerminalControls_escaped() {
        // JSON escapes decode to real ESC, C1 CSI and bidi characters in the values a problem quotes
        assertInvalid("""
                {"version": "1.0.0\\u001b[1A\\u001b[2K", "expires": "\\u009b2J\\u202enow",
                 "binaries": {"any\\u001b]0;owned\\u0007": {"url": "a", "sha256": "%s", "size": 1}}}
                """.formatted(SHA_A),
                "$.version must be a semantic version such as 1.3.0, got \"1.0.0\\e[1A\\e[2K\";"
                        + " $.binaries.any\\e]0;owned\\x07 is not a platform key; use lower-case words and digits"
                        + " joined by '-' such as linux-x64, or any;"
                        + " $.expires must be an ISO-8601 date-time such as 2026-02-07T12:00:00Z, got"
                        + " \"\\u009b2J\\u202enow\"");
    }

    @Test
    void parse_ofJsonWithATerminalControlInAToken_quotesTheParsersMessageEscaped() {
        // Jackson takes ESC as part of a bare token and quotes it in its message
        UpdaterException e = assertThrows(UpdaterException.class,
                () -> ManifestParser.parse(bytes("{\"version\": tru\u001b]0;owned\u0007}"), SRC));
        assertEquals(ErrorCode.MANIFEST_MALFORMED, e.code());
        assertTrue(e.getMessage().startsWith("Manifest " + SRC + " is not valid JSON at line 1, column "), e.getMessage());
        assertTrue(e.getMessage().contains("Unrecognized token 'tru\\e'"), e.getMessage());
        assertFalse(e.getMessage().contains("\u001b"), e.getMessage());
    }

    @Test
    void parse_cutsALongValue_inItsProblem() {
        assertInvalid("{\"version\": \"" + "9".repeat(500) + "x\", \"binaries\": {\"any\": {\"url\": \"a\","
                        + " \"sha256\": \"" + SHA_A + "\", \"size\": 1}}}",
                "$.version must be a semantic version such as 1.3.0, got \"" + "9".repeat(77) + "...\"");
    }

    @Test
    void parse_refusesANonObject() {
        UpdaterException e = assertThrows(UpdaterException.class, () -> ManifestParser.parse(bytes("[1]"), SRC));
        assertEquals(ErrorCode.MANIFEST_MALFORMED, e.code());
        assertEquals("Manifest " + SRC + " must be a JSON object, got an array.", e.getMessage());
    }

    @Test
    void parse_refusesDuplicateKeys_thatTwoParsersCouldReadDifferently() {
        UpdaterException e = assertThrows(UpdaterException.class, () -> ManifestParser.parse(bytes("""
                {"version": "1.0.0", "version": "9.9.9", "binaries": {"any": {"url": "a", "sha256": "%s", "size": 1}}}
                """.formatted(SHA_A)), SRC));
        assertEquals(ErrorCode.MANIFEST_MALFORMED, e.code());
        assertTrue(e.getMessage().contains("Duplicate field 'version'"), e.getMessage());
    }

    @Test
    void parse_reportsEveryMissingField_atOnce() {
        UpdaterException e = assertThrows(UpdaterException.class,
                () -> ManifestParser.parse(bytes("{\"binaries\": {\"any\": {}}}"), SRC));
        assertEquals(ErrorCode.MANIFEST_INVALID, e.code());
        assertEquals("Manifest " + SRC + " is invalid: $.version is missing; $.binaries.any.url is missing;"
                + " $.binaries.any.sha256 is missing; $.binaries.any.size is missing.", e.getMessage());
    }

    @Test
    void parse_refusesMissingOrEmptyBinaries() {
        assertInvalid("{\"version\": \"1.0.0\"}", "$.binaries is missing");
        assertInvalid("{\"version\": \"1.0.0\", \"binaries\": {}}", "$.binaries must name at least one artifact");
        assertInvalid("{\"version\": \"1.0.0\", \"binaries\": []}",
                "$.binaries must be an object of platform keys, got an array");
    }

    @Test
    void parse_refusesWrongTypes_namingPathAndValue() {
        assertInvalid("""
                {"version": 1.3, "release_date": 5, "breaking_changes": "yes",
                 "binaries": {"any": {"url": 7, "sha256": "%s", "size": "12"}}, "changelog": {"features": "x"},
                 "rollout": 25}
                """.formatted(SHA_A),
                "$.version must be a string, got the number 1.3; $.release_date must be a string, got the number 5;"
                        + " $.binaries.any.url must be a string, got the number 7;"
                        + " $.binaries.any.size must be a whole number of bytes, got the string \"12\";"
                        + " $.changelog.features must be an array of strings, got the string \"x\";"
                        + " $.breaking_changes must be true or false, got the string \"yes\";"
                        + " $.rollout must be an object such as {\"percent\": 25}, got the number 25");
    }

    @Test
    void parse_refusesBadHex_andShortOrLongDigests() {
        assertInvalid(artifactJson("\"" + "g".repeat(64) + "\"", "1"),
                "$.binaries.any.sha256 must be 64 hex digits, got \"" + "g".repeat(64) + "\"");
        assertInvalid(artifactJson("\"abc\"", "1"), "$.binaries.any.sha256 must be 64 hex digits, got \"abc\"");
        assertInvalid(artifactJson("\"" + SHA_A + "a\"", "1"),
                "$.binaries.any.sha256 must be 64 hex digits, got \"" + SHA_A + "a\"");
    }

    @Test
    void parse_refusesZeroNegativeAndFractionalSizes() {
        String sha = "\"" + SHA_A + "\"";
        assertInvalid(artifactJson(sha, "0"), "$.binaries.any.size must be greater than 0, got 0");
        assertInvalid(artifactJson(sha, "-5"), "$.binaries.any.size must be greater than 0, got -5");
        assertInvalid(artifactJson(sha, "1.5"), "$.binaries.any.size must be a whole number of bytes, got the number 1.5");
        assertInvalid(artifactJson(sha, "99999999999999999999"),
                "$.binaries.any.size must be a whole number of bytes, got the number 99999999999999999999");
    }

    @Test
    void parse_refusesBadVersionsDatesKeysAndRollouts() {
        assertInvalid("""
                {"version": "latest", "min_version": "1.0", "expires": "tomorrow",
                 "binaries": {"Linux X64": {"url": "a", "sha256": "%s", "size": 1}}, "rollout": {"percent": 101}}
                """.formatted(SHA_A),
                "$.version must be a semantic version such as 1.3.0, got \"latest\";"
                        + " $.binaries.Linux X64 is not a platform key; use lower-case words and digits joined by '-'"
                        + " such as linux-x64, or any;"
                        + " $.min_version must be a semantic version such as 1.3.0, got \"1.0\";"
                        + " $.expires must be an ISO-8601 date-time such as 2026-02-07T12:00:00Z, got \"tomorrow\";"
                        + " $.rollout.percent must be a number from 0 to 100, got the number 101");
    }

    @Test
    void parse_readsScheduleHaltAndSalt_andWriterRoundTripsThem() throws Exception {
        Manifest m = ManifestParser.parse(bytes("""
                {"version": "1.3.0", "release_date": "2026-02-07T12:00:00Z",
                 "binaries": {"any": {"url": "a.jar", "sha256": "%s", "size": 1}},
                 "rollout": {"schedule": [{"percent": 1, "at": "PT0S"}, {"percent": 50.5, "at": "PT24H"}],
                             "halted": true, "salt": "2026-q1"}}
                """.formatted(SHA_A)), SRC);

        assertEquals(new Rollout(0, RolloutSchedule.parse("1%@0h,50.5%@24h"), true, "2026-q1"), m.rollout(),
                "percent left out: 0 for a halted release");
        assertEquals(m, ManifestParser.parse(ManifestWriter.write(m), SRC));
        Manifest first = ManifestParser.parse(bytes("""
                {"version": "1.3.0", "release_date": "2026-02-07T12:00:00Z",
                 "binaries": {"any": {"url": "a.jar", "sha256": "%s", "size": 1}},
                 "rollout": {"schedule": [{"percent": 5, "at": "PT0S"}, {"percent": 100, "at": "P2D"}]}}
                """.formatted(SHA_A)), SRC);
        assertEquals(5.0, first.rollout().percent(), "percent left out: the 0h wave's share, for older agents");
    }

    @Test
    void parse_refusesBadSchedules_withTheirPaths() {
        assertInvalid("""
                {"version": "1.3.0", "binaries": {"any": {"url": "a", "sha256": "%s", "size": 1}},
                 "rollout": {"percent": 1, "schedule": [{"percent": 10, "at": "6h"}, {"percent": "all", "at": "P1D"}],
                 "halted": "yes", "salt": "a b"}}
                """.formatted(SHA_A),
                "$.rollout.schedule[0].at must be an ISO-8601 duration after the release date such as PT6H or P2D,"
                        + " got \"6h\"; $.rollout.schedule[1].percent must be a number from 0 to 100, got the string"
                        + " \"all\"; $.rollout.halted must be true or false, got the string \"yes\"; $.rollout.salt"
                        + " must be 1 to 64 letters, digits, '.', '_' or '-', got \"a b\"");
        assertInvalid("""
                {"version": "1.3.0", "binaries": {"any": {"url": "a", "sha256": "%s", "size": 1}},
                 "rollout": {"schedule": [{"percent": 50, "at": "PT6H"}, {"percent": 10, "at": "PT1H"}]}}
                """.formatted(SHA_A),
                "$.rollout.schedule: step 10%@1h must come later than the step before it, 50%@6h (steps are in time"
                        + " order); $.rollout.schedule: step 10%@1h must reach more hosts than the step before it,"
                        + " 50%@6h (a rollout only widens; halt a release with 'publish --halt')");
        assertInvalid("""
                {"version": "1.3.0", "binaries": {"any": {"url": "a", "sha256": "%s", "size": 1}},
                 "rollout": {"schedule": [{"percent": 100, "at": "PT0S"}]}}
                """.formatted(SHA_A),
                "$.rollout.schedule counts from $.release_date, which is missing");
    }

    @Test
    void parse_refusesUrlsThatAreNotUrls() {
        assertInvalid(artifactUrlJson("app 1.0.jar"), "$.binaries.any.url is not a valid URL or relative path, got"
                + " \"app 1.0.jar\" (encode spaces and other special characters)");
        assertInvalid(artifactUrlJson("ftp://mirror.example.com/app.jar"), "$.binaries.any.url is not a valid URL or"
                + " relative path, got \"ftp://mirror.example.com/app.jar\" (encode spaces and other special characters)");
        assertInvalid(artifactUrlJson("file:///etc/passwd"), "$.binaries.any.url is not a valid URL or relative path,"
                + " got \"file:///etc/passwd\" (encode spaces and other special characters)");
    }

    private static String artifactUrlJson(String url) {
        return "{\"version\": \"1.0.0\", \"binaries\": {\"any\": {\"url\": \"" + url + "\", \"sha256\": \""
                + SHA_A + "\", \"size\": 1}}}";
    }

    @Test
    void parse_refusesTheSamePlatformTwice_viaTheExeAlias() {
        assertInvalid("""
                {"version": "1.0.0", "binaries": {
                  "windows-x64": {"url": "a", "sha256": "%1$s", "size": 1},
                  "windows-x64.exe": {"url": "b", "sha256": "%1$s", "size": 1}}}
                """.formatted(SHA_A), "$.binaries.windows-x64.exe names platform windows-x64 a second time");
    }

    private static String artifactJson(String sha, String size) {
        return "{\"version\": \"1.0.0\", \"binaries\": {\"any\": {\"url\": \"a.jar\", \"sha256\": " + sha
                + ", \"size\": " + size + "}}}";
    }

    private static void assertInvalid(String json, String problems) {
        UpdaterException e = assertThrows(UpdaterException.class, () -> ManifestParser.parse(bytes(json), SRC));
        assertEquals(ErrorCode.MANIFEST_INVALID, e.code(), e.getMessage());
        assertEquals("Manifest " + SRC + " is invalid: " + problems + ".", e.getMessage());
    }
}
