package org.jsfu.core.media;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.jsfu.core.rtp.RtpHeader;
import org.jsfu.core.rtp.RtpPacket;
import org.jsfu.core.sdp.Codec;
import org.jsfu.core.transport.PeerTransport;
import org.junit.jupiter.api.Test;

/** Forwarding from an UpTrack to DownTracks without sockets: rewriting, stripping, keyframes, layers. */
class ForwardingTest {
    private final byte[] scratch = new byte[1500 + PeerTransport.TAG_ROOM];

    static class Sent implements TrackSubscriber {
        final List<byte[]> packets = new ArrayList<>();
        final List<Long> indices = new ArrayList<>();
        final List<String> removed = new ArrayList<>();

        @Override
        public void sendRtp(byte[] b, int off, int len, long index) {
            packets.add(Arrays.copyOfRange(b, off, off + len));
            indices.add(index);
        }

        @Override
        public void removeDownTrack(String trackSid) {
            removed.add(trackSid);
        }
    }

    static final class Plis implements TrackPublisher {
        final List<Integer> ssrcs = new ArrayList<>();

        @Override
        public void sendPli(int mediaSsrc) {
            ssrcs.add(mediaSsrc);
        }
    }

    /** RTP with a one-byte header extension (RFC 8285 4.2) holding audio level id 1, optional padding. */
    static byte[] rtp(int pt, int seq, long ts, int ssrc, byte[] payload, int padding) {
        int extWords = 1;
        int len = 12 + 4 + extWords * 4 + payload.length + padding;
        byte[] b = new byte[len];
        b[0] = (byte) (0x90 | (padding > 0 ? 0x20 : 0));
        b[1] = (byte) pt;
        RtpHeader.setSequence(b, 0, seq);
        RtpHeader.setTimestamp(b, 0, ts);
        RtpHeader.setSsrc(b, 0, ssrc);
        b[12] = (byte) 0xBE;
        b[13] = (byte) 0xDE;
        b[15] = (byte) extWords;
        b[16] = 0x10; // id 1, length 1
        b[17] = 30;   // -30 dBov
        System.arraycopy(payload, 0, b, 20, payload.length);
        if (padding > 0) {
            b[len - 1] = (byte) padding;
        }
        return b;
    }

    static RtpPacket wrap(byte[] b) {
        RtpPacket p = new RtpPacket();
        assertTrue(p.wrap(b, 0, b.length));
        return p;
    }

    @Test
    void audioIsRewrittenStrippedAndContinuous() {
        Plis plis = new Plis();
        UpTrack up = new UpTrack("TR_a", "PA_p", false, Codec.opus(111, false), plis, 1);
        Sent s1 = new Sent();
        DownTrack d = new DownTrack("TR_a", "1", up, s1, 109, 0x01020304, 1000, 5000);
        d.negotiated = true;
        up.downs.add(d);
        List<long[]> taps = new ArrayList<>();
        up.addTap(new RtpTap() {
            @Override
            public void onRtp(byte[] b, int off, int len, long extTs, long extSeq, long now) {
                taps.add(new long[] {extTs, extSeq, len, b[off]});
            }

            @Override
            public void onMute(boolean muted, long now) {
            }

            @Override
            public void onClose(long now) {
            }
        });
        byte[] payload = {7, 8, 9};
        long now = 1_000_000_000L;
        for (int i = 0; i < 3; i++) {
            up.onRtp(wrap(rtp(111, 65534 + i, 4_294_966_000L + 960L * i, 42, payload, i == 1 ? 4 : 0)), 0,
                    now + i * 20_000_000L, scratch);
        }
        assertEquals(3, s1.packets.size());
        for (int i = 0; i < 3; i++) {
            byte[] o = s1.packets.get(i);
            assertEquals(12 + 3, o.length, "extension and padding are stripped");
            assertEquals(0x80, o[0] & 0xff);
            assertEquals(109, RtpHeader.payloadType(o, 0));
            assertEquals(0x01020304, RtpHeader.ssrc(o, 0));
            assertEquals((1000 + i) & 0xffff, RtpHeader.sequence(o, 0));
            assertEquals((5000 + 960L * i) & 0xffffffffL, RtpHeader.timestamp(o, 0));
            assertArrayEquals(payload, Arrays.copyOfRange(o, 12, 15));
        }
        assertEquals(3, taps.size());
        assertEquals(taps.get(0)[0] + 960, taps.get(1)[0], "tap timestamps are unwrapped across 2^32");
        assertEquals(taps.get(0)[1] + 2, taps.get(2)[1], "tap sequence numbers are unwrapped across 2^16");
        assertTrue(plis.ssrcs.isEmpty(), "audio never asks for keyframes");
    }

