package org.jsfu.bench.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.time.Duration;
import java.util.Random;
import org.jsfu.bench.InProcessServer;
import java.util.concurrent.TimeUnit;
import org.jsfu.core.ice.StunMessage;
import org.jsfu.core.media.MediaPlane;
import org.jsfu.core.room.Room;
import org.jsfu.core.srtp.SrtpSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Hostile and malformed datagrams on the RTC UDP port, from a stranger and from the publisher's own
 * ICE-validated address with valid SRTP keys. The real subscriber must keep receiving the real
 * stream, nothing invalid may be forwarded, and no routing state may grow.
 */
class RtcBadInputTest {
    private static final Duration T = Duration.ofSeconds(20);

    @Test
    @Timeout(60)
    void hostileDatagramsAreDroppedWhileForwardingContinues() throws Exception {
        Random rnd = new Random(7);
        try (InProcessServer srv = InProcessServer.start(); ClientContext ctx = new ClientContext();
             DatagramChannel stranger = DatagramChannel.open()) {
            SimClient sub = SimClient.connect(ctx, srv.wsBase(),
                    Tokens.join(InProcessServer.KEY, InProcessServer.SECRET, "bad", "sub", false, true), T);
            SimClient pub = SimClient.connect(ctx, srv.wsBase(),
                    Tokens.join(InProcessServer.KEY, InProcessServer.SECRET, "bad", "pub", true, true), false, T);
            SimClient.Outgoing track = pub.publishAudio("mic", T);
            String sid = track.trackSid;
            Await.until("first packets", 10_000,
                    () -> sub.receivedTrack(sid) != null && sub.receivedTrack(sid).packets() > 10,
                    () -> "tracks=" + sub.receivedTracks());

            InetSocketAddress server = new InetSocketAddress(InetAddress.getLoopbackAddress(), srv.udpPort);
            stranger.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            stranger.configureBlocking(false);
            ClientPeer pubPc = pub.publisherPeer();
            int[] ssrcs0 = inboundSsrcCounts(srv, "bad", "pub");
            int addressRoutes0 = srv.mux.addressRoutes();
            int ufragRoutes0 = srv.mux.ufragRoutes();
            long dropped0 = srv.mux.droppedDatagrams();
            long sent0 = track.source.sent();
            long recv0 = sub.receivedTrack(sid).packets();
            byte[] b = new byte[1600];
            long strangerDatagrams = 0;

            // 1. random bytes from a stranger
            for (int i = 0; i < 2_000; i++) {
                int len = 1 + rnd.nextInt(1400);
                rnd.nextBytes(b);
                stranger.send(ByteBuffer.wrap(b, 0, len), server);
                strangerDatagrams++;
                pace(i);
            }
            // 2. STUN for the publisher PC's real ufrag with the wrong key: no answer, no route
            byte[] wrongKey = StunMessage.shortTermKey("not-the-password-0123456789abcd");
            for (int i = 0; i < 500; i++) {
                byte[] tid = new byte[12];
                rnd.nextBytes(tid);
                int n = new StunMessage(StunMessage.BINDING_REQUEST, tid)
                        .username(pubPc.remoteUfrag() + ":evil").priority(1).iceControlling(rnd.nextLong())
                        .useCandidate(true).encode(b, 0, StunMessage.hmacSha1(wrongKey), true);
                stranger.send(ByteBuffer.wrap(b, 0, n), server);
                pace(i);
            }
            // 3. DTLS-looking garbage, from a stranger and from the publisher's validated address
            for (int i = 0; i < 500; i++) {
                int len = 13 + rnd.nextInt(300);
                rnd.nextBytes(b);
                b[0] = 22;                       // handshake content type
                b[1] = (byte) 0xFE;
                b[2] = (byte) 0xFD;              // DTLS 1.2
                stranger.send(ByteBuffer.wrap(b, 0, len), server);
                strangerDatagrams++;
                pubPc.sendRaw(b, 0, len);
                pace(i);
            }
            // 4. authenticated RTP whose padding is longer than its payload (RFC 3550 5.1)
            int probeSsrc = 0x5EED0001;
            for (int i = 0; i < 200; i++) {
                synchronized (track.source) {
                    byte[] pb = track.source.buffer();
                    int n = track.source.write(probeSsrc, 1000 + i, 0, 80, System.nanoTime(),
                            AudioSource.FLAG_PROBE, true);
                    pb[0] |= 0x20;               // P bit
                    pb[n - 1] = (byte) 250;      // padding count > payload length
                    pubPc.sendRtp(pb, 0, n);
                }
                pace(i);
            }
            // 5. SRTP replays: an old index of the real SSRC with a new body, then the exact bytes again
            for (int i = 0; i < 200; i++) {
                synchronized (track.source) {
                    byte[] pb = track.source.buffer();
                    int seq = (track.source.nextSequence() - 5) & 0xFFFF;
                    int n = track.source.write(track.source.ssrc(), seq, track.source.nextTimestamp() - 5 * 960, 80,
                            System.nanoTime(), AudioSource.FLAG_PROBE, true);
                    int srtp = pubPc.sendRtp(pb, 0, n);
                    pubPc.sendRaw(pb, 0, srtp);
                }
                Thread.sleep(2);
            }
            // 6. 100k random SSRCs: plain RTP from a stranger, and authenticated by the publisher
            for (int i = 0; i < 100_000; i++) {
                int ssrc = rnd.nextInt();
                synchronized (track.source) {
                    byte[] pb = track.source.buffer();
                    int n = track.source.write(ssrc, rnd.nextInt(0x8000), rnd.nextInt(), 60, System.nanoTime(),
                            AudioSource.FLAG_PROBE, false);
                    stranger.send(ByteBuffer.wrap(pb, 0, n), server);
                    strangerDatagrams++;
                    pubPc.sendRtp(pb, 0, n);
                }
                if (i % 200 == 199) {
                    Thread.sleep(2);
                }
            }
            Thread.sleep(1_000); // the real stream keeps flowing after the attack

            long sent = track.source.sent() - sent0;
            long recv = sub.receivedTrack(sid).packets() - recv0;
            TrackStats st = sub.receivedTrack(sid);
            assertTrue(recv >= 0.95 * sent, "subscriber kept receiving: " + recv + " of " + sent + " " + st);
            assertEquals(0, st.probes(), "no invalid, replayed or foreign packet was forwarded: " + st);
            assertEquals(0, st.late(), "no duplicate reached the subscriber: " + st);
            assertEquals(0, sub.unknownSsrcPackets(), "no foreign SSRC reached the subscriber");
            assertEquals(0, sub.subscriberPeer().srtpFailures(), "everything forwarded authenticates");
            ByteBuffer reply = ByteBuffer.allocate(1500);
            assertNull(stranger.receive(reply), "the stranger got no answer (no STUN response)");
            assertEquals(addressRoutes0, srv.mux.addressRoutes(), "no address route was added");
            assertEquals(ufragRoutes0, srv.mux.ufragRoutes(), "no ufrag route was added");
            long dropped = srv.mux.droppedDatagrams() - dropped0;
            assertTrue(dropped >= strangerDatagrams, "stranger datagrams dropped at the socket: " + dropped
                    + " of " + strangerDatagrams);
            // the publisher's own authenticated random SSRCs: SRTP state and track mapping stay bounded
            int[] ssrcs = inboundSsrcCounts(srv, "bad", "pub");
            assertEquals(SrtpSession.DEFAULT_MAX_STREAMS, ssrcs[1],
                    "SRTP streams of the publisher PC filled up to their bound and no further (before: " + ssrcs0[1] + ")");
            assertEquals(ssrcs0[0], ssrcs[0], "no random SSRC was mapped to a track (bound "
                    + MediaPlane.MAX_MAPPED_SSRCS + ")");
            pub.leave();
            sub.leave();
        }
    }

    /** {mapped SSRCs, publisher-PC SRTP streams} of a participant, read on its room's loop. */
    private static int[] inboundSsrcCounts(InProcessServer srv, String room, String identity) throws Exception {
        Room r = srv.server.rooms().room(room);
        int[] c = r.loop().submit(() -> srv.server.media().inboundSsrcCounts(r.participant(identity)))
                .get(5, TimeUnit.SECONDS);
        assertTrue(c != null && c[0] <= MediaPlane.MAX_MAPPED_SSRCS && c[1] <= SrtpSession.DEFAULT_MAX_STREAMS,
                "bounded: " + java.util.Arrays.toString(c));
        return c;
    }

    /** Keeps the bursts below what loopback socket buffers hold. */
    private static void pace(int i) throws InterruptedException {
        if (i % 100 == 99) {
            Thread.sleep(1);
        }
    }
}
