package dev.updater.core.download;

import dev.updater.core.ErrorCode;
import dev.updater.core.UpdaterException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.URI;

import static dev.updater.core.download.DownloaderTest.assertFails;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class UrlPolicyTest {
    @Test
    void checkRedirect_fromHttpsToHttp_isRefusedNamingBothUrls() {
        URI from = URI.create("https://releases.example.com/app.jar");
        URI to = URI.create("http://cdn.example.com/app.jar");

        UpdaterException e = assertFails(ErrorCode.HTTP_REDIRECT, () -> UrlPolicy.checkRedirect(from, to, true));

        assertEquals("Refusing the redirect from https://releases.example.com/app.jar to http://cdn.example.com/app.jar"
                + " because it downgrades HTTPS to plain HTTP; fix the server's redirect or publish an https URL.", e.getMessage());
    }

    @Test
    void checkRedirect_fromHttpsToHttpOnLoopback_isStillRefused() {
        assertFails(ErrorCode.HTTP_REDIRECT, () -> UrlPolicy.checkRedirect(
                URI.create("https://127.0.0.1:8443/app.jar"), URI.create("http://127.0.0.1:8080/app.jar"), false));
    }

    @Test
    void checkRedirect_upgradesAndHttpsHops_areAllowed() {
        assertDoesNotThrow(() -> UrlPolicy.checkRedirect(URI.create("http://127.0.0.1/a"), URI.create("https://example.com/b"), false));
        assertDoesNotThrow(() -> UrlPolicy.checkRedirect(URI.create("https://a.example/a"), URI.create("https://b.example/b"), false));
        assertDoesNotThrow(() -> UrlPolicy.checkRedirect(URI.create("http://localhost/a"), URI.create("http://127.0.0.1/b"), false));
    }

    @Test
    void checkRedirect_fromLoopbackHttpToRemoteHttp_isRefusedAsInsecure() {
        assertFails(ErrorCode.HTTP_INSECURE,
                () -> UrlPolicy.checkRedirect(URI.create("http://127.0.0.1/a"), URI.create("http://example.com/b"), false));
    }

    @Test
    void checkRedirect_toAnotherScheme_isRefused() {
        UpdaterException e = assertFails(ErrorCode.HTTP_REDIRECT,
                () -> UrlPolicy.checkRedirect(URI.create("https://example.com/a"), URI.create("file:///etc/passwd"), false));
        assertTrue(e.getMessage().contains("only https and http are followed"), e.getMessage());
    }

    @Test
    void checkTarget_plainHttpToRemoteHost_isRefusedWithHowToAllowIt() {
        UpdaterException e = assertFails(ErrorCode.HTTP_INSECURE,
                () -> UrlPolicy.checkTarget(URI.create("http://releases.example.com/manifest.json"), false));

        assertEquals("Refusing plain-HTTP URL http://releases.example.com/manifest.json because anyone on the network could change"
                + " what it serves; use an https URL, or allow insecure HTTP explicitly (DownloadOptions.allowInsecureHttp)"
                + " if you accept that risk.", e.getMessage());
    }

    @Test
    void checkTarget_plainHttpToRemoteHost_isAllowedWhenInsecureHttpIsAllowed() {
        assertDoesNotThrow(() -> UrlPolicy.checkTarget(URI.create("http://releases.example.com/manifest.json"), true));
    }

    @Test
    void checkTarget_otherSchemes_areRefused() {
        assertFails(ErrorCode.HTTP_INSECURE, () -> UrlPolicy.checkTarget(URI.create("ftp://example.com/app.jar"), true));
        assertFails(ErrorCode.HTTP_INSECURE, () -> UrlPolicy.checkTarget(URI.create("file:///tmp/app.jar"), true));
    }

    @ParameterizedTest
    @ValueSource(strings = {"localhost", "LOCALHOST", "127.0.0.1", "127.1.2.3", "127.255.255.255",
            "[::1]", "::1", "[0:0:0:0:0:0:0:1]"})
    void isLoopback_acceptsLoopbackNamesAndAddresses(String host) {
        assertTrue(UrlPolicy.isLoopback(host), host);
    }

    @ParameterizedTest
    @ValueSource(strings = {"example.com", "127.0.0.1.example.com", "localhost.example.com", "mylocalhost", "128.0.0.1",
            "10.0.0.1", "0.0.0.0", "127.0.0.256", "127.0.0", "127.0.0.1.", "localhost.", "[::2]", "[::]", "[fe80::1]", "127.0.0.01x"})
    void isLoopback_refusesEverythingElse(String host) {
        assertFalse(UrlPolicy.isLoopback(host), host);
    }
}
