package dev.updater.core.download;

import dev.updater.core.Sha256;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PartialDownloadTest {
    private static final byte[] BODY = DownloaderTest.randomBytes(10_000, 7);

    @TempDir
    Path dir;

    @Test
    void resume_ofAPartWithMatchingMeta_rehashesItsBytes() throws IOException {
        DownloadRequest request = request();
        write(request, 4000, "\"e1\"", null);

        try (PartialDownload part = PartialDownload.resume(request)) {
            assertEquals(4000, part.bytes());
            assertEquals(Map.of("Range", "bytes=4000-", "If-Range", "\"e1\""), part.resumeHeaders());
            part.append(List.of(ByteBuffer.wrap(BODY, 4000, 6000)));
            assertEquals(Sha256.ofBytes(BODY), part.sha256());
        }
    }

    @Test
    void resume_ofAPartWithoutMeta_deletesItAndStartsEmpty() throws IOException {
        DownloadRequest request = request();
        Files.write(PartialDownload.partPath(request), new byte[100]);

        try (PartialDownload part = PartialDownload.resume(request)) {
            assertEquals(0, part.bytes());
        }
        assertFalse(Files.exists(PartialDownload.partPath(request)));
    }

    @Test
    void resume_ofAPartPlantedAsSymlink_removesTheLinkAndNeverTouchesItsTarget() throws IOException {
        DownloadRequest request = request();
        write(request, 100, "\"e1\"", null);
        Path victim = Files.writeString(dir.resolve("victim.txt"), "keep me");
        Files.delete(PartialDownload.partPath(request));
        Files.createSymbolicLink(PartialDownload.partPath(request), victim);

        try (PartialDownload part = PartialDownload.resume(request)) {
            assertEquals(0, part.bytes());
            part.append(List.of(ByteBuffer.wrap(BODY, 0, 10)));
        }

        assertEquals("keep me", Files.readString(victim));
        assertFalse(Files.isSymbolicLink(PartialDownload.partPath(request)));
        assertEquals(10, Files.size(PartialDownload.partPath(request)));
    }

    @Test
    void resume_ofAPartLongerThanTheArtifact_startsEmpty() throws IOException {
        DownloadRequest request = request();
        write(request, 100, "\"e1\"", null);
        Files.write(PartialDownload.partPath(request), new byte[BODY.length + 1]);

        try (PartialDownload part = PartialDownload.resume(request)) {
            assertEquals(0, part.bytes());
        }
    }

    @Test
    void resumeHeaders_preferAStrongEtag_elseLastModified_elseOnlyRange() throws IOException {
        assertEquals(Map.of("Range", "bytes=100-", "If-Range", "Sat, 07 Feb 2026 12:00:00 GMT"),
                headersAfter("W/\"weak\"", "Sat, 07 Feb 2026 12:00:00 GMT"));
        assertEquals(Map.of("Range", "bytes=100-"), headersAfter("W/\"weak\"", null));
        assertEquals(Map.of("Range", "bytes=100-"), headersAfter(null, null));
    }

    @Test
    void commit_renamesThePartAndRemovesTheMeta() throws IOException {
        DownloadRequest request = request();
        write(request, BODY.length, "\"e1\"", null);

        try (PartialDownload part = PartialDownload.resume(request)) {
            part.commit(request.target());
        }

        assertArrayEquals(BODY, Files.readAllBytes(request.target()));
        try (var files = Files.list(dir)) {
            assertEquals(List.of(request.target()), files.toList());
        }
    }

    @Test
    void meta_namesTheArtifactAndTheValidators() throws IOException {
        DownloadRequest request = request();
        write(request, 10, "\"e1\"", "Sat, 07 Feb 2026 12:00:00 GMT");

        String meta = Files.readString(dir.resolve("app.jar.part.meta"), StandardCharsets.UTF_8);

        assertEquals("sha256=" + Sha256.ofBytes(BODY).hex() + "\nsize=10000\netag=\"e1\"\nlast-modified=Sat, 07 Feb 2026 12:00:00 GMT\n", meta);
        assertTrue(Files.exists(PartialDownload.partPath(request)));
    }

    private Map<String, String> headersAfter(String etag, String lastModified) throws IOException {
        DownloadRequest request = request();
        try (PartialDownload part = PartialDownload.resume(request)) {
            part.discard();
        }
        write(request, 100, etag, lastModified);
        try (PartialDownload part = PartialDownload.resume(request)) {
            return part.resumeHeaders();
        }
    }

    private void write(DownloadRequest request, int bytes, String etag, String lastModified) throws IOException {
        try (PartialDownload part = PartialDownload.resume(request)) {
            part.rememberValidators(etag, lastModified);
            part.append(List.of(ByteBuffer.wrap(BODY, 0, bytes)));
        }
    }

    private DownloadRequest request() {
        return new DownloadRequest(URI.create("https://r.example.com/app.jar"), BODY.length, Sha256.ofBytes(BODY), dir, "app.jar");
    }
}
