package dev.updater.core.manifest;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Instant;

import static dev.updater.core.manifest.ManifestFixtures.SHA_A;
import static dev.updater.core.manifest.ManifestFixtures.SHA_B;
import static dev.updater.core.manifest.ManifestFixtures.bytes;
import static dev.updater.core.manifest.ManifestFixtures.seed;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class ManifestWriterTest {

    @Test
    void write_producesTheStableForm_fieldsInSeedOrder_platformsSorted() throws Exception {
        Manifest m = ManifestParser.parse(bytes(seed()), "seed");

        String json = new String(ManifestWriter.write(m), StandardCharsets.UTF_8);

        assertEquals("""
                {
                  "version" : "1.3.0",
                  "release_date" : "2026-02-07T12:00:00Z",
                  "binaries" : {
                    "any" : {
                      "url" : "app-1.3.0.jar",
                      "sha256" : "%s",
                      "size" : 12457600
                    },
                    "linux-x64" : {
                      "url" : "https://mirror.example.com/app-1.3.0-linux-x64",
                      "sha256" : "%s",
                      "size" : 13000000
                    }
                  },
                  "changelog" : {
                    "features" : [
                      "Dark mode"
                    ],
                    "fixes" : [
                      "Fixed the login timeout"
                    ]
                  },
                  "min_version" : "1.0.0",
                  "breaking_changes" : false,
                  "expires" : "2026-03-09T12:00:00Z",
                  "rollout" : {
                    "percent" : 25
                  }
                }
                """.formatted(SHA_A, SHA_B), json);
    }

    @Test
    void write_thenParse_givesTheSameManifest_andTheSameBytesAgain() throws Exception {
        Manifest m = ManifestParser.parse(bytes(seed()), "seed");
        byte[] once = ManifestWriter.write(m);
        Manifest back = ManifestParser.parse(once, "written");
        assertEquals(m, back);
        assertArrayEquals(once, ManifestWriter.write(back));
    }

    @Test
    void write_keepsFractionalRolloutPercent() throws Exception {
        Manifest m = ManifestParser.parse(bytes("""
                {"version": "1.0.0", "binaries": {"any": {"url": "a", "sha256": "%s", "size": 1}},
                 "rollout": {"percent": 0.5}}
                """.formatted(SHA_A)), "x");
        Manifest back = ManifestParser.parse(ManifestWriter.write(m), "written");
        assertEquals(0.5, back.rollout().percent());
    }

    @Test
    void withExpires_ofAWrittenManifest_changesOnlyTheExpiresLine() throws Exception {
        byte[] written = ManifestWriter.write(ManifestParser.parse(bytes(seed()), "seed"));

        byte[] renewed = ManifestWriter.withExpires(written, Instant.parse("2030-01-02T03:04:05Z"), "seed");

        String expected = new String(written, StandardCharsets.UTF_8).replace(
                "\"expires\" : \"2026-03-09T12:00:00Z\"", "\"expires\" : \"2030-01-02T03:04:05Z\"");
        assertEquals(expected, new String(renewed, StandardCharsets.UTF_8));
    }

    @Test
    void withHalted_setsHaltedAndPercentZero_keepingEveryOtherFieldItsPlaceAndExactNumbers() throws Exception {
        byte[] original = bytes("""
                {"version": "1.0.0", "release_date": "2026-01-01T00:00:00Z", "binaries": {"any": {"url": "a",
                 "sha256": "%s", "size": 5, "urls": ["https://m1/a"]}}, "rollout": {"percent": 12.50, "schedule":
                 [{"percent": 12.50, "at": "PT0S"}], "salt": "q4"}, "tail": 1.10}
                """.formatted(SHA_A));

        byte[] halted = ManifestWriter.withHalted(original, "x");

        assertEquals("""
                {
                  "version" : "1.0.0",
                  "release_date" : "2026-01-01T00:00:00Z",
                  "binaries" : {
                    "any" : {
                      "url" : "a",
                      "sha256" : "%s",
                      "size" : 5,
                      "urls" : [
                        "https://m1/a"
                      ]
                    }
                  },
                  "rollout" : {
                    "percent" : 0,
                    "schedule" : [
                      {
                        "percent" : 12.50,
                        "at" : "PT0S"
                      }
                    ],
                    "salt" : "q4",
                    "halted" : true
                  },
                  "tail" : 1.10
                }
                """.formatted(SHA_A), new String(halted, StandardCharsets.UTF_8));
        Manifest without = ManifestParser.parse(ManifestWriter.withHalted(bytes("""
                {"version": "1.0.0", "binaries": {"any": {"url": "a", "sha256": "%s", "size": 5}}}
                """.formatted(SHA_A)), "x"), "x");
        assertEquals(new Rollout(100).halt(), without.rollout(), "a manifest without rollout gets a halted one");
    }

    @Test
    void withExpires_keepsUnknownFieldsTheirPlacesAndExactNumbers() throws Exception {
        byte[] original = bytes("""
                {"version": "1.0.0", "signed_by": "ci", "binaries": {"any": {"url": "a", "sha256": "%s",
                 "size": 123456789012, "urls": ["https://m1/a", "https://m2/a"], "format": "zip"}},
                 "expires": "2026-01-01T00:00:00Z", "rollout": {"percent": 12.50, "schedule": [{"at": "P1D",
                 "percent": 1e2}], "halted": false}, "config": ["conf/app.properties"], "tail": null}
                """.formatted(SHA_A));

        byte[] renewed = ManifestWriter.withExpires(original, Instant.parse("2030-01-02T03:04:05Z"), "x");

        assertEquals("""
                {
                  "version" : "1.0.0",
                  "signed_by" : "ci",
                  "binaries" : {
                    "any" : {
                      "url" : "a",
                      "sha256" : "%s",
                      "size" : 123456789012,
                      "urls" : [
                        "https://m1/a",
                        "https://m2/a"
                      ],
                      "format" : "zip"
                    }
                  },
                  "expires" : "2030-01-02T03:04:05Z",
                  "rollout" : {
                    "percent" : 12.50,
                    "schedule" : [
                      {
                        "at" : "P1D",
                        "percent" : 1E+2
                      }
                    ],
                    "halted" : false
                  },
                  "config" : [
                    "conf/app.properties"
                  ],
                  "tail" : null
                }
                """.formatted(SHA_A), new String(renewed, StandardCharsets.UTF_8));
    }

    @Test
    void withExpires_addsAMissingExpiryWhereWritePutsIt() throws Exception {
        byte[] original = bytes("""
                {"version": "1.0.0", "binaries": {"any": {"url": "a", "sha256": "%s", "size": 1}},
                 "breaking_changes": true, "rollout": {"percent": 5}}
                """.formatted(SHA_A));

        Manifest renewed = ManifestParser.parse(
                ManifestWriter.withExpires(original, Instant.parse("2030-01-02T03:04:05Z"), "x"), "renewed");
        Manifest before = ManifestParser.parse(original, "original");

        assertEquals(new Manifest(before.version(), before.releaseDate(), before.binaries(), before.changelog(),
                before.minVersion(), before.breakingChanges(), Instant.parse("2030-01-02T03:04:05Z"), before.rollout()),
                renewed);
        assertArrayEquals(ManifestWriter.write(renewed),
                ManifestWriter.withExpires(original, Instant.parse("2030-01-02T03:04:05Z"), "x"),
                "the same layout and order as publish writes");
    }

    @Test
    void withExpires_ofDuplicateKeysOrNoObject_isRefusedAsMalformed() {
        for (String json : new String[] {"[1]", "{\"version\": \"1.0.0\", \"version\": \"9.0.0\"}", "{"}) {
            dev.updater.core.UpdaterException e = assertThrows(dev.updater.core.UpdaterException.class,
                    () -> ManifestWriter.withExpires(bytes(json), Instant.EPOCH, "m.json"));
            assertEquals(dev.updater.core.ErrorCode.MANIFEST_MALFORMED, e.code(), json);
        }
    }
}