    @Test
    void duplicatesAndUnnegotiatedSubscribersGetNothing() {
        UpTrack up = new UpTrack("TR_a", "PA_p", false, Codec.opus(111, false), new Plis(), -1);
        Sent ready = new Sent();
        Sent pending = new Sent();
        DownTrack d1 = new DownTrack("TR_a", "1", up, ready, 111, 5, 0, 0);
        DownTrack d2 = new DownTrack("TR_a", "2", up, pending, 111, 6, 0, 0);
        d1.negotiated = true;
        up.downs.add(d1);
        up.downs.add(d2);
        byte[] pkt = rtp(111, 10, 100, 42, new byte[] {1}, 0);
        up.onRtp(wrap(pkt), 0, 1, scratch);
        up.onRtp(wrap(pkt.clone()), 0, 2, scratch);
        assertEquals(1, ready.packets.size(), "duplicate dropped");
        assertEquals(0, pending.packets.size(), "nothing before the subscriber's answer");
    }

    static byte[] vp8(boolean key) {
        // RFC 7741 4.2: descriptor with S=1, PID=0; payload header P bit (bit 0) = 0 for a key frame.
        return new byte[] {0x10, (byte) (key ? 0x50 : 0x51), 0, 0, (byte) 0x9d, 1, 0x2a};
    }

    @Test
    void videoWaitsForKeyframeAndAsksForOne() {
        Plis plis = new Plis();
        UpTrack up = new UpTrack("TR_v", "PA_p", true, Codec.vp8(96), plis, -1);
        up.addLayer(0, 77);
        Sent s = new Sent();
        DownTrack d = new DownTrack("TR_v", "1", up, s, 96, 9, 0, 0);
        d.negotiated = true;
        up.downs.add(d);
        long now = 10_000_000_000L;
        up.onRtp(wrap(rtp(96, 1, 0, 77, vp8(false), 0)), 0, now, scratch);
        assertEquals(0, s.packets.size(), "delta frame before a keyframe is not forwarded");
        assertFalse(plis.ssrcs.isEmpty(), "a keyframe was requested");
        up.onRtp(wrap(rtp(96, 2, 3000, 77, vp8(true), 0)), 0, now + 1_000_000, scratch);
        up.onRtp(wrap(rtp(96, 3, 6000, 77, vp8(false), 0)), 0, now + 2_000_000, scratch);
        assertEquals(2, s.packets.size());
    }

    @Test
    void simulcastSwitchesUpOnlyOnAKeyframeOfTheHigherLayer() {
        Plis plis = new Plis();
        UpTrack up = new UpTrack("TR_v", "PA_p", true, Codec.vp8(96), plis, -1);
        up.addLayer(0, 100);
        up.addLayer(2, 300);
        Sent s = new Sent();
        DownTrack d = new DownTrack("TR_v", "1", up, s, 96, 9, 0, 0);
        d.negotiated = true;
        up.downs.add(d);
        long now = 10_000_000_000L;
        up.onRtp(wrap(rtp(96, 1, 0, 100, vp8(true), 0)), 0, now, scratch);
        assertEquals(1, s.packets.size(), "low layer key frame starts forwarding");
        up.onRtp(wrap(rtp(96, 50, 0, 300, vp8(false), 0)), 2, now + 1_000_000, scratch);
        up.onRtp(wrap(rtp(96, 2, 3000, 100, vp8(false), 0)), 0, now + 2_000_000, scratch);
        assertTrue(plis.ssrcs.contains(300), "a keyframe is requested on the higher layer");
        assertEquals(2, s.packets.size(), "still on the low layer until the high layer's key frame");
        up.onRtp(wrap(rtp(96, 51, 3000, 300, vp8(true), 0)), 2, now + 3_000_000, scratch);
        up.onRtp(wrap(rtp(96, 3, 6000, 100, vp8(false), 0)), 0, now + 4_000_000, scratch);
        assertEquals(3, s.packets.size(), "low layer is dropped after the switch");
        byte[] last = s.packets.get(2);
        assertEquals(9, RtpHeader.ssrc(last, 0));
        assertEquals(RtpHeader.sequence(s.packets.get(1), 0) + 1, RtpHeader.sequence(last, 0),
                "sequence continues across the switch");
    }

