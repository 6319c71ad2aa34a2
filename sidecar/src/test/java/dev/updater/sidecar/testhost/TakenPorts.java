package dev.updater.sidecar.testhost;

import java.io.IOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.ServerSocketChannel;

/** A loopback port held by the test, and what the JDK says to a server that binds it anyway. */
public final class TakenPorts {
    private TakenPorts() {
    }

    /** The JDK's own words for binding a taken port, on this OS ("Address already in use" on Linux). */
    public static String refusal(int port) throws IOException {
        try (ServerSocketChannel channel = ServerSocketChannel.open()) {
            channel.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
        } catch (BindException e) {
            return e.getMessage();
        }
        throw new AssertionError("port " + port + " was free, though the test holds it");
    }
}
