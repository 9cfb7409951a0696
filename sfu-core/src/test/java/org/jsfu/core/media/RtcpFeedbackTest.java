package org.jsfu.core.media;

import static org.jsfu.core.media.ForwardingTest.rtp;
import static org.jsfu.core.media.ForwardingTest.wrap;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.jsfu.core.rtcp.Nack;
import org.jsfu.core.rtcp.Ntp;
import org.jsfu.core.rtcp.Pli;
import org.jsfu.core.rtcp.ReceiverReport;
import org.jsfu.core.rtcp.ReportBlock;
import org.jsfu.core.rtcp.Rtcp;
import org.jsfu.core.rtcp.RtcpIterator;
import org.jsfu.core.rtcp.Sdes;
import org.jsfu.core.rtcp.SenderReport;
import org.jsfu.core.rtcp.TwccFeedback;
import org.jsfu.core.rtp.RtpHeader;
import org.jsfu.core.rtp.RtpPacket;
import org.jsfu.core.sdp.Codec;
import org.jsfu.core.transport.PeerTransport;
import org.junit.jupiter.api.Test;

/** RTCP around forwarding, without sockets: NACK answers, SR/RR contents, NACK and TWCC to publishers. */
class RtcpFeedbackTest {
    private static final byte[] CNAME = "PA_sub".getBytes(StandardCharsets.UTF_8);
    private static final long T0 = 5_000_000_000L;
    private final byte[] scratch = new byte[1500 + PeerTransport.TAG_ROOM];

    static final class Rtcps implements RtcpOut {
        final List<byte[]> packets = new ArrayList<>();

        @Override
        public void sendRtcp(byte[] b, int off, int len) {
            packets.add(Arrays.copyOfRange(b, off, off + len));
        }
    }

    private static byte[] payload(int i) {
        return new byte[] {(byte) i, (byte) (i * 3), 42, 43};
    }

    /** An audio track forwarding seq 100..104 (5 packets, 20 ms apart) to one subscriber. */
    private final ForwardingTest.Plis plis = new ForwardingTest.Plis();
    private final UpTrack up = new UpTrack("TR_a", "PA_p", false, Codec.opus(111, false), plis, 1);
    private final ForwardingTest.Sent sent = new ForwardingTest.Sent();
    private final DownTrack down = new DownTrack("TR_a", "1", up, sent, 109, 0x0A0B0C0D, 7000, 90_000);
    private final List<DownTrack> downs = new ArrayList<>(List.of(down));
    private final SubscriberRtcp subRtcp = new SubscriberRtcp(CNAME);

    private void forwardFive() {
        up.addLayer(0, 42);
        down.negotiated = true;
        up.downs.add(down);
        for (int i = 0; i < 5; i++) {
            up.onRtp(wrap(rtp(111, 100 + i, 960L * i, 42, payload(i), i == 2 ? 3 : 0)), 0, T0 + i * 20_000_000L,
                    scratch);
        }
        assertEquals(5, sent.packets.size());
    }

    private static byte[] nack(int mediaSsrc, int... seqs) {
        byte[] b = new byte[Nack.maxLength(seqs.length)];
        int len = Nack.write(b, 0, 0x5151, mediaSsrc, seqs, seqs.length);
        return Arrays.copyOf(b, len);
    }

    @Test
    void subscriberNackResendsTheForwardedPacketWithItsOutputHeader() {
        forwardFive();
        byte[] nack = nack(down.outSsrc, 7001, 7003);
        subRtcp.onRtcp(nack, 0, nack.length, downs, T0 + 200_000_000L, 1_700_000_000_000L, scratch);
        assertEquals(7, sent.packets.size());
        assertArrayEquals(sent.packets.get(1), sent.packets.get(5), "identical bytes: payload and output header");
        assertArrayEquals(sent.packets.get(3), sent.packets.get(6));
        assertEquals(7001, RtpHeader.sequence(sent.packets.get(5), 0));
        assertEquals(2, down.retransmitted);
        // a repeat within 15 ms is damped; an unknown seq or another SSRC gets nothing
        subRtcp.onRtcp(nack, 0, nack.length, downs, T0 + 205_000_000L, 1_700_000_000_000L, scratch);
        byte[] unknown = nack(down.outSsrc, 6000);
        subRtcp.onRtcp(unknown, 0, unknown.length, downs, T0 + 300_000_000L, 1_700_000_000_000L, scratch);
        byte[] other = nack(0x1234, 7001);
        subRtcp.onRtcp(other, 0, other.length, downs, T0 + 300_000_000L, 1_700_000_000_000L, scratch);
        assertEquals(7, sent.packets.size());
        subRtcp.onRtcp(nack, 0, nack.length, downs, T0 + 400_000_000L, 1_700_000_000_000L, scratch);
        assertEquals(9, sent.packets.size(), "asked again later: sent again");
    }

