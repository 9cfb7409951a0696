package org.jsfu.core.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.DatagramSocket;
import java.net.InetAddress;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.jsfu.core.dtls.DtlsIdentity;
import org.jsfu.core.ice.IceRole;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Full ICE sends checks only to remote candidates worth checking: a peer must not aim our STUN at
 * this host's loopback, a link-local neighbour, multicast or broadcast by trickling such an address,
 * and it cannot make us check an unbounded number of addresses.
 */
class PeerTransportRemoteCandidateTest {
    private final ExecutorService handshakes = Executors.newCachedThreadPool();
    private UdpMux mux;
    private PeerTransport transport;

    @AfterEach
    void tearDown() {
        if (transport != null) {
            transport.close();
        }
        if (mux != null) {
            mux.close();
        }
        handshakes.shutdownNow();
    }

    private void open(List<InetAddress> bind) throws Exception {
        int port;
        try (DatagramSocket probe = new DatagramSocket(0)) {
            port = probe.getLocalPort();
        }
        mux = new UdpMux(bind, port, port);
        transport = new PeerTransport("t", mux, null, Runnable::run, handshakes, DtlsIdentity.generate(),
                new QuietListener(), IceRole.full(false, 42), (r, ms) -> { });
    }

    private static String cand(String ip, int port) {
        return "candidate:1 1 udp 2130706431 " + ip + " " + port + " typ host";
    }

    @Test
    void aWildcardSocketChecksNoSpecialPurposeAddress() throws Exception {
        open(List.of());
        for (String ip : List.of("127.0.0.1", "127.1.2.3", "169.254.1.1", "0.0.0.0", "224.0.0.1",
                "239.255.255.250", "255.255.255.255", "::1", "fe80::1", "::", "ff02::1")) {
            assertEquals(0, transport.addRemoteCandidate(cand(ip, 5000)), ip);
        }
        assertEquals(0, transport.checklist().pairCount());
        assertEquals(1, transport.addRemoteCandidate(cand("192.0.2.7", 5000)), "a routable address is checked");
        assertEquals(1, transport.addRemoteCandidate(cand("2001:db8::7", 5000)));
    }

    @Test
    void anIpv4WildcardSocketChecksRoutableIpv4AddressesOnly() throws Exception {
        open(List.of(InetAddress.getByName("0.0.0.0")));
        for (String ip : List.of("127.0.0.1", "169.254.1.1", "0.0.0.0", "224.0.0.1", "255.255.255.255")) {
            assertEquals(0, transport.addRemoteCandidate(cand(ip, 5000)), ip);
        }
        assertEquals(0, transport.addRemoteCandidate(cand("2001:db8::7", 5000)), "not from an IPv4 socket");
        assertEquals(1, transport.addRemoteCandidate(cand("192.0.2.7", 5000)), "a routable address is checked");
    }

    @Test
    void aLoopbackNodeChecksLoopbackCandidates() throws Exception {
        open(List.of(InetAddress.getByName("127.0.0.1")));
        assertEquals(1, transport.addRemoteCandidate(cand("127.0.0.1", 5000)), "dev mode on 127.0.0.1");
        assertEquals(0, transport.addRemoteCandidate(cand("169.254.1.1", 5000)));
        assertEquals(0, transport.addRemoteCandidate(cand("192.0.2.7", 5000)), "unreachable from loopback");
    }

    @Test
    void remoteCandidatesAreCappedPerTransport() throws Exception {
        open(List.of());
        transport.setRemote("peer", "peerpasswordpeerpassword", DtlsIdentity.generate().fingerprintSha256());
        int added = 0;
        long now = 0;
        byte[] out = new byte[512];
        for (int i = 0; i < PeerTransport.MAX_REMOTE_CANDIDATES + 20; i++) {
            int n = transport.addRemoteCandidate(cand("192.0.2." + (i + 1), 5000));
            if (n == 0 && i < PeerTransport.MAX_REMOTE_CANDIDATES) {
                // the checklist is full of pairs in progress: let their checks time out (RFC 8445
                // 7.2.5.4), after which failed pairs make room for new candidates
                for (int k = 0; k < 2000; k++, now += 50) {
                    while (transport.checklist().poll(now, out) > 0) { }
                }
                n = transport.addRemoteCandidate(cand("192.0.2." + (i + 1), 5000));
            }
            added += n;
        }
        assertEquals(PeerTransport.MAX_REMOTE_CANDIDATES, added, "failed pairs are replaced only up to the cap");
        for (int k = 0; k < 2000; k++, now += 50) {
            while (transport.checklist().poll(now, out) > 0) { }
        }
        assertEquals(0, transport.addRemoteCandidate(cand("198.51.100.1", 5000)), "capped, though pairs failed");

        transport.setRemote("restart", "restartpasswordrestartpw", null);
        assertEquals(1, transport.addRemoteCandidate(cand("198.51.100.1", 5000)), "an ICE restart starts over");
    }
}
