package dev.updater.sidecar.demo;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** How the walkthrough looks at the demo service: status codes, bodies, and the fields of its home page. */
final class ServicePages {
    private static final Pattern FIELD = Pattern.compile("<dd id=\"([a-z-]+)\">([^<]*)</dd>");
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private ServicePages() {
    }

    /** The value of {@code <dd id="ID">} on the home page. */
    static Optional<String> field(String page, String id) {
        Matcher m = FIELD.matcher(page);
        while (m.find()) {
            if (m.group(1).equals(id)) {
                return Optional.of(m.group(2));
            }
        }
        return Optional.empty();
    }

    /** The status code, or -1 when nothing answers. */
    static int status(URI uri) {
        try {
            return HTTP.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(2)).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    /** The body of a 200 answer, or "" for anything else. */
    static String text(URI uri) {
        try {
            HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(2)).build(),
                    HttpResponse.BodyHandlers.ofString());
            return response.statusCode() == 200 ? response.body() : "";
        } catch (IOException e) {
            return "";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "";
        }
    }
}