    @Test
    void nackForAPacketTheRingNoLongerHoldsIsIgnored() {
        forwardFive();
        up.ring(0).clear();
        byte[] nack = nack(down.outSsrc, 7001);
        subRtcp.onRtcp(nack, 0, nack.length, downs, T0 + 200_000_000L, 1_700_000_000_000L, scratch);
        assertEquals(5, sent.packets.size());
    }

    @Test
    void senderReportExtrapolatesTheTimestampAndCountsPayload() {
        forwardFive();
        byte[] nack = nack(down.outSsrc, 7000);
        subRtcp.onRtcp(nack, 0, nack.length, downs, T0 + 90_000_000L, 1_700_000_000_000L, scratch);
        long wall = 1_700_000_000_500L;
        long now = T0 + 4 * 20_000_000L + 250_000_000L; // 250 ms after the newest packet was sent
        Rtcps out = new Rtcps();
        subRtcp.tick(out, downs, now, wall);
        assertEquals(1, out.packets.size());
        byte[] b = out.packets.get(0);
        assertTrue(SenderReport.isValid(b, 0, b.length));
        assertEquals(down.outSsrc, SenderReport.ssrc(b, 0));
        assertEquals(Ntp.fromUnixMillis(wall), SenderReport.ntp(b, 0));
        assertEquals(90_000L + 4 * 960 + 48_000 / 4, SenderReport.rtpTimestamp(b, 0), "newest ts + 250 ms at 48 kHz");
        assertEquals(6, SenderReport.packetCount(b, 0), "5 forwarded + 1 retransmission");
        assertEquals(6 * 4, SenderReport.octetCount(b, 0), "payload octets, padding stripped");
        int srLen = SenderReport.BASE;
        assertEquals("PA_sub", Sdes.cname(b, srLen, b.length - srLen, down.outSsrc), "SDES CNAME follows the SR");
        Rtcps again = new Rtcps();
        subRtcp.tick(again, downs, now + 500_000_000L, wall + 500);
        assertEquals(0, again.packets.size(), "once a second");
        subRtcp.tick(again, downs, now + 1_000_000_000L, wall + 1000);
        assertEquals(1, again.packets.size());
    }

    @Test
    void noSenderReportBeforeAnythingWasSent() {
        down.negotiated = true;
        Rtcps out = new Rtcps();
        subRtcp.tick(out, downs, T0, 1_700_000_000_000L);
        assertEquals(0, out.packets.size());
    }

    @Test
    void subscriberReceiverReportGivesLossAndRoundTrip() {
        forwardFive();
        long srWall = 1_700_000_000_000L;
        ReportBlock rb = new ReportBlock();
        rb.ssrc = down.outSsrc;
        rb.fractionLost = 64;
        rb.cumulativeLost = 3;
        rb.extHighestSeq = 7004;
        rb.jitter = 12;
        rb.lsr = Ntp.middle32(Ntp.fromUnixMillis(srWall));
        rb.dlsr = 65536 / 2; // the subscriber held it 500 ms
        byte[] b = new byte[64];
        int len = ReceiverReport.write(b, 0, 1, new ReportBlock[] {rb}, 1);
        subRtcp.onRtcp(b, 0, len, downs, T0, srWall + 600, scratch);
        assertEquals(64, down.fractionLost);
        assertEquals(3, down.cumulativeLost);
        assertEquals(12, down.jitter);
        assertTrue(Math.abs(down.rttMs - 100) <= 1, "rtt " + down.rttMs);
    }

