package org.jsfu.core.transport;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.jsfu.core.dtls.DtlsIdentity;
import org.jsfu.core.dtls.DtlsSession;
import org.jsfu.core.srtp.SrtpProfile;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * RFC 8122 5 / RFC 8827 6.5 at the transport: a peer whose DTLS certificate is not the one its SDP
 * fingerprint names (a man in the middle on the media path, or a stale answer) must fail the PC,
 * never connect it, and leave it without SRTP keys, so no media is sent or accepted.
 */
class PeerTransportFingerprintTest {
    private static final InetAddress LO = InetAddress.getLoopbackAddress();

    private UdpMux mux;
    private ExecutorService loop;
    private ExecutorService handshakes;
    private PeerTransport transport;
    private DatagramSocket browser;
    private TransportRig rig;
    private final TransportRig.Recording events = new TransportRig.Recording();
    private final CompletableFuture<String> failed = events.failed;
    private final CompletableFuture<Void> connected = events.connected;
    private final LinkedBlockingQueue<byte[]> rtpAtServer = events.rtp;

    @BeforeEach
    void setUp() throws Exception {
        rig = new TransportRig("pub:t", DtlsIdentity.generate(), events, 200);
        mux = rig.mux;
        loop = rig.loop;
        handshakes = rig.handshakes;
        transport = rig.transport;
        browser = rig.browser;
    }

    @AfterEach
    void tearDown() throws Exception {
        rig.close();
    }

    @Test
    void aCertificateOtherThanTheSdpFingerprintFailsThePcWithoutKeys() throws Exception {
        DtlsIdentity inSdp = DtlsIdentity.generate();
        DtlsIdentity presented = DtlsIdentity.generate(); // a valid certificate, just not the signalled one
        loop.submit(() -> transport.setRemote("peer", "peerpassword0123456789", inSdp.fingerprintSha256()))
                .get(5, TimeUnit.SECONDS);
        InetSocketAddress server = new InetSocketAddress(LO, transport.localPort());
        rig.browserCheck(true);
        assertNotNull(loop.submit(transport::path).get(5, TimeUnit.SECONDS),
                "ICE validated the path: DTLS is the only thing in the way");

        CompletableFuture<Void> clientConnected = new CompletableFuture<>();
        DtlsSession client = new DtlsSession(presented, true, transport.fingerprint(), new DtlsSession.Listener() {
            @Override
            public void sendDatagram(byte[] b, int off, int len) {
                try {
                    browser.send(new DatagramPacket(b, off, len, server));
                } catch (IOException e) {
                    // the test fails on the missing outcome
                }
            }

            @Override
            public void onConnected(SrtpProfile profile, byte[] keyingMaterial) {
                clientConnected.complete(null);
            }

            @Override
            public void onApplicationData(byte[] b, int off, int len) {}

            @Override
            public void onFailed(String reason, Throwable cause) {}
        }, handshakes);
        client.start();
        try {
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (!failed.isDone() && System.nanoTime() < end) {
                DatagramPacket in = new DatagramPacket(new byte[1500], 1500);
                try {
                    browser.receive(in);
                } catch (SocketTimeoutException e) {
                    continue;
                }
                if (DtlsSession.isDtls(in.getData(), 0, in.getLength())) {
                    client.receive(in.getData(), 0, in.getLength());
                }
            }
            String reason = failed.get(1, TimeUnit.SECONDS);
            assertTrue(reason.startsWith("dtls:"), reason);
            assertTrue(reason.contains("fingerprint"), "names the cause: " + reason);
        } finally {
            client.close();
        }
        assertFalse(connected.isDone(), "the PC never connected");
        assertFalse(clientConnected.isDone(), "the peer got no keying material either");
        assertFalse(loop.submit(transport::isConnected).get(5, TimeUnit.SECONDS));
        assertFalse(loop.submit(transport::srtpKeysInstalled).get(5, TimeUnit.SECONDS), "no SRTP keys");

        // without keys nothing is sent: an RTP packet handed to the transport does not leave it
        byte[] rtp = UdpMuxPortRangeTest.rtp(0x1234, 1);
        byte[] buf = Arrays.copyOf(rtp, rtp.length + PeerTransport.TAG_ROOM);
        loop.submit(() -> transport.sendRtp(buf, 0, rtp.length, 1)).get(5, TimeUnit.SECONDS);
        assertNull(receiveRtp(), "no media on the path of a failed PC");
        // and nothing is accepted: RTP from the validated address is not delivered
        browser.send(new DatagramPacket(rtp, rtp.length, server));
        assertNull(rtpAtServer.poll(300, TimeUnit.MILLISECONDS));
    }

    /** An RTP-class datagram the browser receives within the socket timeout, else null. */
    private byte[] receiveRtp() throws IOException {
        long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(500);
        while (System.nanoTime() < end) {
            DatagramPacket in = new DatagramPacket(new byte[1500], 1500);
            try {
                browser.receive(in);
            } catch (SocketTimeoutException e) {
                continue;
            }
            if (PacketClass.of(in.getData(), 0, in.getLength()) == PacketClass.RTP) {
                return Arrays.copyOf(in.getData(), in.getLength());
            }
        }
        return null;
    }

}
