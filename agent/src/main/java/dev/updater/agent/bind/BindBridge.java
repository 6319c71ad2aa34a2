package dev.updater.agent.bind;

import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.SocketAddress;
import java.net.SocketOption;
import java.net.StandardSocketOptions;
import java.nio.channels.NetworkChannel;
import java.time.Instant;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/**
 * What the calls added to the JDK's bind and close methods reach, inside {@code java.base}: the only
 * agent class java.base holds ({@link BridgeInjection} defines it there, renamed; the agent's own
 * loader never loads this copy).
 * It runs on the host's threads, inside the host's {@code bind} and {@code close}, so it may use
 * JDK types only, does no I/O and never blocks: it sets {@code SO_REUSEPORT} when asked and hands
 * each event to the agent's {@code updater-agent-listeners} thread through {@link #EVENTS}.
 *
 * <p>Why a class in java.base and not a callback stored in {@code System.getProperties()}:
 * a non-String value there breaks host code that walks the properties as strings
 * ({@code Properties.list}, {@code store}, logging and config libraries cast every value), so a
 * host's diagnostics could throw because of the agent. A JDK-internal class is invisible to such code.
 */
public final class BindBridge {
    /** Event kinds, first element of an event. */
    public static final int BOUND = 1;
    public static final int CLOSED = 2;
    /**
     * {@code {BOUND, socket, InetSocketAddress local, Boolean reusePort, Instant boundAt}} or
     * {@code {CLOSED, socket}}. Bounded: when the agent cannot keep up, events are dropped, never
     * waited for (the host's bind must not wait for the agent).
     */
    public static final BlockingQueue<Object[]> EVENTS = new ArrayBlockingQueue<>(1024);
    /** Set by the agent before the hook is live: the host was started with {@code UPDATER_REUSE_PORT=true}. */
    public static volatile boolean reusePort;

    private BindBridge() {
    }

    /** Before a listening socket binds: turns {@code SO_REUSEPORT} on where asked and supported. */
    public static void beforeBind(Object socket, SocketAddress local) {
        if (!reusePort || local != null && !(local instanceof InetSocketAddress)) {
            return; // not asked, or a Unix domain socket
        }
        try {
            if (socket instanceof NetworkChannel channel) {
                if (channel.supportedOptions().contains(StandardSocketOptions.SO_REUSEPORT)) {
                    channel.setOption(StandardSocketOptions.SO_REUSEPORT, true);
                }
            } else if (socket instanceof ServerSocket server
                    && server.supportedOptions().contains(StandardSocketOptions.SO_REUSEPORT)) {
                server.setOption(StandardSocketOptions.SO_REUSEPORT, true);
            }
        } catch (Throwable ignored) {
            // The bind goes ahead without it; the recorded reusePort=false tells the sidecar.
        }
    }

    /** After a bind returned normally: reports the address the socket listens on. */
    public static void bound(Object socket) {
        try {
            SocketAddress local;
            boolean reuse;
            if (socket instanceof NetworkChannel channel) {
                local = channel.getLocalAddress();
                reuse = isOn(channel.supportedOptions().contains(StandardSocketOptions.SO_REUSEPORT)
                        ? channel.getOption(StandardSocketOptions.SO_REUSEPORT) : null);
            } else if (socket instanceof ServerSocket server) {
                local = server.getLocalSocketAddress();
                reuse = isOn(option(server, StandardSocketOptions.SO_REUSEPORT));
            } else {
                return;
            }
            if (local instanceof InetSocketAddress inet && inet.getPort() > 0) {
                EVENTS.offer(new Object[] {BOUND, socket, inet, reuse, Instant.now()});
            }
        } catch (Throwable ignored) {
            // Not recorded; the host's bind has succeeded and stays so.
        }
    }

    /** After a listening socket was closed (or a close was tried). */
    public static void closed(Object socket) {
        try {
            EVENTS.offer(new Object[] {CLOSED, socket});
        } catch (Throwable ignored) {
            // Never into the host's close.
        }
    }

    private static <T> T option(ServerSocket server, SocketOption<T> option) throws java.io.IOException {
        return server.supportedOptions().contains(option) ? server.getOption(option) : null;
    }

    private static boolean isOn(Boolean value) {
        return value != null && value;
    }
}
