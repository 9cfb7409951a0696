package org.jsfu.core.transport;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.jsfu.core.dtls.DtlsIdentity;
import org.jsfu.core.dtls.DtlsSession;
import org.jsfu.core.ice.IceRole;
import org.jsfu.core.ice.StunMessage;
import org.jsfu.core.srtp.SrtpKeys;
import org.jsfu.core.srtp.SrtpProfile;
import org.jsfu.core.srtp.SrtpSession;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The default UDP mode (rtc.port_range_start..end): one UdpMux binds every port of a range and each
 * peer connection is given one of them. Four PCs over a range of three ports: each completes ICE,
 * DTLS and SRTP on its own port, the fourth shares the first port with PC 0, and one client socket
 * (one remote address) serves PC 0 and PC 1 on two ports. Datagrams reach the right transport first
 * by the STUN USERNAME's ufrag, then by (local socket, remote address): SRTP under the wrong keys
 * would fail authentication, so each transport seeing exactly its own SSRC shows the routing.
 */
class UdpMuxPortRangeTest {
    private static final InetAddress LO = InetAddress.getLoopbackAddress();
    private static final int PORTS = 3;
    private static final int PCS = 4;

    private UdpMux mux;
    private int base;
    private ExecutorService loop;
    private ExecutorService handshakes;
    private final List<PeerTransport> transports = new ArrayList<>();
    private final List<Peer> peers = new ArrayList<>();
    private final List<DatagramSocket> clients = new ArrayList<>();
    /** Per transport: SSRCs of the RTP it decrypted. */
    private final Map<PeerTransport, Set<Long>> received = new ConcurrentHashMap<>();
    private final Map<PeerTransport, CompletableFuture<Void>> connected = new ConcurrentHashMap<>();

    @BeforeEach
    void setUp() throws Exception {
        mux = openRange();
        loop = Executors.newSingleThreadExecutor();
        handshakes = Executors.newCachedThreadPool();
    }

    @AfterEach
    void tearDown() throws Exception {
        for (Peer p : peers) {
            p.dtls.close();
        }
        loop.submit(() -> transports.forEach(PeerTransport::close)).get(5, TimeUnit.SECONDS);
        clients.forEach(DatagramSocket::close);
        loop.shutdownNow();
        handshakes.shutdownNow();
        mux.close();
    }

    /** A range of {@link #PORTS} consecutive ports from a random base; retried when one is taken. */
    private UdpMux openRange() throws IOException {
        Random r = new Random();
        for (int attempt = 0; attempt < 50; attempt++) {
            int b = 20_000 + r.nextInt(40_000);
            UdpMux m;
            try {
                m = new UdpMux(List.of(LO), b, b + PORTS - 1);
            } catch (IOException e) {
                continue;
            }
            if (m.sockets().size() == PORTS) {
                base = b;
                return m;
            }
            m.close(); // a port of the range was taken: UdpMux skipped it
        }
        throw new IOException("no free range of " + PORTS + " UDP ports");
    }

