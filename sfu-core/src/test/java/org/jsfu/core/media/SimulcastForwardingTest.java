package org.jsfu.core.media;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import org.jsfu.core.rtcp.Nack;
import org.jsfu.core.rtp.RtpHeader;
import org.jsfu.core.rtp.RtpPacket;
import org.jsfu.core.rtp.Vp8Descriptor;
import org.jsfu.core.sdp.Codec;
import org.jsfu.core.transport.PeerTransport;
import org.junit.jupiter.api.Test;

/**
 * One subscriber's stream across simulcast layer switches, with a fake clock: two VP8 layers whose
 * sequence numbers, timestamps, picture IDs and TL0PICIDX have unrelated bases, one packet per frame
 * per layer at 30 fps. The output must stay one stream (SSRC, sequence +1, timestamps increasing,
 * picture ID +1, TL0PICIDX +1) through up-switches, down-switches and a fallback, switching only on the
 * new layer's key frame; NACKs are answered from the right layer's ring with the bytes first sent.
 */
class SimulcastForwardingTest {
    private static final long T0 = 50_000_000_000L;
    private static final long FRAME_NANOS = 33_000_000L;
    private static final int OUT_SSRC = 0x5150;
    private static final int[] SSRC = {100, 200};
    private static final int[] SEQ0 = {1000, 65_000};
    private static final long[] TS0 = {10_000L, 4_294_000_000L};
    private static final int[] PID0 = {5000, 32_700};
    private static final int[] TL00 = {10, 250};

    private final byte[] scratch = new byte[1500 + PeerTransport.TAG_ROOM];
    private final ForwardingTest.Plis plis = new ForwardingTest.Plis();
    private final ForwardingTest.Sent sent = new ForwardingTest.Sent();
    private final UpTrack up = new UpTrack("TR_v", "PA_p", true, Codec.vp8(96), plis, -1);
    private final DownTrack down = new DownTrack("TR_v", "1", up, sent, 96, OUT_SSRC, 30_000, 7_000_000L);
    private final RtpPacket view = new RtpPacket();
    private final Vp8Descriptor vp8 = new Vp8Descriptor();
    /** Which layer each packet sent to the subscriber came from, in order. */
    private final List<Integer> sentLayers = new ArrayList<>();

    SimulcastForwardingTest() {
        up.addLayer(0, SSRC[0]);
        up.addLayer(1, SSRC[1]);
        up.setPublishedSize(640, 360);
        down.negotiated = true;
        up.downs.add(down);
    }

    /** RTP of frame {@code k} of {@code layer}: VP8 descriptor with a 15-bit picture ID, TL0PICIDX, TID 0. */
    static byte[] packet(int layer, int k, boolean key) {
        byte[] b = new byte[12 + 7 + 3];
        b[0] = (byte) 0x80;
        b[1] = 96;
        RtpHeader.setSequence(b, 0, (SEQ0[layer] + k) & 0xffff);
        RtpHeader.setTimestamp(b, 0, (TS0[layer] + 3000L * k) & 0xffffffffL);
        RtpHeader.setSsrc(b, 0, SSRC[layer]);
        int pid = (PID0[layer] + k) & 0x7fff;
        b[12] = (byte) 0x90;
        b[13] = (byte) 0xE0; // I, L, T
        b[14] = (byte) (0x80 | (pid >> 8));
        b[15] = (byte) pid;
        b[16] = (byte) (TL00[layer] + k);
        b[17] = 0x20; // TID 0, Y
        b[18] = (byte) (key ? 0x50 : 0x51);
        b[19] = (byte) layer;
        b[20] = (byte) k;
        b[21] = (byte) (k >> 8);
        return b;
    }

    private void feed(int layer, int k, boolean key, long nowNanos) {
        int before = sent.packets.size();
        byte[] b = packet(layer, k, key);
        assertTrue(view.wrap(b, 0, b.length));
        up.onRtp(view, layer, nowNanos, scratch);
        for (int i = before; i < sent.packets.size(); i++) {
            sentLayers.add(layer);
        }
    }

    private static long time(int k) {
        return T0 + k * FRAME_NANOS;
    }

    /** Frames from..to (exclusive) on the given layers; key frames where {@code key} says. */
    private void frames(int from, int to, int[] layers, java.util.function.BiPredicate<Integer, Integer> key) {
        for (int k = from; k < to; k++) {
            for (int layer : layers) {
                feed(layer, k, key.test(layer, k), time(k) + layer * 1_000_000L);
            }
        }
    }

