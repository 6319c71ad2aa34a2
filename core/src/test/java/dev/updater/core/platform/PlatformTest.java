package dev.updater.core.platform;

import dev.updater.core.ErrorCode;
import dev.updater.core.UpdaterException;
import dev.updater.core.manifest.Manifest;
import dev.updater.core.manifest.ManifestParser;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static dev.updater.core.manifest.ManifestFixtures.SHA_A;
import static dev.updater.core.manifest.ManifestFixtures.bytes;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class PlatformTest {

    @ParameterizedTest
    @CsvSource({
            "Linux, amd64, linux-x64",
            "Linux, aarch64, linux-arm64",
            "Mac OS X, x86_64, darwin-x64",
            "Mac OS X, aarch64, darwin-arm64",
            "Windows 11, amd64, windows-x64",
            "Windows Server 2022, amd64, windows-x64",
            "Linux, ppc64le, linux-ppc64le",
            "FreeBSD, amd64, freebsd-x64",
            "'', '', unknown-unknown"
    })
    void detect_mapsOsNameAndArch_toAManifestKey(String osName, String osArch, String key) {
        assertEquals(key, Platform.detect(osName, osArch).key());
    }

    @Test
    void current_isAKeyShapedLikeTheManifestsKeys() {
        assertEquals(Platform.current().key(), PlatformKeys.normalize(Platform.current().key()));
    }

    @Test
    void artifactFor_prefersTheExactKey_thenAny() throws Exception {
        Manifest m = manifest("\"any\": " + artifact("app.jar") + ", \"linux-x64\": " + artifact("app-linux"));
        assertEquals("app-linux", m.artifactFor(Platform.detect("Linux", "amd64")).url());
        assertEquals("app.jar", m.artifactFor(Platform.detect("Mac OS X", "aarch64")).url());
    }

    @Test
    void artifactFor_findsTheSeedsWindowsExeKey() throws Exception {
        Manifest m = manifest("\"windows-x64.exe\": " + artifact("app.exe"));
        assertEquals("app.exe", m.artifactFor(Platform.detect("Windows 10", "amd64")).url());
    }

    @Test
    void artifactFor_unsupportedPlatform_namesThePlatformAndTheKeysOffered() throws Exception {
        Manifest m = manifest("\"linux-x64\": " + artifact("a") + ", \"darwin-arm64\": " + artifact("b"));
        UpdaterException e = assertThrows(UpdaterException.class,
                () -> m.artifactFor(Platform.detect("Linux", "ppc64le")));
        assertEquals(ErrorCode.PLATFORM_UNSUPPORTED, e.code());
        assertEquals("Release 1.0.0 has no artifact for this platform, linux-ppc64le (os.name=Linux,"
                + " os.arch=ppc64le); it offers darwin-arm64, linux-x64. Publish an artifact for linux-ppc64le"
                + " or one for any platform.", e.getMessage());
    }

    @Test
    void normalize_keepsUnknownButWellShapedKeys_andRejectsOthers() {
        assertEquals("linux-riscv64", PlatformKeys.normalize("linux-riscv64"));
        assertEquals("windows-arm64", PlatformKeys.normalize("windows-arm64.exe"));
        assertEquals(null, PlatformKeys.normalize("Linux-X64"));
        assertEquals(null, PlatformKeys.normalize("linux--x64"));
        assertEquals(null, PlatformKeys.normalize("../any"));
    }

    private static String artifact(String url) {
        return "{\"url\": \"" + url + "\", \"sha256\": \"" + SHA_A + "\", \"size\": 10}";
    }

    private static Manifest manifest(String binaries) throws UpdaterException {
        return ManifestParser.parse(bytes("{\"version\": \"1.0.0\", \"binaries\": {" + binaries + "}}"), "test");
    }
}