    @Test
    void malformedSubscriberRtcpDoesNothing() {
        forwardFive();
        int sentBefore = sent.packets.size();
        UpTrack video = new UpTrack("TR_v", "PA_p", true, Codec.vp8(96), plis, -1);
        video.addLayer(0, 77);
        DownTrack vd = new DownTrack("TR_v", "2", video, sent, 96, 0x0F0F0F0F, 0, 0);
        vd.negotiated = true;
        downs.add(vd);
        byte[] nack = nack(down.outSsrc, 7001);
        byte[] b = new byte[nack.length + Pli.LENGTH + 8];
        System.arraycopy(nack, 0, b, 0, nack.length);
        Pli.write(b, nack.length, 1, vd.outSsrc);
        // then a packet whose length field runs past the datagram
        b[nack.length + Pli.LENGTH] = (byte) 0x80;
        b[nack.length + Pli.LENGTH + 1] = (byte) Rtcp.RR;
        b[nack.length + Pli.LENGTH + 3] = 9;
        subRtcp.onRtcp(b, 0, b.length, downs, T0 + 1_000_000_000L, 1_700_000_000_000L, scratch);
        assertEquals(sentBefore, sent.packets.size(), "no retransmission");
        assertTrue(plis.ssrcs.isEmpty(), "no keyframe request");
        // the same two valid packets alone do act
        subRtcp.onRtcp(b, 0, nack.length + Pli.LENGTH, downs, T0 + 1_000_000_000L, 1_700_000_000_000L, scratch);
        assertEquals(sentBefore + 1, sent.packets.size());
        assertEquals(List.of(77), plis.ssrcs);
        // random bytes never throw
        Random r = new Random(7);
        for (int i = 0; i < 2000; i++) {
            byte[] junk = new byte[r.nextInt(80)];
            r.nextBytes(junk);
            if (junk.length > 0 && r.nextBoolean()) {
                junk[0] = (byte) (0x80 | (junk[0] & 0x3f));
            }
            subRtcp.onRtcp(junk, 0, junk.length, downs, T0 + 2_000_000_000L + i, 1_700_000_000_000L, scratch);
        }
    }

    @Test
    void firFromTheSubscriberAsksThePublisherForAKeyframe() {
        UpTrack video = new UpTrack("TR_v", "PA_p", true, Codec.vp8(96), plis, -1);
        video.addLayer(0, 77);
        DownTrack vd = new DownTrack("TR_v", "2", video, sent, 96, 0x0F0F0F0F, 0, 0);
        byte[] b = new byte[20];
        int len = org.jsfu.core.rtcp.Fir.write(b, 0, 1, vd.outSsrc, 3);
        subRtcp.onRtcp(b, 0, len, List.of(vd), T0, 1_700_000_000_000L, scratch);
        assertEquals(List.of(77), plis.ssrcs);
    }

    // ---- publisher side ------------------------------------------------------------------------