    private int layerOf(byte[] out) {
        return out[19];
    }

    /** Every sent packet continues the one before: SSRC, sequence +1, timestamp up, picture ID +1, TL0PICIDX +1. */
    private void assertOneStream() {
        assertOneStream(3000 * 3);
    }

    private void assertOneStream(long maxDts) {
        for (int i = 0; i < sent.packets.size(); i++) {
            byte[] o = sent.packets.get(i);
            assertEquals(OUT_SSRC, RtpHeader.ssrc(o, 0));
            assertTrue(vp8.parse(o, 12, o.length - 12));
            if (i == 0) {
                continue;
            }
            byte[] p = sent.packets.get(i - 1);
            int pPid = pid(p);
            int pTl0 = tl0(p);
            assertEquals((RtpHeader.sequence(p, 0) + 1) & 0xffff, RtpHeader.sequence(o, 0), "sequence at " + i);
            long dts = (RtpHeader.timestamp(o, 0) - RtpHeader.timestamp(p, 0)) & 0xffffffffL;
            assertTrue(dts > 0 && dts <= maxDts, "timestamp moves forward at " + i + ": +" + dts);
            assertEquals((pPid + 1) & 0x7fff, pid(o), "picture id at " + i);
            assertEquals((pTl0 + 1) & 0xff, tl0(o), "tl0picidx at " + i);
        }
    }

    private int pid(byte[] o) {
        vp8.parse(o, 12, o.length - 12);
        return vp8.pictureId;
    }

    private int tl0(byte[] o) {
        vp8.parse(o, 12, o.length - 12);
        return vp8.tl0PicIdx;
    }

    @Test
    void upAndDownSwitchesWaitForKeyFramesAndKeepOneStream() {
        down.applySettings(false, 0, 0, 0);
        int[] both = {0, 1};
        frames(0, 5, both, (l, k) -> k == 0);
        assertEquals(List.of(0, 0, 0, 0, 0), sentLayers);
        assertTrue(plis.ssrcs.isEmpty(), "nothing wanted beyond what flows");

        down.applySettings(false, 2, 0, 0); // HIGH
        frames(5, 8, both, (l, k) -> false);
        assertEquals(8, sentLayers.size(), "the low layer flows until the high layer's key frame");
        assertTrue(sentLayers.stream().allMatch(l -> l == 0));
        assertEquals(List.of(200), plis.ssrcs, "one PLI for the high layer (throttled), none for the low");
        frames(8, 12, both, (l, k) -> l == 1 && k == 8);
        assertEquals(0, sentLayers.get(8), "frame 8 of the low layer arrives before the high key frame");
        assertEquals(List.of(1, 1, 1, 1), sentLayers.subList(9, 13));
        assertEquals(1, down.currentLayer());

        down.applySettings(false, 0, 0, 0); // back to LOW
        frames(12, 14, both, (l, k) -> false);
        assertEquals(List.of(1, 1), sentLayers.subList(13, 15), "down-switch waits for the low key frame too");
        assertTrue(plis.ssrcs.contains(100));
        frames(14, 17, both, (l, k) -> l == 0 && k == 14);
        assertEquals(List.of(0, 0, 0), sentLayers.subList(15, 18));
        assertOneStream();
        for (int i = 0; i < sent.packets.size(); i++) {
            assertEquals(sentLayers.get(i), layerOf(sent.packets.get(i)));
        }
        // the switch packet's timestamp follows the last one by the wall time between them (1 ms at 90 kHz)
        long atSwitch = RtpHeader.timestamp(sent.packets.get(9), 0) - RtpHeader.timestamp(sent.packets.get(8), 0);
        assertEquals(90, atSwitch);
    }

