package dev.updater.core.download;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

@Timeout(30)
class HttpTransportTest {
    private static final byte[] MANIFEST = "{\"version\":\"1.3.0\"}".getBytes(StandardCharsets.UTF_8);

    /**
     * An unchanged poll (304) hands its connection back to the client's pool: the next poll within the server's
     * keep-alive costs no new TCP (or TLS) handshake. Refusing the empty body closed it (bench/poll-bytes: 965 + 723
     * bytes a poll over TLS instead of 144 + 195); so did closing the exchange before the client had ended the
     * body, which on JDK 25 happened to 1 to 4 of 6 polls back to back (CI's JDK 25 leg runs this test on 25).
     */
    @Test
    void unchangedPolls_overHttp11_reuseOneConnection() throws Exception {
        try (LoopbackHttpServer server = new LoopbackHttpServer()
                .file("/manifest.json", MANIFEST, "\"m1\"", null)
                .file("/manifest.json.sig", "sig".getBytes(StandardCharsets.US_ASCII), "\"s1\"", null)) {
            ManifestFetcher fetcher = new ManifestFetcher(DownloadOptions.defaults().withRetries(0));
            URI manifest = server.uri("/manifest.json");
            Validators validators = assertInstanceOf(ManifestFetcher.Fetched.class,
                    fetcher.fetch(manifest, Validators.NONE)).validators();

            for (int poll = 0; poll < 6; poll++) {
                assertInstanceOf(ManifestFetcher.NotModified.class, fetcher.fetch(manifest, validators));
            }

            List<Integer> ports = server.seen().stream().map(LoopbackHttpServer.Seen::clientPort).toList();
            assertEquals(8, ports.size(), "manifest, signature, six 304s");
            assertEquals(1, ports.stream().distinct().count(), "one connection for all eight: " + ports);
        }
    }
}