    @Test
    void receiverReportAndNacksToThePublisherFromWhatArrived() {
        up.addLayer(0, 42);
        // seq 10, 11, 14: 12 and 13 lost
        int[] seqs = {10, 11, 14};
        for (int i = 0; i < seqs.length; i++) {
            up.onRtp(wrap(rtp(111, seqs[i], 960L * seqs[i], 42, payload(i), 0)), 0, T0 + i * 20_000_000L, scratch);
        }
        long srNtp = Ntp.fromUnixMillis(1_700_000_000_000L);
        up.onSenderReport(0, srNtp, 0, T0 / 1_000_000 + 50);
        PublisherFeedback fb = new PublisherFeedback(0x77, CNAME);
        Rtcps out = new Rtcps();
        long now = T0 + 100_000_000L;
        fb.tick(out, new UpTrack[] {up}, new int[] {0}, 1, now, -1);
        RtcpIterator it = new RtcpIterator();
        int[] lost = null;
        ReportBlock rb = null;
        for (byte[] p : out.packets) {
            it.reset(p, 0, p.length);
            while (it.next()) {
                if (Nack.isNack(p, it.offset(), it.length())) {
                    assertEquals(42, Rtcp.mediaSsrc(p, it.offset()));
                    int[] tmp = new int[16];
                    lost = Arrays.copyOf(tmp, Nack.parse(p, it.offset(), it.length(), tmp));
                } else if (it.type() == Rtcp.RR) {
                    assertEquals(0x77, ReceiverReport.ssrc(p, it.offset()));
                    assertEquals(1, ReceiverReport.reportCount(p, it.offset()));
                    rb = new ReportBlock();
                    ReceiverReport.readBlock(p, it.offset(), 0, rb);
                    assertEquals("PA_sub", Sdes.cname(p, it.offset() + it.length(), p.length - it.length(), 0x77),
                            "SDES CNAME follows the RR in the same compound packet");
                }
            }
            assertTrue(!it.malformed());
        }
        assertArrayEquals(new int[] {12, 13}, lost);
        assertTrue(rb != null, "a receiver report was sent");
        assertEquals(42, rb.ssrc);
        assertEquals(2, rb.cumulativeLost);
        assertEquals(14, rb.extHighestSeq);
        assertEquals(2 * 256 / 5, rb.fractionLost);
        assertEquals(Ntp.middle32(srNtp), rb.lsr);
        assertEquals(50 * 65536 / 1000, rb.dlsr, "50 ms since the publisher's SR");
        Rtcps later = new Rtcps();
        fb.tick(later, new UpTrack[] {up}, new int[] {0}, 1, now + 50_000_000L, 100);
        assertEquals(0, later.packets.size(), "no report within the second, no NACK before the rtt elapsed");
        fb.tick(later, new UpTrack[] {up}, new int[] {0}, 1, now + 110_000_000L, 100);
        assertEquals(1, later.packets.size(), "the NACK is repeated after an rtt");
    }

    @Test
    void aPublisherOfMoreThan31StreamsGetsEveryOneReportedInOneCompound() {
        int streams = MediaPlane.MAX_MAPPED_SSRCS;
        UpTrack[] tracks = new UpTrack[streams];
        int[] layers = new int[streams];
        for (int t = 0; t < streams; t++) {
            tracks[t] = new UpTrack("TR_" + t, "PA_p", false, Codec.opus(111, false), plis, 1);
            tracks[t].addLayer(0, 1000 + t);
            for (int i = 0; i < 3; i++) {
                tracks[t].onRtp(wrap(rtp(111, 10 + i, 960L * i, 1000 + t, payload(i), 0)), 0, T0 + i * 20_000_000L,
                        scratch);
            }
        }
        PublisherFeedback fb = new PublisherFeedback(0x77, CNAME);
        Rtcps out = new Rtcps();
        fb.tick(out, tracks, layers, streams, T0 + 100_000_000L, -1);
        List<Integer> reported = new ArrayList<>();
        List<Integer> counts = new ArrayList<>();
        int sdes = 0;
        RtcpIterator it = new RtcpIterator();
        for (byte[] p : out.packets) {
            it.reset(p, 0, p.length);
            while (it.next()) {
                if (it.type() == Rtcp.RR) {
                    assertTrue(ReceiverReport.isValid(p, it.offset(), it.length()));
                    assertEquals(0x77, ReceiverReport.ssrc(p, it.offset()));
                    int n = ReceiverReport.reportCount(p, it.offset());
                    counts.add(n);
                    for (int i = 0; i < n; i++) {
                        ReportBlock rb = new ReportBlock();
                        ReceiverReport.readBlock(p, it.offset(), i, rb);
                        assertEquals(12, rb.extHighestSeq);
                        reported.add((int) rb.ssrc);
                    }
                } else if (it.type() == Rtcp.SDES) {
                    sdes++;
                }
            }
            assertTrue(!it.malformed());
        }
        assertEquals(List.of(31, 1), counts, "31 blocks in the first RR, the rest in a second (RFC 3550 6.4.2)");
        List<Integer> expected = new ArrayList<>();
        for (int t = 0; t < streams; t++) {
            expected.add(1000 + t);
        }
        assertEquals(expected, reported, "every stream once");
        assertEquals(1, sdes, "one CNAME for the compound");
    }