    /**
     * Each subscriber gets its own layer: LOW stays on the low layer while HIGH switches up on the high
     * layer's key frame; a PLI is asked of the high layer only once someone wants it.
     */
    @Test
    void eachSubscriberGetsTheLayerItAskedFor() {
        Plis plis = new Plis();
        UpTrack up = new UpTrack("TR_v", "PA_p", true, Codec.vp8(96), plis, -1);
        up.addLayer(0, 100);
        up.addLayer(1, 200);
        up.setPublishedSize(640, 360);
        Sent low = new Sent();
        Sent high = new Sent();
        DownTrack dl = new DownTrack("TR_v", "1", up, low, 96, 9, 0, 0);
        DownTrack dh = new DownTrack("TR_v", "1", up, high, 96, 10, 0, 0);
        for (DownTrack d : List.of(dl, dh)) {
            d.negotiated = true;
            up.downs.add(d);
        }
        dl.applySettings(false, 0, 0, 0);
        dh.applySettings(false, 2, 0, 0);
        long now = 10_000_000_000L;
        up.onRtp(wrap(rtp(96, 1, 0, 100, vp8(true), 0)), 0, now, scratch);
        assertEquals(1, low.packets.size());
        assertEquals(1, high.packets.size(), "HIGH starts on the low layer while only it flows");
        up.onRtp(wrap(rtp(96, 50, 0, 200, vp8(false), 0)), 1, now + 1_000_000, scratch);
        assertTrue(plis.ssrcs.contains(200), "HIGH asks for a key frame on the high layer");
        up.onRtp(wrap(rtp(96, 51, 3000, 200, vp8(true), 0)), 1, now + 2_000_000, scratch);
        up.onRtp(wrap(rtp(96, 2, 3000, 100, vp8(false), 0)), 0, now + 3_000_000, scratch);
        up.onRtp(wrap(rtp(96, 52, 6000, 200, vp8(false), 0)), 1, now + 4_000_000, scratch);
        assertEquals(List.of(0, 0), List.of(dl.currentLayer(), dl.targetLayer()));
        assertEquals(1, dh.currentLayer());
        assertEquals(2, low.packets.size(), "LOW: only low layer packets");
        assertEquals(3, high.packets.size(), "HIGH: the low key frame, then the high key frame and its delta");
        assertEquals(RtpHeader.sequence(high.packets.get(0), 0) + 1, RtpHeader.sequence(high.packets.get(1), 0));
        assertEquals(10, RtpHeader.ssrc(high.packets.get(2), 0), "one SSRC whatever the layer");
    }

    /** H264 simulcast: the switch waits for an IDR of the new layer (RFC 6184 single NAL type 5). */
    @Test
    void h264SwitchesOnAnIdrOfTheNewLayer() {
        Plis plis = new Plis();
        UpTrack up = new UpTrack("TR_h", "PA_p", true, Codec.h264(102), plis, -1);
        up.addLayer(0, 100);
        up.addLayer(1, 200);
        Sent s = new Sent();
        DownTrack d = new DownTrack("TR_h", "1", up, s, 102, 9, 0, 0);
        d.negotiated = true;
        up.downs.add(d);
        d.applySettings(false, 0, 0, 0);
        byte[] idr = {0x65, 1, 2};
        byte[] slice = {0x41, 1, 2};
        long now = 10_000_000_000L;
        up.onRtp(wrap(rtp(102, 1, 0, 100, slice, 0)), 0, now, scratch);
        assertEquals(0, s.packets.size(), "no IDR yet");
        up.onRtp(wrap(rtp(102, 2, 3000, 100, idr, 0)), 0, now + 1_000_000, scratch);
        up.onRtp(wrap(rtp(102, 70, 9000, 200, slice, 0)), 1, now + 2_000_000, scratch);
        d.applySettings(false, 2, 0, 0);
        up.onRtp(wrap(rtp(102, 71, 12000, 200, slice, 0)), 1, now + 3_000_000, scratch);
        up.onRtp(wrap(rtp(102, 3, 6000, 100, slice, 0)), 0, now + 4_000_000, scratch);
        assertEquals(2, s.packets.size(), "still the low layer until the high layer's IDR");
        assertTrue(plis.ssrcs.contains(200));
        up.onRtp(wrap(rtp(102, 72, 15000, 200, idr, 0)), 1, now + 5_000_000, scratch);
        up.onRtp(wrap(rtp(102, 4, 9000, 100, slice, 0)), 0, now + 6_000_000, scratch);
        assertEquals(3, s.packets.size());
        assertEquals(1, d.currentLayer());
        byte[] last = s.packets.get(2);
        assertArrayEquals(idr, Arrays.copyOfRange(last, 12, last.length), "H264 payload untouched");
        assertEquals(RtpHeader.sequence(s.packets.get(1), 0) + 1, RtpHeader.sequence(last, 0));
    }