    /**
     * The high layer stops (the publisher's encoder drops it under congestion): half a second after its last
     * packet the next low packet asks for a low key frame, and the subscriber continues on it; when the high
     * layer returns, its key frames are not taken until it has kept sending for 10 s (LiveKit's stream
     * tracker), so a layer that comes and goes does not move the subscriber up and down.
     */
    @Test
    void fallsBackHalfASecondAfterTheLayerStopsAndGoesUpWhenItKeepsFlowing() {
        int[] both = {0, 1};
        int[] low = {0};
        frames(0, 31, both, (l, k) -> k == 0);
        assertEquals(1, down.currentLayer(), "HIGH (the default)");
        int highSent = sentLayers.size();
        // the high layer's last packet: frame 30 (t = 991 ms); frame 45 is 494 ms later, frame 46 527 ms
        frames(31, 46, low, (l, k) -> false);
        assertEquals(highSent, sentLayers.size(), "no low packet before its key frame");
        assertTrue(!plis.ssrcs.contains(100), "within half a second the high layer still counts");
        frames(46, 47, low, (l, k) -> false);
        assertEquals(List.of(100), plis.ssrcs, "500 ms without a high packet: a key frame is asked of the low layer at once");
        assertTrue(down.waitingForKeyframe());
        frames(47, 50, low, (l, k) -> k == 47);
        assertEquals(List.of(0, 0, 0), sentLayers.subList(highSent, highSent + 3), "the low key frame takes over");
        // the stream paused 560 ms (high frame 30 at 991 ms to low frame 47 at 1551 ms): the timestamp says so
        assertEquals(560 * 90, RtpHeader.timestamp(sent.packets.get(highSent), 0)
                - RtpHeader.timestamp(sent.packets.get(highSent - 1), 0));

        // the high layer returns at frame 60 (1981 ms), a key frame every 100 frames: its first full 500 ms
        // cycle starts at 2001 ms, so it counts again at 12001 ms (frame 364, 12012 ms)
        plis.ssrcs.clear();
        frames(50, 60, low, (l, k) -> false);
        frames(60, 364, both, (l, k) -> l == 1 && k % 100 == 0);
        assertEquals(0, down.currentLayer(), "high key frames at 3.3, 6.6 and 9.9 s are not taken");
        assertTrue(!plis.ssrcs.contains(200), "nor is a key frame asked of the high layer");
        frames(364, 365, both, (l, k) -> false);
        assertTrue(plis.ssrcs.contains(200), "10 s of packets: the high layer is wanted again");
        int before = sentLayers.size();
        frames(365, 368, both, (l, k) -> l == 1 && k == 366);
        assertEquals(List.of(0, 0, 1, 1), sentLayers.subList(before, sentLayers.size()), "up on the high key frame");
        assertOneStream(200_000);
    }

    /**
     * The publisher's stream pauses 660 ms (frames 21-39 never come), then both layers go on, the low one
     * with a key frame: the subscriber stays on the high layer, without a PLI for the low one, and seconds
     * later it is still there (LiveKit: no 500 ms cycle was empty, so no layer stopped).
     */
    @Test
    void aShortPauseOfThePublisherKeepsTheSubscribersLayer() {
        int[] both = {0, 1};
        frames(0, 21, both, (l, k) -> k == 0);
        assertEquals(1, down.currentLayer());
        plis.ssrcs.clear();
        int before = sentLayers.size();
        frames(40, 130, both, (l, k) -> l == 0 && k == 40);
        assertEquals(1, down.currentLayer(), "the low key frame after the pause is not taken");
        assertTrue(!plis.ssrcs.contains(100), "no key frame asked of the low layer");
        assertTrue(sentLayers.subList(before, sentLayers.size()).stream().allMatch(l -> l == 1));
        assertEquals(90, sentLayers.size() - before, "every high frame after the pause is forwarded");
    }

    /**
     * Up from the low layer to the high one, whose key frame (frame 6) arrives 25 ms late: with both layers'
     * sender reports (fabricated: layer 0 at frame 0, layer 1 one second later, at frame 30) the switch
     * packet is exactly one frame (3000 ticks) after low frame 5; with only the low layer's report it
     * falls back to the wall clock (58 ms).
     */
    @Test
    void aSwitchIsTimedByTheLayersSenderReports() {
        assertEquals(3000, switchGap(true));
    }

    @Test
    void aSwitchWithoutTheNewLayersSenderReportUsesTheWallClock() {
        assertEquals(58 * 90, switchGap(false));
    }

