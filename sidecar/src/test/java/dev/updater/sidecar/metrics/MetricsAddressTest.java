package dev.updater.sidecar.metrics;

import org.junit.jupiter.api.Test;

import java.net.InetAddress;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class MetricsAddressTest {
    @Test
    void loopbackWildcardAndThisMachinesAddresses_areAccepted() throws Exception {
        assertEquals(InetAddress.getByName("127.0.0.1"), MetricsAddress.localAddress("127.0.0.1"));
        assertEquals(InetAddress.getByName("0.0.0.0"), MetricsAddress.localAddress("0.0.0.0"));
        assertEquals(InetAddress.getByName("::1"), MetricsAddress.localAddress("[::1]"));
        assertEquals(InetAddress.getByName("::"), MetricsAddress.localAddress("::"));
    }

    @Test
    void anAddressThisMachineDoesNotHave_isRefused() {
        // 192.0.2.0/24 is TEST-NET-1 (RFC 5737): never assigned to a real machine
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> MetricsAddress.localAddress("192.0.2.7"));
        assertEquals("'192.0.2.7' is not an address of this machine; give 127.0.0.1 (the default), 0.0.0.0 for every"
                + " interface, or one of this machine's own addresses", e.getMessage());
    }

    @Test
    void aHostName_isRefusedWithoutAnyNameLookup() {
        for (String name : new String[] {"localhost", "metrics.example.com", "", "1.2.3.4.5", "999.1.1.1", "fe80::1%eth0"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> MetricsAddress.localAddress(name));
            assertEquals("'" + name + "' is not an IP address; give one of this machine's addresses, such as"
                    + " 127.0.0.1 (the default) or 0.0.0.0", e.getMessage());
        }
    }

    @Test
    void url_bracketsIpv6() throws Exception {
        assertEquals("http://127.0.0.1:9400", new MetricsAddress(InetAddress.getByName("127.0.0.1"), 9400).url());
        assertEquals("http://[0:0:0:0:0:0:0:1]:9400", new MetricsAddress(InetAddress.getByName("::1"), 9400).url());
    }
}