    /** Dimensions map to the smallest declared layer that covers them; undeclared sizes halve per layer. */
    @Test
    void dimensionsPickALayerByDeclaredSizes() {
        UpTrack up = new UpTrack("TR_v", "PA_p", true, Codec.vp8(96), new Plis(), -1);
        up.addLayer(0, 100);
        up.addLayer(1, 200);
        up.addLayer(2, 300);
        up.setPublishedSize(1280, 720);
        assertEquals(0, up.layerForSize(320, 180), "halving ladder: 320 is the low layer of 1280");
        assertEquals(1, up.layerForSize(400, 200));
        assertEquals(2, up.layerForSize(1920, 1080), "the top when none is large enough");
        up.setLayerSize(0, 480, 270);
        up.setLayerSize(1, 960, 540);
        up.setLayerSize(2, 1280, 720);
        assertEquals(0, up.layerForSize(400, 200), "declared: 480x270 covers 400x200");
        assertEquals(1, up.layerForSize(640, 360));
        assertEquals(2, up.layerForSize(1000, 500));
        DownTrack d = new DownTrack("TR_v", "1", up, new Sent(), 96, 9, 0, 0);
        d.applySettings(false, 0, 640, 360);
        assertEquals(1, d.targetLayer(), "dimensions take precedence over quality");
        d.applySettings(false, 2, 0, 0);
        assertEquals(UpTrack.MAX_LAYERS - 1, d.targetLayer(), "HIGH: the top layer");
        d.applySettings(false, 3, 0, 0);
        assertTrue(d.disabled, "quality OFF pauses");
        d.applySettings(false, 0, 0, 0);
        assertFalse(d.disabled);
        assertEquals(0, d.targetLayer());
    }

    /** An egress tap records the best flowing layer, whatever subscribers ask for. */
    @Test
    void aTapRecordsTheBestLayer() {
        Plis plis = new Plis();
        UpTrack up = new UpTrack("TR_v", "PA_p", true, Codec.vp8(96), plis, -1);
        up.addLayer(0, 100);
        up.addLayer(1, 200);
        List<Long> tapped = new ArrayList<>();
        up.addTap(new RtpTap() {
            @Override
            public void onRtp(byte[] b, int off, int len, long extTs, long extSeq, long now) {
                tapped.add(extSeq);
            }

            @Override
            public void onMute(boolean muted, long now) {
            }

            @Override
            public void onClose(long now) {
            }
        });
        long now = 10_000_000_000L;
        up.onRtp(wrap(rtp(96, 1, 0, 100, vp8(true), 0)), 0, now, scratch);
        up.onRtp(wrap(rtp(96, 50, 0, 200, vp8(false), 0)), 1, now + 1_000_000, scratch);
        up.onRtp(wrap(rtp(96, 51, 0, 200, vp8(true), 0)), 1, now + 2_000_000, scratch);
        up.onRtp(wrap(rtp(96, 2, 0, 100, vp8(false), 0)), 0, now + 3_000_000, scratch);
        assertEquals(List.of(1L, 51L), tapped, "low key frame, then the high layer from its key frame on");
        assertTrue(plis.ssrcs.contains(200));
    }

    @Test
    void closingTheTrackRemovesItFromSubscribers() {
        UpTrack up = new UpTrack("TR_a", "PA_p", false, Codec.opus(111, false), new Plis(), -1);
        Sent s = new Sent();
        DownTrack d = new DownTrack("TR_a", "1", up, s, 111, 5, 0, 0);
        up.downs.add(d);
        up.close(0);
        assertEquals(List.of("TR_a"), s.removed);
        assertTrue(up.downs.isEmpty());
    }
}