    private long switchGap(boolean highReport) {
        down.applySettings(false, 0, 0, 0);
        frames(0, 5, new int[] {0, 1}, (l, k) -> k == 0);
        long w = org.jsfu.core.rtcp.Ntp.fromUnixMillis(1_764_000_000_000L);
        up.onSenderReport(0, w, TS0[0], 0);
        if (highReport) {
            up.onSenderReport(1, w + (1L << 32), (TS0[1] + 90_000) & 0xffffffffL, 0);
        }
        down.applySettings(false, 2, 0, 0);
        feed(0, 5, false, time(5));
        feed(1, 5, false, time(5) + 1_000_000L);
        int before = sent.packets.size();
        feed(1, 6, true, time(6) + 25_000_000L);
        assertEquals(before + 1, sent.packets.size(), "the high key frame is forwarded");
        assertEquals(1, down.currentLayer());
        assertOneStream(6000);
        return RtpHeader.timestamp(sent.packets.get(before), 0) - RtpHeader.timestamp(sent.packets.get(before - 1), 0);
    }

    /** After an unmute every layer counts from its next packet (LiveKit resets its trackers on unpause). */
    @Test
    void anUnmuteCountsEveryLayerFromItsNextPacket() {
        frames(0, 31, new int[] {0, 1}, (l, k) -> k == 0);
        frames(31, 60, new int[] {0}, (l, k) -> false);
        assertEquals(0b01, up.flowingLayers(time(60)), "the high layer stopped");
        feed(1, 60, false, time(60));
        assertEquals(0b01, up.flowingLayers(time(60)), "one packet does not bring it back");
        up.setMuted(true, time(61));
        up.setMuted(false, time(62));
        feed(1, 62, false, time(62));
        assertEquals(0b10, up.flowingLayers(time(62)), "after the unmute its first packet does");
    }

    @Test
    void nacksAreAnsweredFromTheRightLayersRingWithTheBytesFirstSent() {
        down.applySettings(false, 0, 0, 0);
        int[] both = {0, 1};
        frames(0, 4, both, (l, k) -> k == 0);
        down.applySettings(false, 2, 0, 0);
        frames(4, 8, both, (l, k) -> l == 1 && k == 5);
        assertEquals(List.of(0, 0, 0, 0, 0, 0, 1, 1, 1), sentLayers);
        List<byte[]> first = List.copyOf(sent.packets);
        int[] seqs = new int[DownTrack.MAX_NACK_SEQS];
        int[] nacked = {RtpHeader.sequence(first.get(2), 0), RtpHeader.sequence(first.get(5), 0),
            RtpHeader.sequence(first.get(7), 0)};
        byte[] nack = new byte[64];
        int len = Nack.write(nack, 0, 1, OUT_SSRC, nacked, nacked.length);
        int resent = down.onNack(nack, 0, len, time(9), scratch, seqs, 64);
        assertEquals(3, resent);
        assertArrayEquals(first.get(2), sent.packets.get(9), "low layer packet from before the switch");
        assertArrayEquals(first.get(5), sent.packets.get(10), "the last low layer packet");
        assertArrayEquals(first.get(7), sent.packets.get(11), "high layer packet after the switch");
        assertEquals(0, down.onNack(nack, 0, len, time(9) + 1_000_000L, scratch, seqs, 64),
                "the same NACK again at once: damped");
    }

    /** A padding-only packet (RFC 3550 5.1 P bit, no payload) of {@code layer} with sequence {@code seq}. */
    private void feedPadding(int layer, int seq, long nowNanos) {
        byte[] b = new byte[12 + 4];
        b[0] = (byte) 0xA0;
        b[1] = 96;
        RtpHeader.setSequence(b, 0, seq & 0xffff);
        RtpHeader.setTimestamp(b, 0, TS0[layer]);
        RtpHeader.setSsrc(b, 0, SSRC[layer]);
        b[15] = 4;
        assertTrue(view.wrap(b, 0, b.length));
        up.onRtp(view, layer, nowNanos, scratch);
    }

    /**
     * A padding-only packet after a gap is forwarded (empty) as before: it holds an output sequence number,
     * so it must be sent and, when NACKed, sent again; a VP8 payload without a descriptor has nothing to
     * munge. Otherwise the subscriber NACKs a hole that is never filled.
     */
    @Test
    void paddingAfterAGapKeepsItsSequenceNumberForVp8() {
        down.applySettings(false, 0, 0, 0);
        int[] low = {0};
        frames(0, 3, low, (l, k) -> k == 0);
        assertEquals(3, sent.packets.size());
        // frame 3 is lost; the publisher pads at the next sequence number (frame 4's seq), then frame 5
        feedPadding(0, SEQ0[0] + 4, time(4));
        feed(0, 5, false, time(5));
        int last = RtpHeader.sequence(sent.packets.get(2), 0);
        assertEquals(5, sent.packets.size(), "the padding after the gap is sent, empty");
        byte[] pad = sent.packets.get(3);
        assertEquals(12, pad.length);
        assertEquals((last + 2) & 0xffff, RtpHeader.sequence(pad, 0));
        assertEquals((last + 3) & 0xffff, RtpHeader.sequence(sent.packets.get(4), 0));
        int[] seqs = new int[DownTrack.MAX_NACK_SEQS];
        int[] nacked = {(last + 2) & 0xffff};
        byte[] nack = new byte[64];
        int len = Nack.write(nack, 0, 1, OUT_SSRC, nacked, 1);
        assertEquals(1, down.onNack(nack, 0, len, time(6), scratch, seqs, 64), "the padding is sent again");
        assertArrayEquals(pad, sent.packets.get(5));
    }