    @Test
    void peerConnectionsSpreadOverTheRangeAndEachGetsItsOwnMedia() throws Exception {
        assertEquals(Set.of(base, base + 1, base + 2), ports(mux.sockets()), "every port of the range is bound");

        DatagramSocket shared = client();
        for (int i = 0; i < PCS; i++) {
            PeerTransport t = transport("pc" + i);
            // PC 0 and PC 1 share one remote address; PC 2 and PC 3 have their own
            peers.add(new Peer(t, i < 2 ? shared : client(), 0x1000L + i));
        }
        Set<Integer> used = new TreeSet<>();
        for (PeerTransport t : transports) {
            used.add(t.localPort());
        }
        assertEquals(Set.of(base, base + 1, base + 2), used, "PCs are spread over the whole range");
        assertEquals(transports.get(0).localPort(), transports.get(3).localPort(), "round robin wraps");
        assertTrue(transports.get(0).localPort() != transports.get(1).localPort());

        for (Peer p : peers) {
            p.start();
        }
        for (Peer p : peers) {
            InetSocketAddress from = p.checkAndAwaitResponse();
            assertEquals(p.server(), from, "the check is answered from the port the PC was given");
        }
        for (Peer p : peers) {
            p.handshake();
        }
        for (Peer p : peers) {
            connected.get(p.transport).get(15, TimeUnit.SECONDS);
            p.keys.get(15, TimeUnit.SECONDS);
        }
        assertEquals(PCS, mux.addressRoutes(),
                "one route per (socket, remote address): the shared address is bound on two ports");

        // client -> server: each transport decrypts its own SSRC and nothing else
        for (int round = 0; round < 3; round++) {
            for (Peer p : peers) {
                p.sendRtp(round);
            }
        }
        for (Peer p : peers) {
            assertTrue(waitFor(() -> received.get(p.transport).contains(p.ssrc)), p.transport.name() + " got its RTP");
        }
        for (Peer p : peers) {
            assertEquals(Set.of(p.ssrc), received.get(p.transport), p.transport.name() + " got only its own RTP");
        }

        // server -> client: each transport's SRTP leaves from its own port to its peer
        for (Peer p : peers) {
            byte[] rtp = rtp(p.ssrc + 0x100, 77);
            byte[] buf = Arrays.copyOf(rtp, rtp.length + PeerTransport.TAG_ROOM);
            loop.submit(() -> p.transport.sendRtp(buf, 0, rtp.length, 77)).get(5, TimeUnit.SECONDS);
            byte[] got = p.rtp.poll(5, TimeUnit.SECONDS);
            assertNotNull(got, p.transport.name() + " SRTP reached its peer");
            int n = p.recv.unprotectRtp(got, 0, got.length);
            assertArrayEquals(rtp, Arrays.copyOf(got, n), "decrypts with this PC's keys");
        }
        assertEquals(0, mux.droppedDatagrams(), "every datagram matched a route");
    }

    @Test
    void aDatagramFromAnUnvalidatedAddressIsDropped() throws Exception {
        PeerTransport t = transport("pc");
        DatagramSocket stranger = client();
        byte[] junk = rtp(1, 1);
        stranger.send(new DatagramPacket(junk, junk.length, new InetSocketAddress(LO, t.localPort())));
        assertTrue(waitFor(() -> mux.droppedDatagrams() == 1), "no ufrag and no validated address: dropped");
        assertEquals(0, mux.addressRoutes());
    }

    /**
     * The media plane's PCs: a loop's subscriber PCs share one port and its publisher PCs another, so a room's
     * fan-out leaves through one socket and fills one sendmmsg batch; the next loop's go elsewhere in the range.
     */
    @Test
    void theMediaPlanesPeerConnectionsShareTheirLoopsPortsByKind() throws Exception {
        LoopInbox first = new LoopInbox(loop);
        LoopInbox second = new LoopInbox(loop);
        int sub = mux.loopPort(first, true);
        int pub = mux.loopPort(first, false);
        assertEquals(sub, mux.loopPort(first, true));
        assertTrue(sub != pub, "subscriber and publisher PCs of a loop on two ports");
        assertTrue(mux.loopPort(second, true) != sub, "the next loop's subscribers on another port");
        assertTrue(Set.of(base, base + 1, base + 2).containsAll(
                List.of(sub, pub, mux.loopPort(second, true), mux.loopPort(second, false))));
        PeerTransport a = track(new PeerTransport("sub-a", mux, null, first, handshakes, DtlsIdentity.generate(),
                listener(), IceRole.lite(), null, true));
        PeerTransport b = track(new PeerTransport("sub-b", mux, null, first, handshakes, DtlsIdentity.generate(),
                listener(), IceRole.lite(), null, true));
        PeerTransport c = track(new PeerTransport("pub-c", mux, null, first, handshakes, DtlsIdentity.generate(),
                listener(), IceRole.lite(), null, false));
        assertEquals(sub, a.localPort());
        assertEquals(sub, b.localPort());
        assertEquals(pub, c.localPort());
    }

