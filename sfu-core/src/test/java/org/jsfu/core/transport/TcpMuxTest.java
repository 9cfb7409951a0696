package org.jsfu.core.transport;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.jsfu.core.dtls.DtlsIdentity;
import org.jsfu.core.dtls.DtlsSession;
import org.jsfu.core.ice.IceTcpFraming;
import org.jsfu.core.ice.StunMessage;
import org.jsfu.core.srtp.SrtpKeys;
import org.jsfu.core.srtp.SrtpSession;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** ICE-TCP through real loopback sockets: STUN check, DTLS, SRTP both ways; hostile input. */
class TcpMuxTest {
    static final DtlsIdentity SERVER_ID = DtlsIdentity.generate();
    static final DtlsIdentity CLIENT_ID = DtlsIdentity.generate();
    static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
    static final String CLIENT_UFRAG = "cliU";
    static final long HANDSHAKE_TIMEOUT_MS = 1500;
    /** Bad input is refused at once, well before the handshake timeout could close it. */
    static final long PROMPT_MS = 700;

    ExecutorService loop;
    ExecutorService pool;
    UdpMux udp;
    TcpMux tcp;
    PeerTransport transport;
    final CompletableFuture<Void> serverConnected = new CompletableFuture<>();
    final LinkedBlockingQueue<byte[]> serverRtp = new LinkedBlockingQueue<>();

    @BeforeEach
    void setUp() throws Exception {
        loop = Executors.newSingleThreadExecutor();
        pool = Executors.newCachedThreadPool();
        int udpPort;
        try (DatagramSocket s = new DatagramSocket(0, LOOPBACK)) {
            udpPort = s.getLocalPort();
        }
        udp = new UdpMux(LOOPBACK, udpPort, udpPort);
        tcp = new TcpMux(LOOPBACK, 0, HANDSHAKE_TIMEOUT_MS);
        transport = new PeerTransport("pc", udp, tcp, loop, pool, SERVER_ID, new PeerTransport.Listener() {
            @Override
            public void onConnected(PeerTransport t) {
                serverConnected.complete(null);
            }

            @Override
            public void onRtp(PeerTransport t, byte[] b, int off, int len, long nowNanos) {
                serverRtp.add(Arrays.copyOfRange(b, off, off + len));
            }

            @Override
            public void onRtcp(PeerTransport t, byte[] b, int off, int len, long nowNanos) {
            }

            @Override
            public void onApplicationData(PeerTransport t, byte[] b, int off, int len) {
            }

            @Override
            public void onFailed(PeerTransport t, String reason) {
                serverConnected.completeExceptionally(new AssertionError(reason));
            }
        });
        loop.submit(() -> transport.setRemote(CLIENT_UFRAG, "clientpasswordclientpassword", CLIENT_ID.fingerprintSha256()))
                .get();
    }

    @AfterEach
    void tearDown() {
        loop.submit(transport::close);
        tcp.close();
        udp.close();
        loop.shutdownNow();
        pool.shutdownNow();
    }

    /** A blocking client connection speaking RFC 4571 frames. */
    final class Client implements AutoCloseable {
        final SocketChannel ch;
        final IceTcpFraming.Decoder decoder = new IceTcpFraming.Decoder();
        final LinkedBlockingQueue<byte[]> frames = new LinkedBlockingQueue<>();
        final ByteBuffer in = ByteBuffer.allocate(70_000);
        volatile boolean eof;

        Client() throws IOException {
            ch = SocketChannel.open(new InetSocketAddress(LOOPBACK, tcp.port()));
            ch.socket().setSoTimeout(100);
        }

        synchronized void sendFrame(byte[] b, int off, int len) {
            byte[] f = new byte[len + 2];
            IceTcpFraming.encode(b, off, len, f, 0);
            writeRaw(f);
        }

        synchronized void writeRaw(byte[] raw) {
            try {
                ch.write(ByteBuffer.wrap(raw));
            } catch (IOException e) {
                eof = true;
            }
        }

        /** Reads what is available (blocking up to the socket timeout); false on EOF. */
        boolean pump() {
            try {
                in.clear();
                int n = ch.socket().getInputStream().read(in.array());
                if (n < 0) {
                    eof = true;
                    return false;
                }
                decoder.feed(in.array(), 0, n, (b, off, len) -> frames.add(Arrays.copyOfRange(b, off, off + len)));
            } catch (SocketTimeoutException e) {
                return true;
            } catch (IOException e) {
                eof = true;
                return false;
            }
            return true;
        }

        /** Waits until the server closes the connection. */
        boolean awaitEof(long ms) {
            long end = System.currentTimeMillis() + ms;
            while (System.currentTimeMillis() < end && pump()) {
                // drain
            }
            return eof;
        }