    /**
     * Padding-only probes on a layer the publisher stopped neither make it the subscriber's choice nor
     * send PLIs for it: only real packets make a layer available.
     */
    @Test
    void paddingOnAStoppedLayerAsksNoKeyFrameOfIt() {
        int[] both = {0, 1};
        int[] low = {0};
        frames(0, 3, both, (l, k) -> k == 0);
        frames(3, 60, low, (l, k) -> k == 59); // the high layer stops; the subscriber falls back to low
        assertEquals(0, down.currentLayer());
        plis.ssrcs.clear();
        for (int k = 60; k < 120; k++) {
            feed(0, k, false, time(k));
            feedPadding(1, SEQ0[1] + k, time(k) + 500_000L);
        }
        assertEquals(List.of(), plis.ssrcs, "no key frame asked of the stopped layer");
        assertEquals(0, down.currentLayer());
        assertTrue(!down.waitingForKeyframe());
    }

    /**
     * Forwarding, switching layers every 200 frames (key frames every 100) and answering NACKs allocates
     * nothing once warm; the subscriber and publisher only count.
     */
    @Test
    void switchingBackAndForthAllocatesNothing() {
        long[] count = new long[2];
        TrackSubscriber counting = new TrackSubscriber() {
            @Override
            public void sendRtp(byte[] b, int off, int len, long index) {
                count[0]++;
            }

            @Override
            public void removeDownTrack(String trackSid) {
            }
        };
        UpTrack track = new UpTrack("TR_v", "PA_p", true, Codec.vp8(96), ssrc -> count[1]++, -1);
        track.addLayer(0, SSRC[0]);
        track.addLayer(1, SSRC[1]);
        DownTrack d = new DownTrack("TR_v", "1", track, counting, 96, OUT_SSRC, 0, 0);
        d.negotiated = true;
        track.downs.add(d);
        int frames = 60_000;
        byte[][][] pkts = new byte[frames][2][]; // built before measuring: the test's input is not counted
        for (int k = 0; k < frames; k++) {
            for (int layer = 0; layer < 2; layer++) {
                pkts[k][layer] = packet(layer, k & 0x7fff, k % 100 == 0);
            }
        }
        int[] nackSeqs = new int[DownTrack.MAX_NACK_SEQS];
        byte[] nack = new byte[64];
        int[] one = new int[1];
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long before = 0;
        for (int k = 0; k < frames; k++) {
            if (k == frames / 2) {
                before = mx.getThreadAllocatedBytes(Thread.currentThread().getId());
            }
            if (k % 200 == 0) {
                d.applySettings(false, (k / 200) % 2 == 0 ? 0 : 2, 0, 0);
            }
            for (int layer = 0; layer < 2; layer++) {
                if (view.wrap(pkts[k][layer], 0, pkts[k][layer].length)) {
                    track.onRtp(view, layer, time(k) + layer * 1_000_000L, scratch);
                }
            }
            if (k % 50 == 7) {
                one[0] = (k - 3) & 0xffff;
                int len = Nack.write(nack, 0, 1, OUT_SSRC, one, 1);
                d.onNack(nack, 0, len, time(k), scratch, nackSeqs, 64);
            }
        }
        long allocated = mx.getThreadAllocatedBytes(Thread.currentThread().getId()) - before;
        assertTrue(allocated < 4096, "allocated " + allocated + " bytes");
        assertTrue(count[0] > 50_000 && count[1] > 0 && d.retransmitted > 100,
                "forwarded " + count[0] + ", plis " + count[1] + ", retransmitted " + d.retransmitted);
    }
}
