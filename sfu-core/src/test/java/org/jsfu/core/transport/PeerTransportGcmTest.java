package org.jsfu.core.transport;

import static org.junit.jupiter.api.Assertions.*;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.jsfu.core.dtls.DtlsIdentity;
import org.jsfu.core.dtls.DtlsSession;
import org.jsfu.core.srtp.SrtpKeys;
import org.jsfu.core.srtp.SrtpProfile;
import org.jsfu.core.srtp.SrtpSession;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * AEAD_AES_128_GCM end to end (RFC 7714): a server told to prefer AES_CM_128_HMAC_SHA1_80 must still
 * accept a client whose use_srtp (RFC 5764 4.1.1) offers only GCM, as LiveKit (pion) does; and the
 * server's pick follows {@link PeerTransport#preferSrtpProfiles} when the client offers both. A real
 * PeerTransport on a loopback UdpMux answers a STUN check, runs the DTLS server, and exchanges SRTP
 * and SRTCP both ways with a DtlsSession client on a plain UDP socket.
 */
class PeerTransportGcmTest {
    private static final InetAddress LO = InetAddress.getLoopbackAddress();
    private static final DtlsIdentity SERVER_ID = DtlsIdentity.generate();
    private static final DtlsIdentity CLIENT_ID = DtlsIdentity.generate();

    private UdpMux mux;
    private ExecutorService loop;
    private ExecutorService handshakes;
    private ExecutorService clientReader;
    private PeerTransport transport;
    private DatagramSocket browser;
    private DtlsSession client;
    private TransportRig rig;
    private final TransportRig.Recording serverSide = new TransportRig.Recording();
    private final LinkedBlockingQueue<byte[]> serverRtp = serverSide.rtp;
    private final LinkedBlockingQueue<byte[]> serverRtcp = serverSide.rtcp;
    private final LinkedBlockingQueue<byte[]> clientMedia = new LinkedBlockingQueue<>();

    @BeforeEach
    void setUp() throws Exception {
        rig = new TransportRig("pub:gcm", SERVER_ID, serverSide, 5000);
        mux = rig.mux;
        loop = rig.loop;
        handshakes = rig.handshakes;
        transport = rig.transport;
        browser = rig.browser;
        clientReader = Executors.newSingleThreadExecutor();
    }

    @AfterEach
    void tearDown() throws Exception {
        if (client != null) client.close();
        clientReader.shutdownNow();
        rig.close();
    }

    @Test
    void gcmOnlyClientNegotiatesGcmAndExchangesSrtpBothWays() throws Exception {
        InetSocketAddress server = new InetSocketAddress(LO, transport.localPort());
        rig.browserCheck(false);
        loop.submit(() -> transport.preferSrtpProfiles(
                List.of(SrtpProfile.AES_CM_128_HMAC_SHA1_80, SrtpProfile.AEAD_AES_128_GCM))
                .setRemote("peer", "peerpassword0123456789", CLIENT_ID.fingerprintSha256()))
                .get(5, TimeUnit.SECONDS);

        KeyingListener keying = KeyingListener.udp(browser, server);
        DtlsSession.Options gcmOnly = DtlsSession.Options.defaults()
                .withSrtpProfiles(List.of(SrtpProfile.AEAD_AES_128_GCM)).withHandshakeTimeoutMs(10_000);
        client = new DtlsSession(CLIENT_ID, true, transport.fingerprint(), keying, handshakes, gcmOnly);
        clientReader.execute(this::readBrowserSocket);
        client.start();

        assertEquals(SrtpProfile.AEAD_AES_128_GCM, keying.profile.get(15, TimeUnit.SECONDS), "negotiated profile");
        assertEquals(SrtpProfile.AEAD_AES_128_GCM, client.srtpProfile());
        serverSide.awaitConnected(5000);
        assertTrue(loop.submit(transport::isConnected).get(5, TimeUnit.SECONDS));
        SrtpKeys keys = SrtpKeys.fromKeyingMaterial(SrtpProfile.AEAD_AES_128_GCM, keying.keyingMaterial.get(), true);
        SrtpSession up = keys.newSender();
        SrtpSession down = keys.newReceiver();

        // client -> server: RTP and RTCP, GCM-protected (a 16-byte tag; AES-CM would be 10)
        for (int seq = 100; seq < 105; seq++) {
            byte[] rtp = TransportRig.rtp(0x1111_2222, seq, 160);
            byte[] wire = Arrays.copyOf(rtp, rtp.length + PeerTransport.TAG_ROOM);
            int n = up.protectRtp(wire, 0, rtp.length);
            assertEquals(rtp.length + 16, n);
            browser.send(new DatagramPacket(wire, 0, n, server));
            assertArrayEquals(rtp, serverRtp.poll(5, TimeUnit.SECONDS), "server decrypted seq " + seq);
        }
        byte[] sr = senderReport(0x1111_2222);
        byte[] srWire = Arrays.copyOf(sr, sr.length + PeerTransport.TAG_ROOM);
        int srLen = up.protectRtcp(srWire, 0, sr.length);
        assertEquals(sr.length + 4 + 16, srLen);
        browser.send(new DatagramPacket(srWire, 0, srLen, server));
        assertArrayEquals(sr, serverRtcp.poll(5, TimeUnit.SECONDS), "server decrypted SRTCP");

        // server -> client: what the transport protects must open with the client's GCM receive keys.
        byte[] media = TransportRig.rtp(0x3333_4444, 7, 300);
        byte[] buf = Arrays.copyOf(media, media.length + PeerTransport.TAG_ROOM);
        loop.submit(() -> transport.sendRtp(buf, 0, media.length, 7)).get(5, TimeUnit.SECONDS);
        byte[] got = awaitMedia(PacketClass.RTP);
        assertEquals(media.length + 16, got.length, "GCM tag on the server's SRTP");
        int m = down.unprotectRtp(got, 0, got.length);
        assertArrayEquals(media, Arrays.copyOf(got, Math.max(m, 0)), "client decrypted the server's SRTP");

        byte[] rr = senderReport(0x3333_4444);
        byte[] rrBuf = Arrays.copyOf(rr, rr.length + PeerTransport.TAG_ROOM);
        loop.submit(() -> transport.sendRtcp(rrBuf, 0, rr.length)).get(5, TimeUnit.SECONDS);
        byte[] gotRtcp = awaitMedia(PacketClass.RTCP);
        assertEquals(rr.length + 4 + 16, gotRtcp.length, "GCM tag and SRTCP index");
        int r = down.unprotectRtcp(gotRtcp, 0, gotRtcp.length);
        assertArrayEquals(rr, Arrays.copyOf(gotRtcp, Math.max(r, 0)), "client decrypted the server's SRTCP");
    }

