package org.jsfu.server.testparts;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import org.junit.jupiter.api.Test;

class FreePortsTest {
    @Test
    void portsCanBeBound() throws Exception {
        int tcp = FreePorts.tcp();
        int udp = FreePorts.udp();
        assertTrue(tcp > 0 && udp > 0);
        try (ServerSocket s = new ServerSocket()) {
            s.bind(new InetSocketAddress(FreePorts.LOOPBACK, tcp));
        }
        try (DatagramSocket d = new DatagramSocket(new InetSocketAddress(FreePorts.LOOPBACK, udp))) {
            assertTrue(d.isBound());
        }
    }
}
