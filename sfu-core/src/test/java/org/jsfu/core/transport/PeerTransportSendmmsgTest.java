package org.jsfu.core.transport;

import static org.junit.jupiter.api.Assertions.*;

import java.net.DatagramPacket;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.util.Arrays;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.jsfu.core.dtls.DtlsIdentity;
import org.jsfu.core.dtls.DtlsSession;
import org.jsfu.core.srtp.SrtpKeys;
import org.jsfu.core.srtp.SrtpSession;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The loop's {@code sendmmsg} batch on a real loopback socket: a PeerTransport that answers each RTP
 * packet it receives with a fan-out of {@link #FAN_OUT} SRTP packets from inside its inbox drain (as a
 * room forwards a publisher's packet to its subscribers). Every packet reaches the client socket
 * intact and in order, in {@code sendmmsg} calls of a full batch each plus one for the rest, which
 * only the end of the drain flushes.
 */
class PeerTransportSendmmsgTest {
    private static final DtlsIdentity SERVER_ID = DtlsIdentity.generate();
    private static final DtlsIdentity CLIENT_ID = DtlsIdentity.generate();
    private static final int FAN_OUT = 150;
    private static final int SSRC = 0x5151_0001;

    private final TransportRig.Recording recording = new TransportRig.Recording();
    private final ExecutorService clientReader = Executors.newSingleThreadExecutor();
    private final LinkedBlockingQueue<byte[]> clientMedia = new LinkedBlockingQueue<>();
    private TransportRig rig;
    private DtlsSession client;

    /** Records as the rig's listener does, and answers every RTP packet with the fan-out. */
    private final PeerTransport.Listener fanOut = new PeerTransport.Listener() {
        @Override
        public void onConnected(PeerTransport t) {
            recording.onConnected(t);
        }

        @Override
        public void onRtp(PeerTransport t, byte[] b, int off, int len, long nowNanos) {
            int base = ((b[off + 2] & 0xff) << 8 | (b[off + 3] & 0xff)) * FAN_OUT;
            for (int k = 0; k < FAN_OUT; k++) {
                byte[] out = TransportRig.rtp(SSRC, base + k, 100);
                t.sendRtp(Arrays.copyOf(out, out.length + PeerTransport.TAG_ROOM), 0, out.length, base + k);
            }
            recording.onRtp(t, b, off, len, nowNanos);
        }

        @Override
        public void onRtcp(PeerTransport t, byte[] b, int off, int len, long nowNanos) {
        }

        @Override
        public void onApplicationData(PeerTransport t, byte[] b, int off, int len) {
        }

        @Override
        public void onFailed(PeerTransport t, String reason) {
            recording.onFailed(t, reason);
        }
    };

    @AfterEach
    void tearDown() throws Exception {
        if (client != null) client.close();
        clientReader.shutdownNow();
        if (rig != null) rig.close();
    }

    /** On 127.0.0.1 (a node bound to its addresses) and on 0.0.0.0 (a node_ip behind NAT: the IPv4 wildcard). */
    @ParameterizedTest
    @ValueSource(strings = {"127.0.0.1", "0.0.0.0"})
    void aFanOutFromTheDrainArrivesIntactAndInOrderInBatches(String bind) throws Throwable {
        assertTrue(NativeSend.available(), "sendmmsg path (surefire argLine)");
        rig = new TransportRig("sub:mmsg", SERVER_ID, fanOut, 200, java.net.InetAddress.getByName(bind));
        int fd = rig.mux.sockets().get(0).fd;
        assertTrue(fd >= 0, "the IPv4 NIO socket's descriptor");
        assertEquals(NativeSend.IP_PMTUDISC_PROBE,
                SocketOptionProbe.intOption(fd, NativeSend.IPPROTO_IP, NativeSend.IP_MTU_DISCOVER), "DF on every datagram");
        InetSocketAddress server = new InetSocketAddress(TransportRig.LO, rig.transport.localPort());
        rig.browserCheck(false);
        rig.loop.submit(() -> rig.transport.setRemote("peer", "peerpassword0123456789", CLIENT_ID.fingerprintSha256()))
                .get(5, TimeUnit.SECONDS);
        KeyingListener keying = KeyingListener.udp(rig.browser, server);
        client = new DtlsSession(CLIENT_ID, true, rig.transport.fingerprint(), keying, rig.handshakes,
                DtlsSession.Options.defaults().withHandshakeTimeoutMs(10_000));
        clientReader.execute(this::readClientSocket);
        client.start();
        byte[] material = keying.keyingMaterial.get(15, TimeUnit.SECONDS);
        SrtpKeys keys = SrtpKeys.fromKeyingMaterial(keying.profile.get(), material, true);
        recording.awaitConnected(5000);
        SrtpSession up = keys.newSender();
        SrtpSession down = keys.newReceiver();

        for (int round = 0; round < 3; round++) {
            byte[] trigger = TransportRig.rtp(0x1111_2222, round, 40);
            byte[] wire = Arrays.copyOf(trigger, trigger.length + PeerTransport.TAG_ROOM);
            int n = up.protectRtp(wire, 0, trigger.length);
            rig.browser.send(new DatagramPacket(wire, 0, n, server));
            for (int k = 0; k < FAN_OUT; k++) {
                int seq = round * FAN_OUT + k;
                byte[] got = clientMedia.poll(5, TimeUnit.SECONDS);
                assertNotNull(got, "packet " + seq + " arrived");
                int m = down.unprotectRtp(got, 0, got.length);
                assertArrayEquals(TransportRig.rtp(SSRC, seq, 100), Arrays.copyOf(got, Math.max(m, 0)), "packet " + seq + " intact, in order");
            }
        }
        MmsgBatch batch = rig.loop.submit(() -> rig.transport.inbox().mmsgBatch()).get(5, TimeUnit.SECONDS);
        assertNotNull(batch, "the loop made a sendmmsg batch");
        long[] stats = rig.loop.submit(() -> new long[] {batch.datagrams(), batch.calls(), batch.dropped(), batch.pending()})
                .get(5, TimeUnit.SECONDS);
        assertEquals(3L * FAN_OUT, stats[0], "every datagram through sendmmsg");
        int perRound = FAN_OUT / MmsgBatch.SLOTS + (FAN_OUT % MmsgBatch.SLOTS == 0 ? 0 : 1);
        assertEquals(3L * perRound, stats[1], "full batches plus the rest at the drain's end");
        assertEquals(0, stats[2]);
        assertEquals(0, stats[3]);
    }

    /** The client socket: DTLS to the client session, RTP to the media queue. */
    private void readClientSocket() {
        byte[] b = new byte[2048];
        while (!rig.browser.isClosed() && !Thread.currentThread().isInterrupted()) {
            DatagramPacket in = new DatagramPacket(b, b.length);
            try {
                rig.browser.receive(in);
            } catch (SocketTimeoutException e) {
                continue;
            } catch (java.io.IOException e) {
                return;
            }
            byte[] d = Arrays.copyOf(in.getData(), in.getLength());
            switch (PacketClass.of(d, 0, d.length)) {
                case DTLS -> client.receive(d, 0, d.length);
                case RTP -> clientMedia.add(d);
                default -> { }
            }
        }
    }
}
