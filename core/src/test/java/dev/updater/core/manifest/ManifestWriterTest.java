package dev.updater.core.manifest;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static dev.updater.core.manifest.ManifestFixtures.SHA_A;
import static dev.updater.core.manifest.ManifestFixtures.SHA_B;
import static dev.updater.core.manifest.ManifestFixtures.bytes;
import static dev.updater.core.manifest.ManifestFixtures.seed;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

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
}