    private PeerTransport transport(String name) {
        return track(new PeerTransport(name, mux, loop, handshakes, DtlsIdentity.generate(), listener()));
    }

    private PeerTransport track(PeerTransport t) {
        received.put(t, ConcurrentHashMap.newKeySet());
        connected.put(t, new CompletableFuture<>());
        transports.add(t);
        return t;
    }

    private PeerTransport.Listener listener() {
        return new PeerTransport.Listener() {
            @Override
            public void onConnected(PeerTransport pc) {
                connected.get(pc).complete(null);
            }

            @Override
            public void onRtp(PeerTransport pc, byte[] b, int off, int len, long nowNanos) {
                received.get(pc).add(ssrcOf(b, off));
            }

            @Override
            public void onRtcp(PeerTransport pc, byte[] b, int off, int len, long nowNanos) {}

            @Override
            public void onApplicationData(PeerTransport pc, byte[] b, int off, int len) {}

            @Override
            public void onFailed(PeerTransport pc, String reason) {
                connected.get(pc).completeExceptionally(new AssertionError(pc.name() + ": " + reason));
            }
        };
    }

    private DatagramSocket client() throws SocketException {
        DatagramSocket s = new DatagramSocket(new InetSocketAddress(LO, 0));
        clients.add(s);
        return s;
    }

    private static Set<Integer> ports(List<UdpMux.Socket> sockets) {
        Set<Integer> out = new TreeSet<>();
        for (UdpMux.Socket s : sockets) {
            out.add(s.port());
        }
        return out;
    }

    private static long ssrcOf(byte[] b, int off) {
        return ((b[off + 8] & 0xFFL) << 24) | ((b[off + 9] & 0xFF) << 16) | ((b[off + 10] & 0xFF) << 8) | (b[off + 11] & 0xFF);
    }

    static byte[] rtp(long ssrc, int seq) {
        byte[] b = new byte[12 + 40];
        b[0] = (byte) 0x80;
        b[1] = 111;
        b[2] = (byte) (seq >> 8);
        b[3] = (byte) seq;
        for (int i = 0; i < 4; i++) {
            b[8 + i] = (byte) (ssrc >> (24 - 8 * i));
        }
        Arrays.fill(b, 12, b.length, (byte) seq);
        return b;
    }

