package dev.updater.sidecar.overlap;

import org.junit.jupiter.api.Test;

import java.net.InetAddress;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** Lines of {@code /proc/net/tcp} and {@code tcp6} as a 6.x kernel writes them. */
class ListeningSocketsTest {
    @Test
    void anIpv4ListenLine_givesAddressPortQueueAndInode() throws Exception {
        ListeningSocket s = ListeningSockets.parse("   3: 0100007F:1F90 00000000:0000 0A 00000000:00000002 00:00000000"
                + " 00000000     0        0 720995 1 0000000000000000 100 0 0 10 0");

        assertEquals(new ListeningSocket(720995, InetAddress.getByName("127.0.0.1"), 8080, -1, 2), s);
        assertEquals("127.0.0.1:8080", s.label());
    }

    @Test
    void anIpv6WildcardListenLine_isTheDualStackAddress() throws Exception {
        ListeningSocket s = ListeningSockets.parse("   0: 00000000000000000000000000000000:4983"
                + " 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0"
                + " 722271 1 0000000000000000 100 0 0 10 0");

        assertEquals(InetAddress.getByName("::"), s.address());
        assertEquals(18819, s.port());
        assertEquals("[0:0:0:0:0:0:0:0]:18819", s.label());
    }

    @Test
    void anIpv6LoopbackLine_readsEachWordLittleEndian() throws Exception {
        ListeningSocket s = ListeningSockets.parse("   1: 00000000000000000000000001000000:0050"
                + " 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0"
                + " 99 1 0000000000000000 100 0 0 10 0");

        assertEquals(InetAddress.getByName("::1"), s.address());
    }

    @Test
    void anEstablishedConnectionOrAGarbledLine_isSkipped() {
        assertNull(ListeningSockets.parse("   4: 0100007F:1F90 0100007F:D431 01 00000000:00000000 00:00000000"
                + " 00000000     0        0 721001 1 0000000000000000 20 4 30 10 -1"));
        assertNull(ListeningSockets.parse("   5: 0100007F:ZZZZ 00000000:0000 0A 00000000:00000000 00:00000000"
                + " 00000000     0        0 1 1"));
        assertNull(ListeningSockets.parse("  sl  local_address rem_address   st tx_queue rx_queue tr tm->when"));
    }
}
