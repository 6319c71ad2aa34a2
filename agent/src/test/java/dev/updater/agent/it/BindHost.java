package dev.updater.agent.it;

import com.sun.net.httpserver.HttpServer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

import java.io.BufferedReader;
import java.io.Closeable;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.channels.AsynchronousServerSocketChannel;
import java.nio.charset.StandardCharsets;

/**
 * A server that knows nothing of updater, for BindHookIT: listens on 127.0.0.1 the way one kind of
 * server does, at once ({@code BindHost KIND PORT [SPIN_MILLIS]}, then busy on main for SPIN_MILLIS) or when told ({@code listen KIND PORT} on stdin),
 * closes it ({@code close}), and exits ({@code exit}). Kinds: {@code httpserver} (JDK
 * {@code HttpServer}: a {@code ServerSocketChannel}), {@code serversocket} (blocking
 * {@code ServerSocket}), {@code async} ({@code AsynchronousServerSocketChannel}), {@code jetty}
 * (Jetty 12's {@code ServerConnector}). A bind that fails prints the exception's class, message and
 * top frames, as the host would see it.
 */
public final class BindHost {
    private BindHost() {
    }

    public static void main(String[] args) throws Exception {
        Closeable listener = null;
        if (args.length >= 2) {
            listener = listen(args[0], Integer.parseInt(args[1]));
        }
        if (args.length == 3) {
            spin(Long.parseLong(args[2]));
        }
        System.out.println("host started");
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        for (String line = in.readLine(); line != null && !line.equals("exit"); line = in.readLine()) {
            String[] words = line.split(" ");
            if (words[0].equals("listen")) {
                listener = listen(words[1], Integer.parseInt(words[2]));
            } else if (words[0].equals("close") && listener != null) {
                listener.close();
                System.out.println("closed");
            }
        }
        System.out.println("host exiting");
        System.exit(0); // a Jetty that failed to start may leave its non-daemon threads behind
    }

    /**
     * Keeps main on a CPU for {@code millis}, a stand-in for the rest of a host's start, and says whether
     * the agent wrote its first agent.json meanwhile (it sets {@code updater.agent.home} when it does).
     */
    private static void spin(long millis) {
        boolean agentStarted = false;
        long sink = 0;
        for (long end = System.nanoTime() + millis * 1_000_000L; System.nanoTime() < end; ) {
            sink += Long.toString(sink).hashCode();
            agentStarted |= System.getProperty("updater.agent.home") != null;
        }
        System.out.println("spun " + millis + " ms (" + (sink & 1) + "); agent started meanwhile: " + agentStarted);
    }

    private static Closeable listen(String kind, int port) throws Exception {
        InetSocketAddress address = new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
        Closeable listener;
        int bound;
        try {
            switch (kind) {
                case "httpserver" -> {
                    HttpServer server = HttpServer.create(address, 0);
                    server.start();
                    listener = () -> server.stop(0);
                    bound = server.getAddress().getPort();
                }
                case "serversocket" -> {
                    ServerSocket socket = new ServerSocket();
                    socket.bind(address);
                    listener = socket;
                    bound = socket.getLocalPort();
                }
                case "async" -> {
                    AsynchronousServerSocketChannel channel = AsynchronousServerSocketChannel.open().bind(address);
                    listener = channel;
                    bound = ((InetSocketAddress) channel.getLocalAddress()).getPort();
                }
                case "jetty" -> {
                    Server server = new Server();
                    ServerConnector connector = new ServerConnector(server);
                    connector.setHost(address.getHostString());
                    connector.setPort(port);
                    server.addConnector(connector);
                    server.start();
                    listener = () -> {
                        try {
                            server.stop();
                        } catch (Exception e) {
                            throw new java.io.IOException(e);
                        }
                    };
                    bound = connector.getLocalPort();
                }
                default -> throw new IllegalArgumentException(kind);
            }
        } catch (java.io.IOException e) {
            Throwable shown = e.getCause() instanceof java.io.IOException cause && kind.equals("jetty") ? cause : e;
            StringBuilder frames = new StringBuilder();
            for (int i = 0; i < Math.min(4, shown.getStackTrace().length); i++) {
                frames.append(" at ").append(shown.getStackTrace()[i].getClassName()).append('.')
                        .append(shown.getStackTrace()[i].getMethodName());
            }
            System.out.println("bind failed: " + shown.getClass().getName() + ": " + shown.getMessage() + frames);
            return null;
        }
        System.out.println("listening " + kind + " on 127.0.0.1:" + bound);
        return listener;
    }
}
