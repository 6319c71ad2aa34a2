import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

/**
 * The floor under "ours": a fresh JVM, the JDK's HttpClient and one GET whose body is discarded, so
 * no hashing, no file, no fsync. Whatever DownloadBench costs above this is the updater's own work.
 * Usage: {@code HttpClientFloor URL}.
 */
public final class HttpClientFloor {
    public static void main(String[] args) throws Exception {
        HttpClient client = HttpClient.newBuilder().build();
        HttpRequest request = HttpRequest.newBuilder(URI.create(args[0])).version(HttpClient.Version.HTTP_1_1).build();
        HttpResponse<Void> response = client.send(request, HttpResponse.BodyHandlers.discarding());
        if (response.statusCode() != 200) {
            throw new IllegalStateException("HTTP " + response.statusCode());
        }
    }
}