    /** Client side of the UDP socket: DTLS to the client session, SRTP/SRTCP to the media queue. */
    @Test
    void serverPicksByItsPreferenceFromAClientOfferingBoth() throws Exception {
        assertEquals(SrtpProfile.AES_CM_128_HMAC_SHA1_80, negotiate(
                List.of(SrtpProfile.AES_CM_128_HMAC_SHA1_80, SrtpProfile.AEAD_AES_128_GCM)));
    }

    @Test
    void defaultPreferenceIsGcmFirst() throws Exception {
        assertEquals(SrtpProfile.AEAD_AES_128_GCM, negotiate(null));
    }

    /** The profile negotiated with a client offering AES-CM first, then GCM; serverOrder null: default. */
    private SrtpProfile negotiate(List<SrtpProfile> serverOrder) throws Exception {
        InetSocketAddress server = new InetSocketAddress(LO, transport.localPort());
        rig.browserCheck(false);
        loop.submit(() -> {
            if (serverOrder != null) transport.preferSrtpProfiles(serverOrder);
            transport.setRemote("peer", "peerpassword0123456789", CLIENT_ID.fingerprintSha256());
        }).get(5, TimeUnit.SECONDS);
        KeyingListener keying = KeyingListener.udp(browser, server);
        DtlsSession.Options both = DtlsSession.Options.defaults().withHandshakeTimeoutMs(10_000)
                .withSrtpProfiles(List.of(SrtpProfile.AES_CM_128_HMAC_SHA1_80, SrtpProfile.AEAD_AES_128_GCM));
        client = new DtlsSession(CLIENT_ID, true, transport.fingerprint(), keying, handshakes, both);
        clientReader.execute(this::readBrowserSocket);
        client.start();
        SrtpProfile p = keying.profile.get(15, TimeUnit.SECONDS);
        serverSide.awaitConnected(5000);
        return p;
    }

    private void readBrowserSocket() {
        byte[] b = new byte[2048];
        while (!browser.isClosed() && !Thread.currentThread().isInterrupted()) {
            DatagramPacket in = new DatagramPacket(b, b.length);
            try {
                browser.receive(in);
            } catch (SocketTimeoutException e) {
                continue;
            } catch (java.io.IOException e) {
                return;
            }
            byte[] d = Arrays.copyOf(in.getData(), in.getLength());
            switch (PacketClass.of(d, 0, d.length)) {
                case DTLS -> client.receive(d, 0, d.length);
                case RTP, RTCP -> clientMedia.add(d);
                default -> { }
            }
        }
    }

    private byte[] awaitMedia(PacketClass kind) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        for (long left; (left = end - System.nanoTime()) > 0; ) {
            byte[] d = clientMedia.poll(left, TimeUnit.NANOSECONDS);
            if (d != null && PacketClass.of(d, 0, d.length) == kind) {
                return d;
            }
        }
        fail("no " + kind + " from the server");
        return null;
    }


    /** A 28-byte sender report (RFC 3550 6.4.1). */
    private static byte[] senderReport(int ssrc) {
        byte[] b = new byte[28];
        b[0] = (byte) 0x80;
        b[1] = (byte) 200;
        b[3] = 6;
        b[4] = (byte) (ssrc >>> 24);
        b[5] = (byte) (ssrc >>> 16);
        b[6] = (byte) (ssrc >>> 8);
        b[7] = (byte) ssrc;
        for (int i = 8; i < 28; i++) b[i] = (byte) (i * 5);
        return b;
    }
}