        @Override
        public void close() throws IOException {
            ch.close();
        }
    }

    byte[] bindingRequest(String username, String pwd, boolean useCandidate) {
        byte[] tx = new byte[12];
        new Random().nextBytes(tx);
        StunMessage m = new StunMessage(StunMessage.BINDING_REQUEST, tx).username(username)
                .priority(1_000_000).iceControlling(42).useCandidate(useCandidate);
        byte[] out = new byte[256];
        int n = m.encode(out, 0, StunMessage.hmacSha1(StunMessage.shortTermKey(pwd)), true);
        return Arrays.copyOf(out, n);
    }

    byte[] goodCheck() {
        return bindingRequest(transport.localIce().ufrag() + ":" + CLIENT_UFRAG, transport.localIce().pwd(), true);
    }

    static void await(BooleanSupplier cond, long ms, String what) throws InterruptedException {
        long end = System.currentTimeMillis() + ms;
        while (!cond.getAsBoolean()) {
            assertTrue(System.currentTimeMillis() < end, "timed out: " + what);
            Thread.sleep(10);
        }
    }

    @Test
    void stunDtlsAndSrtpOverTcp() throws Exception {
        try (Client c = new Client()) {
            byte[] req = goodCheck();
            c.sendFrame(req, 0, req.length);
            byte[] respBytes = null;
            long end = System.currentTimeMillis() + 5000;
            while (respBytes == null && System.currentTimeMillis() < end && c.pump()) {
                respBytes = c.frames.poll();
            }
            assertNotNull(respBytes, "binding response");
            StunMessage resp = StunMessage.parse(respBytes, 0, respBytes.length);
            assertEquals(StunMessage.BINDING_SUCCESS, resp.type());
            assertEquals(c.ch.getLocalAddress(), resp.xorMappedAddress());
            await(() -> transport.path() != null, 2000, "path selected");
            assertEquals("tcp", transport.path().protocol());

            // DTLS client over the same connection; the transport is the DTLS server.
            KeyingListener keying = new KeyingListener(c::sendFrame);
            DtlsSession client = new DtlsSession(CLIENT_ID, true, SERVER_ID.fingerprintSha256(), keying, pool);
            client.start();
            end = System.currentTimeMillis() + 10_000;
            while (!(keying.keyingMaterial.isDone() && serverConnected.isDone()) && System.currentTimeMillis() < end && c.pump()) {
                for (byte[] f; (f = c.frames.poll()) != null; ) {
                    client.receive(f, 0, f.length);
                }
            }
            serverConnected.get(1, TimeUnit.SECONDS);
            SrtpKeys keys = SrtpKeys.fromKeyingMaterial(keying.profile.get(), keying.keyingMaterial.get(1, TimeUnit.SECONDS), true);

            // client -> server RTP
            SrtpSession send = SrtpSession.sender(keying.profile.get(), keys.localKey(), keys.localSalt());
            byte[] rtp = rtp(7, 0x1234_5678, 100);
            byte[] wire = Arrays.copyOf(rtp, rtp.length + PeerTransport.TAG_ROOM);
            int n = send.protectRtp(wire, 0, rtp.length);
            c.sendFrame(wire, 0, n);
            byte[] got = serverRtp.poll(5, TimeUnit.SECONDS);
            assertArrayEquals(rtp, got);

            // server -> client RTP on the nominated TCP pair
            SrtpSession recv = SrtpSession.receiver(keying.profile.get(), keys.remoteKey(), keys.remoteSalt());
            byte[] down = rtp(9, 0x0BAD_CAFE, 300);
            byte[] buf = Arrays.copyOf(down, down.length + PeerTransport.TAG_ROOM);
            loop.submit(() -> transport.sendRtp(buf, 0, down.length, 9)).get();
            byte[] frame = null;
            end = System.currentTimeMillis() + 5000;
            while (frame == null && System.currentTimeMillis() < end && c.pump()) {
                for (byte[] f; (f = c.frames.poll()) != null; ) {
                    if (PacketClass.of(f, 0, f.length) == PacketClass.RTP) {
                        frame = f;
                    }
                }
            }
            assertNotNull(frame, "srtp from the server");
            int m = recv.unprotectRtp(frame, 0, frame.length);
            assertArrayEquals(down, Arrays.copyOf(frame, m));
            client.close();
        }
        loop.submit(transport::close).get();
        await(() -> tcp.connectionCount() == 0, 2000, "closing the transport closes its connection");
    }

