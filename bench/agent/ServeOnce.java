import com.sun.net.httpserver.HttpServer;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;

/**
 * The first-answer benchmark's host (bench/agent/first-answer.sh): a service's start reduced to its
 * first useful work. Optionally does a fixed amount of work on its main thread first (WORK thousand
 * rounds of formatting and hashing, a stand-in for a host's own start), then binds a JDK HttpServer on 127.0.0.1, prints its port, answers one
 * request, stops and exits. The driver times the launch to the answer and to the exit.
 */
public final class ServeOnce {
    private static volatile long sink;

    public static void main(String[] args) throws Exception {
        long rounds = args.length > 0 ? Long.parseLong(args[0]) * 1000L : 0;
        // A fixed amount of work, not a fixed time: a host that shares its core with the agent ends it later.
        for (long i = 0; i < rounds; i++) {
            sink += Long.toString(sink ^ i).hashCode();
        }
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        Object answered = new Object();
        boolean[] done = {false};
        server.createContext("/", exchange -> {
            byte[] body = "ok\n".getBytes(StandardCharsets.US_ASCII);
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
            synchronized (answered) {
                done[0] = true;
                answered.notifyAll();
            }
        });
        server.start();
        System.out.println(server.getAddress().getPort());
        System.out.flush();
        synchronized (answered) {
            while (!done[0]) {
                answered.wait();
            }
        }
        server.stop(0);
    }
}
