package dev.updater.sidecar.overlap;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.BindException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * The health probe of overlap mode: one HTTP/1.1 GET from a source port in the reserved
 * {@link ProbePorts}, which the steering program sends to the new host alone, through the port both
 * hosts share. The JDK's HttpClient cannot choose its source port, hence this small client; it reads
 * the status line only and speaks plain HTTP (an https health URL falls back to stop-start).
 */
public final class ProbeClient {
    private final ProbePorts ports;
    private int next;

    public ProbeClient(ProbePorts ports) {
        this.ports = ports;
    }

    /**
     * What one probe saw.
     *
     * @param status the HTTP status, or 0 when none came
     * @param seen {@code HTTP 503}, {@code connection refused}, {@code no answer within 2s}
     */
    public record Answer(int status, String seen) {
        public boolean ok() {
            return status >= 200 && status < 300;
        }
    }

    /** GET {@code url} from the next free probe port; a port still busy from an earlier probe is skipped. */
    public Answer get(URI url, Duration timeout) {
        int port = url.getPort() < 0 ? 80 : url.getPort();
        InetSocketAddress server = new InetSocketAddress(url.getHost(), port);
        for (int tried = 0; tried < ports.size(); tried++) {
            int source = ports.first() + (next++ % ports.size());
            try (Socket socket = new Socket()) {
                socket.setReuseAddress(true);
                socket.bind(new InetSocketAddress(source));
                socket.connect(server, (int) timeout.toMillis());
                socket.setSoTimeout((int) timeout.toMillis());
                return exchange(socket, url, port);
            } catch (BindException e) {
                continue; // in use (an earlier probe's socket lingers): the next port
            } catch (ConnectException e) {
                return new Answer(0, "connection refused");
            } catch (SocketTimeoutException e) {
                return new Answer(0, "no answer within " + timeout.toMillis() + " ms");
            } catch (IOException e) {
                return new Answer(0, e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
            }
        }
        return new Answer(0, "every probe port " + ports + " is in use");
    }

    private static Answer exchange(Socket socket, URI url, int port) throws IOException {
        String path = (url.getRawPath() == null || url.getRawPath().isEmpty() ? "/" : url.getRawPath())
                + (url.getRawQuery() == null ? "" : "?" + url.getRawQuery());
        String request = "GET " + path + " HTTP/1.1\r\nHost: " + url.getHost() + ":" + port
                + "\r\nUser-Agent: updater-sidecar-probe\r\nConnection: close\r\n\r\n";
        OutputStream out = socket.getOutputStream();
        out.write(request.getBytes(StandardCharsets.US_ASCII));
        out.flush();
        String statusLine = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII))
                .readLine();
        if (statusLine == null) {
            return new Answer(0, "the connection closed before an answer");
        }
        String[] parts = statusLine.split(" ", 3);
        try {
            int status = parts.length >= 2 && parts[0].startsWith("HTTP/") ? Integer.parseInt(parts[1]) : -1;
            return status >= 100 && status <= 999 ? new Answer(status, "HTTP " + status)
                    : new Answer(0, "not an HTTP answer");
        } catch (NumberFormatException e) {
            return new Answer(0, "not an HTTP answer");
        }
    }
}
