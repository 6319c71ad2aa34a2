package dev.updater.agent.bind;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Path;

import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The bridge as the advice calls it, here in the test's own class loader. */
class BindBridgeTest {
    @TempDir
    Path dir;

    @BeforeEach
    @AfterEach
    void reset() {
        BindBridge.EVENTS.clear();
        BindBridge.reusePort = false;
    }

    @Test
    void beforeBind_inOverlapMode_setsReusePort_andBoundReportsIt() throws Exception {
        BindBridge.reusePort = true;
        try (ServerSocketChannel channel = ServerSocketChannel.open()) {
            assumeTrue(channel.supportedOptions().contains(StandardSocketOptions.SO_REUSEPORT), "no SO_REUSEPORT here");
            InetSocketAddress local = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
            BindBridge.beforeBind(channel, local);
            channel.bind(local);
            BindBridge.bound(channel);

            assertTrue(channel.getOption(StandardSocketOptions.SO_REUSEPORT));
            Object[] event = BindBridge.EVENTS.poll();
            assertArrayEquals(new Object[] {BindBridge.BOUND, channel, channel.getLocalAddress(), true},
                    java.util.Arrays.copyOf(event, 4));
        }
    }

    @Test
    void beforeBind_otherwise_leavesTheSocketAsItIs() throws Exception {
        try (ServerSocket socket = new ServerSocket()) {
            BindBridge.beforeBind(socket, new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            BindBridge.bound(socket);

            assertFalse(socket.getOption(StandardSocketOptions.SO_REUSEPORT));
            Object[] event = BindBridge.EVENTS.poll();
            assertEquals(socket.getLocalPort(), ((InetSocketAddress) event[2]).getPort());
            assertEquals(false, event[3]);
        }
    }

    @Test
    void aUnixDomainSocket_getsNoOption_andIsNoListener() throws Exception {
        BindBridge.reusePort = true;
        try (ServerSocketChannel channel = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            UnixDomainSocketAddress local = UnixDomainSocketAddress.of(dir.resolve("s.sock"));
            BindBridge.beforeBind(channel, local);
            channel.bind(local);
            BindBridge.bound(channel);
        }
        assertNull(BindBridge.EVENTS.poll());
    }

    @Test
    void whatFailsInTheBridge_staysInTheBridge() throws Exception {
        BindBridge.reusePort = true;
        ServerSocketChannel closed = ServerSocketChannel.open();
        closed.close();
        BindBridge.beforeBind(closed, null);
        BindBridge.bound(closed);
        BindBridge.bound("not a socket");
        BindBridge.beforeBind(null, null);
        assertNull(BindBridge.EVENTS.poll());
    }
}