    @Test
    void transportWideFeedbackDescribesTheArrivals() {
        PublisherFeedback fb = new PublisherFeedback(0x77, CNAME);
        fb.setTransportCcExtension(3);
        // transport seqs 65534, 65535, 0, 2 (1 lost), arriving 0, 1.5, 3 and 40 ms after the first
        int[] tseq = {65534, 65535, 0, 2};
        long[] at = {0, 1_500_000, 3_000_000, 40_000_000};
        for (int i = 0; i < tseq.length; i++) {
            RtpPacket p = wrap(withTransportSeq(rtp(96, 500 + i, 0, 9, payload(i), 0), 3, tseq[i]));
            fb.onRtp(p, T0 + at[i]);
        }
        Rtcps out = new Rtcps();
        fb.tick(out, new UpTrack[0], new int[0], 0, T0 + 50_000_000L, -1);
        assertEquals(1, out.packets.size());
        byte[] b = out.packets.get(0);
        TwccFeedback parsed = new TwccFeedback(64);
        assertTrue(parsed.parse(b, 0, b.length));
        assertEquals(0x77, Rtcp.senderSsrc(b, 0));
        assertEquals(9, Rtcp.mediaSsrc(b, 0));
        assertEquals(65534, parsed.baseSeq());
        assertEquals(5, parsed.count());
        boolean[] received = {true, true, true, false, true};
        long[] expectUs = {0, 1500, 3000, -1, 40_000};
        long first = parsed.arrivalMicros(0);
        for (int i = 0; i < 5; i++) {
            assertEquals(received[i], parsed.received(i), "entry " + i);
            if (received[i]) {
                assertTrue(Math.abs(parsed.arrivalMicros(i) - first - expectUs[i]) < 250, "entry " + i);
            }
        }
        assertEquals(0, parsed.feedbackCount());
        // the next feedback continues after the last reported number; a late packet 1 is not reported again
        fb.onRtp(wrap(withTransportSeq(rtp(96, 504, 0, 9, payload(4), 0), 3, 1)), T0 + 60_000_000L);
        fb.onRtp(wrap(withTransportSeq(rtp(96, 505, 0, 9, payload(5), 0), 3, 3)), T0 + 61_000_000L);
        Rtcps next = new Rtcps();
        fb.tick(next, new UpTrack[0], new int[0], 0, T0 + 100_000_000L, -1);
        assertEquals(1, next.packets.size());
        assertTrue(parsed.parse(next.packets.get(0), 0, next.packets.get(0).length));
        assertEquals(3, parsed.baseSeq());
        assertEquals(1, parsed.count());
        assertEquals(1, parsed.feedbackCount());
        Rtcps none = new Rtcps();
        fb.tick(none, new UpTrack[0], new int[0], 0, T0 + 150_000_000L, -1);
        assertEquals(0, none.packets.size(), "nothing new, no feedback");
    }

    @Test
    void aRetransmissionFromThePublisherFillsTheSubscribersGap() {
        up.addLayer(0, 42);
        down.negotiated = true;
        up.downs.add(down);
        int[] seqs = {100, 101, 103};
        for (int i = 0; i < seqs.length; i++) {
            up.onRtp(wrap(rtp(111, seqs[i], 960L * seqs[i], 42, payload(seqs[i]), 0)), 0, T0 + i * 20_000_000L,
                    scratch);
        }
        assertEquals(3, sent.packets.size());
        // RFC 4588: RTX (pt 97, ssrc 43) carrying OSN 102
        byte[] rtxPayload = new byte[2 + 4];
        rtxPayload[0] = 0;
        rtxPayload[1] = 102;
        System.arraycopy(payload(102), 0, rtxPayload, 2, 4);
        byte[] dst = new byte[1500];
        int len = org.jsfu.core.rtp.Rtx.unwrap(wrap(rtp(97, 9000, 960L * 102, 43, rtxPayload, 0)), 42, 111, dst);
        RtpPacket original = new RtpPacket();
        assertTrue(original.wrap(dst, 0, len));
        up.onRepair(original, 0, T0 + 70_000_000L, scratch);
        assertEquals(4, sent.packets.size());
        up.onRepair(original, 0, T0 + 75_000_000L, scratch);
        assertEquals(4, sent.packets.size(), "a second copy is dropped");
        byte[] late = sent.packets.get(3);
        assertEquals(7002, RtpHeader.sequence(late, 0), "the reserved output sequence number");
        assertEquals(90_000L + 2 * 960, RtpHeader.timestamp(late, 0));
        assertArrayEquals(payload(102), Arrays.copyOfRange(late, 12, late.length));
        PublisherFeedback fb = new PublisherFeedback(1, CNAME);
        Rtcps out = new Rtcps();
        fb.tick(out, new UpTrack[] {up}, new int[] {0}, 1, T0 + 200_000_000L, 10);
        for (byte[] p : out.packets) {
            assertTrue(!Nack.isNack(p, 0, p.length), "nothing left to NACK");
        }
    }

