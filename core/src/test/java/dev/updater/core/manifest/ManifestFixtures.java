package dev.updater.core.manifest;

import java.nio.charset.StandardCharsets;

/** Manifests as text, for tests that feed the parser exact bytes. */
public final class ManifestFixtures {
    public static final String SHA_A = "a".repeat(64);
    public static final String SHA_B = "0123456789abcdef".repeat(4);

    private ManifestFixtures() {
    }

    /** The seed's manifest, with this design's optional fields. */
    public static String seed() {
        return """
                {
                  "version": "1.3.0",
                  "release_date": "2026-02-07T12:00:00Z",
                  "binaries": {
                    "any": { "url": "app-1.3.0.jar", "sha256": "%s", "size": 12457600 },
                    "linux-x64": { "url": "https://mirror.example.com/app-1.3.0-linux-x64", "sha256": "%s", "size": 13000000 }
                  },
                  "changelog": { "features": ["Dark mode"], "fixes": ["Fixed the login timeout"] },
                  "min_version": "1.0.0",
                  "breaking_changes": false,
                  "expires": "2026-03-09T12:00:00Z",
                  "rollout": { "percent": 25 }
                }
                """.formatted(SHA_A, SHA_B);
    }

    public static byte[] bytes(String json) {
        return json.getBytes(StandardCharsets.UTF_8);
    }
}