    @Test
    void slowReaderDropsInsteadOfBlocking() throws Exception {
        try (Client c = new Client()) {
            byte[] req = goodCheck();
            c.sendFrame(req, 0, req.length);
            await(() -> transport.path() != null, 5000, "path selected");
            PacketPath p = transport.path();
            byte[] pkt = new byte[1200];
            long start = System.nanoTime();
            for (int i = 0; i < 5000; i++) { // 6 MB to a client that never reads
                p.send(pkt, 0, pkt.length);
            }
            long ms = (System.nanoTime() - start) / 1_000_000;
            assertTrue(ms < 2000, "sends must not block: " + ms + " ms");
            assertTrue(tcp.droppedFrames() > 0, "a full write buffer drops");
            // the connection is still usable: what was queued arrives in order
            int frames = 0;
            long end = System.currentTimeMillis() + 5000;
            while (frames < 10 && System.currentTimeMillis() < end && c.pump()) {
                for (byte[] f; (f = c.frames.poll()) != null; ) {
                    frames++;
                }
            }
            assertTrue(frames >= 10, "frames delivered: " + frames);
        }
    }

    @Test
    void randomBytesCloseTheConnection() throws Exception {
        byte[] junk = new byte[300];
        new Random(1).nextBytes(junk);
        junk[0] = 0;
        junk[1] = 40; // a complete 40-byte first frame that is not STUN
        junk[2] = (byte) 0x80;
        assertRejectedByMux(PROMPT_MS, c -> c.writeRaw(junk));
    }

    @Test
    void hugeLengthPrefixClosesTheConnection() throws Exception {
        assertRejectedByMux(PROMPT_MS, c -> c.writeRaw(new byte[] {(byte) 0xFF, (byte) 0xFF, 0, 1, 0, 0}));
    }

    @Test
    void unknownUfragClosesTheConnection() throws Exception {
        byte[] req = bindingRequest("nobody:" + CLIENT_UFRAG, transport.localIce().pwd(), true);
        assertRejectedByMux(PROMPT_MS, c -> c.sendFrame(req, 0, req.length));
    }

    @Test
    void wrongPasswordClosesTheConnection() throws Exception {
        byte[] req = bindingRequest(transport.localIce().ufrag() + ":" + CLIENT_UFRAG, "not-the-password-at-all!", true);
        long before = tcp.rejectedConnections();
        assertClosed(PROMPT_MS, c -> c.sendFrame(req, 0, req.length));
        assertEquals(before, tcp.rejectedConnections(), "closed by the transport's ICE agent, not a timeout");
        assertEquals(null, transport.path());
    }

    @Test
    void silentAndHalfFramedConnectionsTimeOut() throws Exception {
        long start = System.currentTimeMillis();
        assertRejectedByMux(HANDSHAKE_TIMEOUT_MS + 2000, c -> { });
        assertTrue(System.currentTimeMillis() - start >= HANDSHAKE_TIMEOUT_MS, "closed by the timeout");
        assertRejectedByMux(HANDSHAKE_TIMEOUT_MS + 2000, c -> c.writeRaw(new byte[] {0, 100, 0, 1, 0}));
    }

    @Test
    void dtlsBeforeAValidCheckClosesTheConnection() throws Exception {
        byte[] dtlsLike = new byte[40];
        dtlsLike[0] = 22;
        assertRejectedByMux(PROMPT_MS, c -> c.sendFrame(dtlsLike, 0, dtlsLike.length));
    }

    interface Action {
        void run(Client c) throws Exception;
    }

    void assertRejectedByMux(long withinMs, Action a) throws Exception {
        long before = tcp.rejectedConnections();
        assertClosed(withinMs, a);
        assertEquals(before + 1, tcp.rejectedConnections(), "refused by the mux");
    }

    /** The server closes the connection within {@code withinMs} of the action and keeps nothing. */
    void assertClosed(long withinMs, Action a) throws Exception {
        try (Client c = new Client()) {
            await(() -> tcp.connectionCount() == 1, 2000, "accepted");
            a.run(c);
            assertTrue(c.awaitEof(withinMs), "server closed the connection within " + withinMs + " ms");
        }
        await(() -> tcp.connectionCount() == 0, 2000, "no connection state kept");
        assertEquals(null, transport.path());
    }

    static byte[] rtp(int seq, int ssrc, int payload) {
        byte[] b = new byte[12 + payload];
        b[0] = (byte) 0x80;
        b[1] = 96;
        b[2] = (byte) (seq >>> 8);
        b[3] = (byte) seq;
        b[4] = 0;
        b[5] = 0;
        b[6] = 3;
        b[7] = (byte) 0xE8;
        b[8] = (byte) (ssrc >>> 24);
        b[9] = (byte) (ssrc >>> 16);
        b[10] = (byte) (ssrc >>> 8);
        b[11] = (byte) ssrc;
        for (int i = 12; i < b.length; i++) {
            b[i] = (byte) i;
        }
        return b;
    }
}
