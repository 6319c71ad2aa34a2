package dev.updater.sidecar.load;

import java.io.BufferedInputStream;
import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * One HTTP/1.1 connection on a plain socket, written by hand so that the load generator sees every
 * event a client sees: whether the connection is new or reused, and whether the server closed it
 * before sending a single byte (the one case an HTTP client may retry) or in the middle of an answer.
 */
final class HttpConnection implements Closeable {
    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;
    private boolean reusable;

    private HttpConnection(Socket socket) throws IOException {
        this.socket = socket;
        this.in = new BufferedInputStream(socket.getInputStream(), 8192);
        this.out = socket.getOutputStream();
    }

    static HttpConnection open(InetSocketAddress address, int timeoutMillis) throws IOException {
        Socket socket = new Socket();
        try {
            socket.setTcpNoDelay(true);
            socket.setSoTimeout(timeoutMillis);
            socket.connect(address, timeoutMillis);
            return new HttpConnection(socket);
        } catch (IOException | RuntimeException e) {
            socket.close();
            throw e;
        }
    }

    /** The server closed (or reset) the connection before any byte of the answer. */
    static final class ClosedBeforeResponse extends IOException {
        private static final long serialVersionUID = 1L;

        ClosedBeforeResponse(IOException cause) {
            super("the server closed the connection before any response byte: " + cause.getMessage(), cause);
        }
    }

    /**
     * Sends {@code GET path} and reads the whole answer.
     *
     * @return the status code
     * @throws ClosedBeforeResponse when the request could not be written or no byte of the answer came
     */
    int get(String host, String path, boolean close) throws IOException {
        String request = "GET " + path + " HTTP/1.1\r\nHost: " + host + "\r\nUser-Agent: updater-load\r\n"
                + (close ? "Connection: close\r\n" : "") + "\r\n";
        int first;
        try {
            out.write(request.getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            first = in.read();
            if (first < 0) {
                throw new EOFException("end of stream");
            }
        } catch (java.net.SocketTimeoutException e) {
            throw e;
        } catch (IOException e) {
            throw new ClosedBeforeResponse(e);
        }
        String statusLine = (char) first + line();
        if (!statusLine.startsWith("HTTP/1.") || statusLine.length() < 12) {
            throw new MalformedAnswer("not an HTTP/1.x status line: " + statusLine);
        }
        int status = parseInt(statusLine.substring(9, 12), statusLine);
        long length = -1;
        boolean chunked = false;
        boolean serverCloses = statusLine.startsWith("HTTP/1.0");
        for (String header = line(); !header.isEmpty(); header = line()) {
            String lower = header.toLowerCase(Locale.ROOT);
            if (lower.startsWith("content-length:")) {
                length = parseInt(lower.substring(15).strip(), header);
            } else if (lower.startsWith("transfer-encoding:") && lower.contains("chunked")) {
                chunked = true;
            } else if (lower.startsWith("connection:")) {
                serverCloses = lower.contains("close") || serverCloses && !lower.contains("keep-alive");
            }
        }
        if (chunked) {
            for (long size = chunkSize(); size > 0; size = chunkSize()) {
                skip(size);
                line();
            }
            for (String trailer = line(); !trailer.isEmpty(); trailer = line()) {
                // trailers are read and ignored
            }
        } else if (length >= 0) {
            skip(length);
        } else {
            in.transferTo(OutputStream.nullOutputStream()); // the body ends with the connection
            serverCloses = true;
        }
        reusable = !close && !serverCloses;
        return status;
    }

    /** True when the last answer left the connection open for another request. */
    boolean reusable() {
        return reusable;
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException ignored) {
            // closing: nothing left to tell
        }
    }

    /** An answer that is not HTTP as this client expects. */
    static final class MalformedAnswer extends IOException {
        private static final long serialVersionUID = 1L;

        MalformedAnswer(String message) {
            super(message);
        }
    }

    private long chunkSize() throws IOException {
        String text = line();
        int extension = text.indexOf(';');
        try {
            return Long.parseLong((extension < 0 ? text : text.substring(0, extension)).strip(), 16);
        } catch (NumberFormatException e) {
            throw new MalformedAnswer("not a chunk size: " + text);
        }
    }

    private void skip(long bytes) throws IOException {
        long left = bytes;
        while (left > 0) {
            long skipped = in.skip(left);
            if (skipped <= 0) {
                if (in.read() < 0) {
                    throw new EOFException("the answer ended " + left + " bytes early");
                }
                skipped = 1;
            }
            left -= skipped;
        }
    }

    private String line() throws IOException {
        StringBuilder text = new StringBuilder();
        for (int c = in.read(); c != '\n'; c = in.read()) {
            if (c < 0) {
                throw new EOFException("the answer ended inside a line: " + text);
            }
            if (c != '\r') {
                text.append((char) c);
            }
        }
        return text.toString();
    }

    private static int parseInt(String text, String where) throws MalformedAnswer {
        try {
            return Integer.parseInt(text);
        } catch (NumberFormatException e) {
            throw new MalformedAnswer("not a number in: " + where);
        }
    }
}
