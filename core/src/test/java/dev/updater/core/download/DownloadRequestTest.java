package dev.updater.core.download;

import dev.updater.core.Sha256;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class DownloadRequestTest {
    private static final URI URL = URI.create("https://r.example.com/app.jar");
    private static final Sha256 HASH = Sha256.ofBytes(new byte[0]);
    private static final Path DIR = Path.of("downloads");

    @Test
    void target_isTheFileNameInTheDirectory() {
        assertEquals(DIR.resolve("app-1.3.0.jar"), new DownloadRequest(URL, 10, HASH, DIR, "app-1.3.0.jar").target());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", ".", "..", "../app.jar", "a/b", "a\\b", "C:app.jar", "a\nb"})
    void fileName_thatIsNotAPlainName_isRejected(String name) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new DownloadRequest(URL, 10, HASH, DIR, name));
        assertEquals("A download file name must be a plain name without separators, got \"" + name + "\"", e.getMessage());
    }

    @Test
    void relativeUrlOrNegativeSize_isRejected() {
        assertThrows(IllegalArgumentException.class, () -> new DownloadRequest(URI.create("app.jar"), 10, HASH, DIR, "app.jar"));
        assertThrows(IllegalArgumentException.class, () -> new DownloadRequest(URL, -1, HASH, DIR, "app.jar"));
    }
}
