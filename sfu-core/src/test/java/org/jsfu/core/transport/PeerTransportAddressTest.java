package org.jsfu.core.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.jsfu.core.dtls.DtlsIdentity;
import org.jsfu.core.ice.StunMessage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A peer whose check reaches one of our candidate addresses from another of its own addresses (a
 * native client on this host does not gather loopback, so it checks our 127.0.0.x candidate from its
 * LAN address) must get the response from the exact address it sent to (RFC 8445 7.2.5.2.1), and
 * media must follow the socket of the nominated pair. Two loopback addresses stand in for two
 * interfaces: a wildcard socket would answer a check sent to 127.0.0.2 from 127.0.0.1.
 */
class PeerTransportAddressTest {
    private static final InetAddress A = addr("127.0.0.1");
    private static final InetAddress B = addr("127.0.0.2");

    UdpMux mux;
    private PeerTransport transport;
    private DatagramSocket client;

    private static InetAddress addr(String ip) {
        try {
            return InetAddress.getByName(ip);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    @BeforeEach
    void setUp() throws Exception {
        int port;
        try (DatagramSocket probe = new DatagramSocket(0)) {
            port = probe.getLocalPort();
        }
        mux = new UdpMux(List.of(A, B), port, port);
        transport = new PeerTransport("t", mux, Runnable::run, Runnable::run, DtlsIdentity.generate(), new QuietListener());
        client = new DatagramSocket(new InetSocketAddress(A, 0));
        client.setSoTimeout(3000);
    }

    @AfterEach
    void tearDown() {
        transport.close();
        mux.close();
        client.close();
    }

    @Test
    void answersFromTheCheckedAddressAndMediaFollowsTheNomination() throws Exception {
        assertEquals(2, mux.sockets().size(), "one socket per address on the port");
        assertNull(transport.routeSocket());

        InetSocketAddress viaB = new InetSocketAddress(B, transport.localPort());
        assertEquals(viaB, check(viaB, false, 1), "response source = request destination");
        assertEquals(B, transport.routeSocket().localAddress(), "first validated pair");

        InetSocketAddress viaA = new InetSocketAddress(A, transport.localPort());
        assertEquals(viaA, check(viaA, false, 2));
        assertEquals(B, transport.routeSocket().localAddress(), "an unnominated check does not move media");

        assertEquals(viaA, check(viaA, true, 3));
        assertEquals(A, transport.routeSocket().localAddress(), "the nominated pair carries media");

        assertEquals(viaB, check(viaB, true, 4));
        assertEquals(B, transport.routeSocket().localAddress(), "the latest nomination wins");
    }

    @Test
    void prunedPathsLeaveTheSocketsAddressRoutes() throws Exception {
        InetSocketAddress viaA = new InetSocketAddress(A, transport.localPort());
        int sources = 40; // an authenticated peer checking from ever new source addresses
        List<DatagramSocket> from = new java.util.ArrayList<>();
        try {
            for (int i = 0; i < sources; i++) {
                DatagramSocket s = new DatagramSocket(new InetSocketAddress(A, 0)); // open: distinct ports
                from.add(s);
                s.setSoTimeout(3000);
                check(s, viaA, false, 100 + i);
            }
        } finally {
            from.forEach(DatagramSocket::close);
        }
        assertEquals(sources, mux.addressRoutes(), "each validated source is bound");
        transport.prunePaths(); // ICE keeps a bounded set of valid addresses (IceAgent.MAX_VALID_PAIRS)
        int kept = transport.pathCount();
        assertTrue(kept < sources, "paths pruned: " + kept);
        assertEquals(kept, mux.addressRoutes(), "the mux routes only the addresses the transport still uses");
        assertEquals(viaA, check(viaA, true, 999), "the peer's current address still works");
    }

    /** Sends a signed Binding request to {@code to}; returns where the success response came from. */
    private InetSocketAddress check(InetSocketAddress to, boolean useCandidate, long seed) throws Exception {
        return check(client, to, useCandidate, seed);
    }

    private InetSocketAddress check(DatagramSocket client, InetSocketAddress to, boolean useCandidate, long seed)
            throws Exception {
        byte[] tid = new byte[12];
        new Random(seed).nextBytes(tid);
        StunMessage m = new StunMessage(StunMessage.BINDING_REQUEST, tid)
                .username(transport.localIce().ufrag() + ":peer").priority(2130706431L).iceControlling(7);
        m.useCandidate(useCandidate);
        byte[] b = new byte[300];
        int n = m.encode(b, 0, StunMessage.hmacSha1(StunMessage.shortTermKey(transport.localIce().pwd())), true);
        client.send(new DatagramPacket(b, n, to));
        DatagramPacket in = new DatagramPacket(new byte[1500], 1500);
        client.receive(in);
        StunMessage resp = StunMessage.parse(Arrays.copyOf(in.getData(), in.getLength()), 0, in.getLength());
        assertNotNull(resp);
        assertEquals(StunMessage.BINDING_SUCCESS, resp.type());
        assertEquals(client.getLocalSocketAddress(), resp.xorMappedAddress());
        return (InetSocketAddress) in.getSocketAddress();
    }
}
