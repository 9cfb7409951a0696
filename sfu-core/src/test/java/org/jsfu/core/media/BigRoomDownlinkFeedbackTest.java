package org.jsfu.core.media;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import org.jsfu.core.bwe.SendSideEstimator;
import org.jsfu.core.rtcp.TwccRecorder;
import org.jsfu.core.rtp.RtpPacket;
import org.jsfu.core.sdp.Codec;
import org.jsfu.core.transport.PeerTransport;
import org.junit.jupiter.api.Test;

/**
 * A big room seen by one subscriber PC, without sockets, fake clock: 100 microphones (Opus, 50 packets/s
 * each: 5000 packets/s on the PC's one transport-wide counter), a 300 ms round trip, the subscriber's
 * transport-wide feedback (draft-holmer-rmcat-transport-wide-cc-extensions-01 section 3.1) every 50 ms.
 * Feedback describes packets sent up to RTT + feedback interval ago; they must still be matched
 * ({@link org.jsfu.core.bwe.SendHistory}), or the downlink estimate is blind exactly in the rooms that
 * need it.
 */
class BigRoomDownlinkFeedbackTest {
    private static final long MS = 1_000_000L;
    private static final int TRACKS = 100;
    private static final int TCC_ID = 3;
    private static final long ONE_WAY = 150 * MS;

    @Test
    void feedbackAboutEveryPacketIsMatchedAt5000PacketsPerSecondAnd300MsRtt() {
        SubscriberRtcp rtcp = new SubscriberRtcp("sub".getBytes(StandardCharsets.UTF_8));
        TwccRecorder receiver = new TwccRecorder(4096, 1024);
        byte[] feedback = new byte[receiver.maxFeedbackLength()];
        ArrayDeque<long[]> flight = new ArrayDeque<>(); // {arrival, tcc seq, ssrc}
        ArrayDeque<byte[]> back = new ArrayDeque<>();
        ArrayDeque<Long> backAt = new ArrayDeque<>();
        RtpPacket view = new RtpPacket();
        long[] now = {1_000_000_000L};
        long[] sentCount = {0};
        TrackSubscriber link = new TrackSubscriber() {
            @Override
            public void sendRtp(byte[] b, int off, int len, long index) {
                assertTrue(view.wrap(b, off, len));
                long ref = view.findExtension(TCC_ID);
                int at = RtpPacket.extOffset(ref);
                flight.add(new long[] {now[0] + ONE_WAY, (b[at] & 0xff) << 8 | (b[at + 1] & 0xff), view.ssrc()});
                sentCount[0]++;
            }

            @Override
            public void removeDownTrack(String trackSid) {
            }
        };
        List<UpTrack> ups = new ArrayList<>();
        List<DownTrack> downs = new ArrayList<>();
        for (int t = 0; t < TRACKS; t++) {
            UpTrack up = new UpTrack("TR_" + t, "PA_" + t, false, Codec.opus(111, false), ssrc -> { }, 1);
            up.addLayer(0, 1000 + t);
            DownTrack d = new DownTrack("TR_" + t, String.valueOf(t), up, link, 111, 0x10000 + t, 0, 0);
            d.negotiated = true;
            d.setHeaderExtensions(TCC_ID, -1, -1, rtcp.bwe.history());
            up.downs.add(d);
            downs.add(d);
            ups.add(up);
        }
        byte[] scratch = new byte[1500 + PeerTransport.TAG_ROOM];
        int[] seq = new int[TRACKS];
        long end = now[0] + 15_000 * MS; // 75k packets: the 16-bit transport-wide number wraps
        long sentBefore = 0;
        while (now[0] < end) {
            now[0] += MS;
            long ms = now[0] / MS;
            for (int t = (int) (ms % 20); t < TRACKS; t += 20) { // each track every 20 ms, staggered
                byte[] b = ForwardingTest.rtp(111, seq[t], 960L * seq[t], 1000 + t, new byte[60], 0);
                seq[t]++;
                assertTrue(view.wrap(b, 0, b.length));
                ups.get(t).onRtp(view, 0, now[0], scratch);
            }
            while (!flight.isEmpty() && flight.peek()[0] <= now[0]) {
                long[] f = flight.poll();
                receiver.onPacket((int) f[1], (int) f[2], f[0]);
            }
            if (ms % 50 == 0) {
                int len;
                while ((len = receiver.writeFeedback(feedback, 0, 77)) > 0) {
                    back.add(java.util.Arrays.copyOf(feedback, len));
                    backAt.add(now[0] + ONE_WAY);
                }
            }
            while (!back.isEmpty() && backAt.peek() <= now[0]) {
                byte[] fb = back.poll();
                backAt.poll();
                rtcp.onRtcp(fb, 0, fb.length, downs, now[0], now[0] / MS, scratch);
            }
            if (now[0] == end - 400 * MS) {
                sentBefore = sentCount[0]; // feedback about these has come back by the end
            }
        }
        SendSideEstimator est = rtcp.bwe.estimator();
        assertTrue(sentCount[0] > 70_000, "sent " + sentCount[0]);
        assertTrue(est.packetsAcked >= sentBefore, "acknowledged " + est.packetsAcked + " of the " + sentBefore
                + " packets whose feedback came back");
        assertTrue(est.lossRatio() < 0.01, "a lossless link reads as lossless: " + est.lossRatio());
    }

    @Test
    void feedbackAfterAnOutageDescribingThousandsOfPacketsIsUsed() {
        // 5000 packets/s and a 400 ms outage: the receiver's next feedback describes 2000 packets not
        // received in a row, then the 1000 that came after (a status count of 3000, section 3.1 allows 65535)
        SubscriberRtcp rtcp = new SubscriberRtcp("sub".getBytes(StandardCharsets.UTF_8));
        org.jsfu.core.bwe.SendHistory h = rtcp.bwe.history();
        long t = 1_000_000_000L;
        int base = -1;
        long[] arrivals = new long[3000];
        for (int i = 0; i < 3000; i++) {
            int seq = h.onSend(200, t);
            base = base < 0 ? seq : base;
            arrivals[i] = i < 2000 ? org.jsfu.core.rtcp.TwccFeedback.LOST : 7_000_000 + t / 1000;
            t += 200_000;
        }
        byte[] fb = new byte[20 + 2 * ((3000 + 6) / 7) + 2 * 3000 + 3];
        int len = org.jsfu.core.rtcp.TwccFeedback.write(fb, 0, 77, 0x10000, base, 0, arrivals, 3000);
        assertTrue(len > 0);
        rtcp.onRtcp(fb, 0, len, new ArrayList<>(), t + 50 * MS, t / MS, new byte[1500 + PeerTransport.TAG_ROOM]);
        SendSideEstimator est = rtcp.bwe.estimator();
        assertTrue(est.packetsAcked == 1000, "the 1000 received packets acknowledged: " + est.packetsAcked);
        assertTrue(est.lossRatio() > 0.3, "the outage reads as loss: " + est.lossRatio());
    }
}
