package dev.updater.sidecar.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class FileTypesTest {
    @ParameterizedTest
    @CsvSource({
            "manifest.json, application/json",
            "manifest.json.sig, text/plain; charset=utf-8",
            "manifest.signed, application/octet-stream",
            "app-1.3.0.jar, application/java-archive",
            "APP-1.3.0.JAR, application/java-archive",
            "app-1.3.0.zip, application/zip",
            "app-1.3.0.tar.gz, application/gzip",
            "app-1.3.0-linux-x64, application/octet-stream",
            "app.exe, application/octet-stream"
    })
    void contentType_followsTheExtension(String name, String type) {
        assertEquals(type, FileTypes.contentType(name));
    }

    @ParameterizedTest
    @CsvSource({
            "manifest.json, no-cache",
            "manifest.json.sig, no-cache",
            "manifest.signed, no-cache",
            "app-1.3.0.jar, 'public, max-age=31536000, immutable'",
            "app-1.3.0.jar.sig, 'public, max-age=31536000, immutable'",
            "app-2.0-linux-x64, 'public, max-age=31536000, immutable'",
            "app.jar, 'public, max-age=60'",
            "latest-linux-x64, 'public, max-age=60'"
    })
    void cacheControl_revalidatesTheManifestAndKeepsOnlyVersionedNames(String name, String cacheControl) {
        assertEquals(cacheControl, FileTypes.cacheControl(name));
    }
}
