package org.jsfu.core.ice;

import static org.junit.jupiter.api.Assertions.*;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;

class IceCandidatesTest {

    @Test
    void priorityFormula() {
        // RFC 8445 5.1.2.1 with type pref 126, local pref 65535, component 1 (the usual host value).
        assertEquals(2130706431L, IceCandidates.priority(126, 65535, 1));
        assertEquals(0L + (256 - 256), IceCandidates.priority(0, 0, 256));
        assertThrows(IllegalArgumentException.class, () -> IceCandidates.priority(127, 0, 1));
    }

    @Test
    void formatsUdpAndTcpHostCandidates() throws Exception {
        InetAddress ip = InetAddress.getByName("192.0.2.5");
        String udp = IceCandidates.udpHost(ip, 7882, 0);
        assertTrue(udp.matches("candidate:\\d+ 1 udp 2130706431 192\\.0\\.2\\.5 7882 typ host generation 0"), udp);
        String tcp = IceCandidates.tcpPassiveHost(ip, 7881, 0);
        long tcpPrio = (126L << 24) + (((4L << 13) + 8191) << 8) + 255;
        assertTrue(tcp.matches("candidate:\\d+ 1 tcp " + tcpPrio + " 192\\.0\\.2\\.5 7881 typ host tcptype passive generation 0"), tcp);
        assertNotEquals(udp.split(" ")[0], tcp.split(" ")[0], "foundation differs by protocol");

        IceCandidates.Candidate c = IceCandidates.parse(tcp);
        assertEquals("tcp", c.protocol());
        assertEquals("passive", c.tcpType());
        assertEquals(tcpPrio, c.priority());
        assertEquals(new InetSocketAddress(ip, 7881), c.socketAddress());
        assertTrue(IceCandidates.udpHost(ip, 1, 1).contains(" udp 2130706175 "));

        String v6 = IceCandidates.udpHost(InetAddress.getByName("2001:db8::1"), 9, 0);
        assertEquals(new InetSocketAddress(InetAddress.getByName("2001:db8::1"), 9), IceCandidates.parse(v6).socketAddress());
    }

    @Test
    void parsesBrowserCandidates() {
        IceCandidates.Candidate c = IceCandidates.parse(
                "a=candidate:842163049 1 udp 1677729535 198.51.100.4 56143 typ srflx raddr 10.0.0.2 rport 56143 "
                        + "generation 0 ufrag abcd network-cost 999");
        assertNotNull(c);
        assertEquals("842163049", c.foundation());
        assertEquals(1, c.component());
        assertEquals(1677729535L, c.priority());
        assertEquals("srflx", c.type());
        assertEquals("10.0.0.2", c.relatedAddress());
        assertEquals(56143, c.relatedPort());
        assertFalse(c.socketAddress().isUnresolved());

        IceCandidates.Candidate mdns = IceCandidates.parse(
                "candidate:1 1 UDP 2122260223 4e1f6c2c-1b0a-4d7b-a8f6-0a1b2c3d4e5f.local 61234 typ host");
        assertEquals("udp", mdns.protocol());
        assertTrue(mdns.socketAddress().isUnresolved(), "mDNS names are not resolved");
    }

    @Test
    void malformedLinesGiveNull() {
        assertNull(IceCandidates.parse(null));
        assertNull(IceCandidates.parse("candidate:1 1 udp"));
        assertNull(IceCandidates.parse("candidate:1 1 udp x 1.2.3.4 5 typ host"));
        assertNull(IceCandidates.parse("candidate:1 1 udp 1 1.2.3.4 70000 typ host"));
        assertNull(IceCandidates.parse("candidate:1 1 udp 1 1.2.3.4 5 type host"));
        assertNull(IceCandidates.parse("foo:1 1 udp 1 1.2.3.4 5 typ host"));
        assertNull(IceCandidates.parse("candidate:1 1 udp 1 1.2.3.4 5 typ host raddr 1.1.1.1 rport notanumber"));
        assertTrue(IceCandidates.parse("candidate:1 1 udp 1 999.2.3.4 5 typ host").socketAddress().isUnresolved());
    }

    @Test
    void candidateLineFromTrickledCandidateInit() {
        String json = "{\"candidate\":\"candidate:842163049 1 udp 1677729535 192.0.2.7 49152 typ srflx raddr 0.0.0.0 rport 0"
                + " generation 0 ufrag abcd network-cost 999\",\"sdpMid\":\"0\",\"sdpMLineIndex\":0,"
                + "\"usernameFragment\":\"abcd\"}";
        String line = IceCandidates.fromCandidateInit(json);
        assertEquals("candidate:842163049 1 udp 1677729535 192.0.2.7 49152 typ srflx raddr 0.0.0.0 rport 0"
                + " generation 0 ufrag abcd network-cost 999", line);
        assertEquals(49152, IceCandidates.parse(line).port());
        assertNull(IceCandidates.fromCandidateInit("{\"candidate\":\"\",\"sdpMid\":\"0\"}"), "end of candidates");
        assertNull(IceCandidates.fromCandidateInit("not json"));
        assertNull(IceCandidates.fromCandidateInit(null));
    }
}