    @Test
    void onlyTheForwardedSimulcastLayerIsNacked() {
        UpTrack video = new UpTrack("TR_v", "PA_p", true, Codec.vp8(96), plis, -1);
        video.addLayer(0, 100);
        video.addLayer(2, 300);
        DownTrack vd = new DownTrack("TR_v", "2", video, sent, 96, 0x0F0F0F0F, 0, 0);
        vd.negotiated = true;
        video.downs.add(vd);
        byte[] key = ForwardingTest.vp8(true);
        // layer 0 flows (keyframe first, so it becomes active); layer 2 has sent before but idles
        video.onRtp(wrap(rtp(96, 50, 0, 300, ForwardingTest.vp8(false), 0)), 2, T0 - 3_000_000_000L, scratch);
        video.onRtp(wrap(rtp(96, 1, 0, 100, key, 0)), 0, T0, scratch);
        video.onRtp(wrap(rtp(96, 3, 3000, 100, ForwardingTest.vp8(false), 0)), 0, T0 + 1_000_000, scratch);
        video.onRtp(wrap(rtp(96, 60, 3000, 300, ForwardingTest.vp8(false), 0)), 2, T0 - 2_000_000_000L, scratch);
        assertEquals(0, vd.currentLayer());
        PublisherFeedback fb = new PublisherFeedback(1, CNAME);
        Rtcps out = new Rtcps();
        fb.tick(out, new UpTrack[] {video, video}, new int[] {0, 2}, 2, T0 + 100_000_000L, 10);
        List<Integer> nacked = new ArrayList<>();
        for (byte[] p : out.packets) {
            if (Nack.isNack(p, 0, p.length)) {
                nacked.add(Rtcp.mediaSsrc(p, 0));
            }
        }
        assertEquals(List.of(100), nacked, "seq 2 of the forwarded layer, not 51..59 of the idle one");
    }

    @Test
    void anRtxProbeOfAnOldKeyframeDoesNotStartANewSubscriber() {
        UpTrack video = new UpTrack("TR_v", "PA_p", true, Codec.vp8(96), plis, -1);
        video.addLayer(0, 100);
        DownTrack vd = new DownTrack("TR_v", "2", video, sent, 96, 0x0F0F0F0F, 0, 0);
        video.downs.add(vd);
        byte[] key = rtp(96, 1, 0, 100, ForwardingTest.vp8(true), 0);
        video.onRtp(wrap(key), 0, T0, scratch);
        video.onRtp(wrap(rtp(96, 2, 0, 100, ForwardingTest.vp8(false), 0)), 0, T0 + 1_000_000, scratch);
        vd.negotiated = true; // the subscriber's answer arrives
        video.onRepair(wrap(key.clone()), 0, T0 + 2_000_000, scratch); // Chrome re-sends seq 1 as a probe
        video.onRtp(wrap(rtp(96, 3, 3000, 100, ForwardingTest.vp8(false), 0)), 0, T0 + 3_000_000, scratch);
        assertEquals(0, sent.packets.size(), "still waiting for a fresh keyframe");
        video.onRtp(wrap(rtp(96, 4, 6000, 100, ForwardingTest.vp8(true), 0)), 0, T0 + 4_000_000, scratch);
        assertEquals(1, sent.packets.size());
    }

    /** Replaces the test packet's one-byte extension (id 1, 1 byte) with transport-cc {@code id}, 2 bytes. */
    static byte[] withTransportSeq(byte[] pkt, int id, int tseq) {
        pkt[16] = (byte) ((id << 4) | 1);
        pkt[17] = (byte) (tseq >> 8);
        pkt[18] = (byte) tseq;
        pkt[19] = 0;
        return pkt;
    }
}
