package dev.updater.agent.bind;

import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class ListenersBeforeHookTest {
    @Test
    void parse_readsTheKernelsByteOrder_forIpv4AndIpv6() throws Exception {
        assertEquals(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 8080),
                ListenersBeforeHook.parse("0100007F:1F90"));
        assertEquals(new InetSocketAddress(InetAddress.getByName("::1"), 443),
                ListenersBeforeHook.parse("00000000000000000000000001000000:01BB"));
        assertEquals(new InetSocketAddress(InetAddress.getByName("10.1.2.3"), 80),
                ListenersBeforeHook.parse("0302010A:0050"));
    }

    @Test
    void parse_writesTheWildcardAsTheJdkReportsIt_0000() throws Exception {
        assertEquals(new InetSocketAddress(InetAddress.getByName("0.0.0.0"), 8080),
                ListenersBeforeHook.parse("00000000000000000000000000000000:1F90"));
        assertEquals(new InetSocketAddress(InetAddress.getByName("0.0.0.0"), 8080),
                ListenersBeforeHook.parse("00000000:1F90"));
    }

    @Test
    void parse_somethingElse_isNoListener() {
        assertNull(ListenersBeforeHook.parse("0100007F:0000"));
        assertNull(ListenersBeforeHook.parse("0100007F"));
        assertNull(ListenersBeforeHook.parse("01007F:1F90"));
        assertNull(ListenersBeforeHook.parse("ZZ00007F:1F90"));
    }

    @Test
    void find_seesAListenerOfThisProcess() throws Exception {
        assumeTrue(Files.isReadable(Path.of("/proc/self/net/tcp")), "needs Linux's /proc");
        try (ServerSocket socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            assertTrue(ListenersBeforeHook.find().contains(
                    new InetSocketAddress(InetAddress.getLoopbackAddress(), socket.getLocalPort())),
                    ListenersBeforeHook.find().toString());
        }
    }
}