    private boolean waitFor(java.util.function.BooleanSupplier c) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (System.nanoTime() < end) {
            if (c.getAsBoolean()) {
                return true;
            }
            Thread.sleep(10);
        }
        return false;
    }

    /** Peers by client socket, then by the server address they talk to; filled before any receive. */
    private final Map<DatagramSocket, Map<InetSocketAddress, Peer>> bySocket = new ConcurrentHashMap<>();

    /** The browser side of one PC: a client socket (maybe shared), a DTLS client and SRTP keys. */
    private final class Peer {
        final PeerTransport transport;
        final DatagramSocket socket;
        final long ssrc;
        final String ufrag = "u" + Long.toHexString(new Random().nextLong());
        final DtlsIdentity id = DtlsIdentity.generate();
        final LinkedBlockingQueue<DatagramPacket> stun = new LinkedBlockingQueue<>();
        final LinkedBlockingQueue<byte[]> rtp = new LinkedBlockingQueue<>();
        final CompletableFuture<SrtpKeys> keys = new CompletableFuture<>();
        volatile DtlsSession dtls;
        volatile SrtpSession send;
        volatile SrtpSession recv;

        Peer(PeerTransport transport, DatagramSocket socket, long ssrc) {
            this.transport = transport;
            this.socket = socket;
            this.ssrc = ssrc;
            bySocket.computeIfAbsent(socket, s -> {
                Thread th = new Thread(() -> receive(s), "client-" + s.getLocalPort());
                th.setDaemon(true);
                th.start();
                return new ConcurrentHashMap<>();
            }).put(server(), this);
        }

        InetSocketAddress server() {
            return new InetSocketAddress(LO, transport.localPort());
        }

        void start() throws Exception {
            loop.submit(() -> transport.setRemote(ufrag, "clientpasswordclientpassword", id.fingerprintSha256()))
                    .get(5, TimeUnit.SECONDS);
        }

        /** A signed check with USE-CANDIDATE; returns the source of its success response. */
        InetSocketAddress checkAndAwaitResponse() throws Exception {
            byte[] tid = new byte[12];
            new Random().nextBytes(tid);
            StunMessage m = new StunMessage(StunMessage.BINDING_REQUEST, tid)
                    .username(transport.localIce().ufrag() + ":" + ufrag).priority(2130706431L)
                    .iceControlling(7).useCandidate(true);
            byte[] b = new byte[300];
            int n = m.encode(b, 0, StunMessage.hmacSha1(StunMessage.shortTermKey(transport.localIce().pwd())), true);
            socket.send(new DatagramPacket(b, n, server()));
            DatagramPacket in = stun.poll(5, TimeUnit.SECONDS);
            assertNotNull(in, transport.name() + ": check answered");
            StunMessage resp = StunMessage.parse(in.getData(), 0, in.getLength());
            assertNotNull(resp);
            assertEquals(StunMessage.BINDING_SUCCESS, resp.type());
            assertEquals(socket.getLocalSocketAddress(), resp.xorMappedAddress());
            return (InetSocketAddress) in.getSocketAddress();
        }

        void handshake() {
            DtlsSession d = new DtlsSession(id, true, transport.fingerprint(), new DtlsSession.Listener() {
                @Override
                public void sendDatagram(byte[] b, int off, int len) {
                    try {
                        socket.send(new DatagramPacket(b, off, len, server()));
                    } catch (IOException e) {
                        keys.completeExceptionally(e);
                    }
                }

                @Override
                public void onConnected(SrtpProfile profile, byte[] keyingMaterial) {
                    SrtpKeys k = SrtpKeys.fromKeyingMaterial(profile, keyingMaterial, true);
                    send = k.newSender();
                    recv = k.newReceiver();
                    keys.complete(k);
                }

                @Override
                public void onApplicationData(byte[] b, int off, int len) {}

                @Override
                public void onFailed(String reason, Throwable cause) {
                    keys.completeExceptionally(new AssertionError(reason, cause));
                }
            }, handshakes);
            dtls = d;
            d.start();
        }

        void sendRtp(int seq) throws IOException {
            byte[] p = rtp(ssrc, seq);
            byte[] wire = Arrays.copyOf(p, p.length + PeerTransport.TAG_ROOM);
            int n = send.protectRtp(wire, 0, p.length);
            socket.send(new DatagramPacket(wire, n, server()));
        }
    }

    /** One thread per client socket: hands each datagram to the peer of the server port it came from. */
    private void receive(DatagramSocket s) {
        while (!s.isClosed()) {
            DatagramPacket in = new DatagramPacket(new byte[1500], 1500);
            try {
                s.receive(in);
            } catch (IOException e) {
                return;
            }
            Peer p = bySocket.get(s).get((InetSocketAddress) in.getSocketAddress());
            if (p == null) {
                continue;
            }
            byte[] b = Arrays.copyOf(in.getData(), in.getLength());
            switch (PacketClass.of(b, 0, b.length)) {
                case STUN -> p.stun.add(new DatagramPacket(b, b.length, in.getSocketAddress()));
                case DTLS -> {
                    DtlsSession d = p.dtls;
                    if (d != null) {
                        d.receive(b, 0, b.length);
                    }
                }
                case RTP -> p.rtp.add(b);
                default -> { }
            }
        }
    }
}
