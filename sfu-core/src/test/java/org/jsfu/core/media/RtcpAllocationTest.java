package org.jsfu.core.media;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.jsfu.core.rtcp.Nack;
import org.jsfu.core.rtcp.TwccRecorder;
import org.jsfu.core.rtp.RtpHeader;
import org.jsfu.core.rtp.RtpPacket;
import org.jsfu.core.sdp.Codec;
import org.jsfu.core.transport.PeerTransport;
import org.junit.jupiter.api.Test;

/**
 * Forwarding with the RTCP around it (TWCC recording, stats, publisher NACK/RR/TWCC ticks, subscriber
 * NACK answers and SRs, the subscriber's extensions written on forwarded packets, its transport-wide
 * feedback parsed into the downlink estimate) allocates nothing once warm.
 */
class RtcpAllocationTest {
    private final byte[] scratch = new byte[1500 + PeerTransport.TAG_ROOM];
    private final byte[] in = new byte[1500];
    private final byte[] template = RtcpFeedbackTest.withTransportSeq(
            ForwardingTest.rtp(111, 0, 0, 42, new byte[120], 0), 3, 0);
    private final RtpPacket view = new RtpPacket();
    private final byte[] nack = new byte[64];
    private final int[] nackSeq = new int[1];
    private long lastOutSeq;
    private long clock;
    private final RtpPacket outView = new RtpPacket();
    private final TwccRecorder subTwcc = new TwccRecorder();
    private final byte[] feedback = new byte[subTwcc.maxFeedbackLength()];
    private long sink;

    private final TrackSubscriber subscriber = new TrackSubscriber() {
        @Override
        public void sendRtp(byte[] b, int off, int len, long index) {
            lastOutSeq = RtpHeader.sequence(b, off);
            sink += len;
            if (outView.wrap(b, off, len)) { // the subscriber's side: record the transport-wide number
                long ref = outView.findExtension(3);
                if (ref >= 0) {
                    int at = RtpPacket.extOffset(ref);
                    subTwcc.onPacket((b[at] & 0xff) << 8 | (b[at + 1] & 0xff), outView.ssrc(), clock + 30_000_000L);
                }
            }
        }

        @Override
        public void removeDownTrack(String trackSid) {
        }
    };
    private final RtcpOut out = (b, off, len) -> sink += len;
    private final UpTrack up = new UpTrack("TR_a", "PA_p", false, Codec.opus(111, false), ssrc -> { }, 1);
    private final DownTrack down = new DownTrack("TR_a", "1", up, subscriber, 111, 0x0D0D0D0D, 100, 1000);
    private final List<DownTrack> downs = List.of(down);
    private final UpTrack[] tracks = {up};
    private final int[] layers = {0};
    private final PublisherFeedback pubFb = new PublisherFeedback(7, "c".getBytes(StandardCharsets.UTF_8));
    private final SubscriberRtcp subRtcp = new SubscriberRtcp("c".getBytes(StandardCharsets.UTF_8));

    RtcpAllocationTest() {
        up.addLayer(0, 42);
        up.downs.add(down);
        down.negotiated = true;
        pubFb.setTransportCcExtension(3);
        down.setHeaderExtensions(3, 2, 1, subRtcp.bwe.history());
    }

    private void onePacket(int i) {
        long now = 1_000_000_000L + i * 20_000_000L;
        clock = now;
        if (i % 13 != 5) { // some loss
            System.arraycopy(template, 0, in, 0, template.length);
            RtpHeader.setSequence(in, 0, i);
            RtpHeader.setTimestamp(in, 0, 960L * i);
            in[17] = (byte) (i >> 8);
            in[18] = (byte) i;
            if (view.wrap(in, 0, template.length)) {
                pubFb.onRtp(view, now);
                up.onRtp(view, 0, now, scratch);
            }
        }
        if (i % 7 == 0) {
            nackSeq[0] = (int) (lastOutSeq - 3) & 0xffff;
            int len = Nack.write(nack, 0, 1, down.outSsrc, nackSeq, 1);
            subRtcp.onRtcp(nack, 0, len, downs, now, 1_700_000_000_000L + i * 20L, scratch);
        }
        if (i % 5 == 0) {
            int len = subTwcc.writeFeedback(feedback, 0, 99);
            if (len > 0) {
                subRtcp.onRtcp(feedback, 0, len, downs, now, 1_700_000_000_000L + i * 20L, scratch);
            }
        }
        if (i % 3 == 0) {
            pubFb.tick(out, tracks, layers, 1, now, 20);
            subRtcp.tick(out, downs, now, 1_700_000_000_000L + i * 20L);
        }
    }

    @Test
    void steadyStateAllocatesNothing() {
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long tid = Thread.currentThread().getId();
        for (int i = 0; i < 100_000; i++) {
            onePacket(i & 0xffff);
        }
        long before = mx.getThreadAllocatedBytes(tid);
        for (int i = 100_000; i < 200_000; i++) {
            onePacket(i & 0xffff);
        }
        long allocated = mx.getThreadAllocatedBytes(tid) - before;
        assertTrue(allocated < 4096, "allocated " + allocated + " bytes");
        assertTrue(subRtcp.bwe.feedbacks > 1000 && subRtcp.bwe.estimator().packetsAcked > 100_000,
                "feedback used: " + subRtcp.bwe.feedbacks);
        assertTrue(down.retransmitted > 0 && pubFb.twccSent > 0 && pubFb.nacksSent > 0 && pubFb.reportsSent > 0,
                "every path ran: rtx=" + down.retransmitted + " twcc=" + pubFb.twccSent + " nacks=" + pubFb.nacksSent
                        + " rr=" + pubFb.reportsSent);
    }
}
