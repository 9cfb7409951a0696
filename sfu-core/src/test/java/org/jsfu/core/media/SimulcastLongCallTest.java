package org.jsfu.core.media;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.jsfu.core.rtcp.SenderReport;
import org.jsfu.core.rtp.RtpHeader;
import org.jsfu.core.rtp.RtpPacket;
import org.jsfu.core.rtp.Vp8Descriptor;
import org.jsfu.core.sdp.Codec;
import org.jsfu.core.transport.PeerTransport;
import org.junit.jupiter.api.Test;

/**
 * A long simulcast call to one subscriber, without sockets, fake clock: three VP8 layers at 30 fps for
 * 100k frames (55 minutes), each layer's 16-bit sequence and 32-bit timestamp starting near their wraps
 * (unrelated bases), 1% loss, the subscriber changing quality every ~minute, pausing the track
 * (UpdateTrackSettings disabled) for 10 s every few minutes, the publisher stopping for 10 s (muted:
 * its sequence numbers do not advance, its timestamps do), key frames on PLI. Checks the one output
 * stream (RFC 3550 5.1): SRTP index = extended sequence, sequence strictly increasing with small gaps,
 * timestamps never backwards, VP8 picture ID never backwards; NACKs for recent output sequence numbers
 * answered with the bytes first sent; sender reports' RTP timestamp next to the last one sent.
 */
class SimulcastLongCallTest {
    private static final long T0 = 50_000_000_000L;
    private static final long FRAME_NANOS = 33_333_333L;
    private static final int OUT_SSRC = 0x5150;
    private static final int[] SSRC = {100, 200, 300};
    private static final int[] SEQ0 = {65_000, 30_000, 65_500};
    private static final long[] TS0 = {4_294_000_000L, 123L, 4_290_000_000L};
    private static final int FRAMES = 100_000;

    private static final class Out implements TrackSubscriber {
        final List<byte[]> packets = new ArrayList<>();
        final List<Long> indices = new ArrayList<>();
        final List<Long> times = new ArrayList<>();
        long clock;

        @Override
        public void sendRtp(byte[] b, int off, int len, long index) {
            packets.add(java.util.Arrays.copyOfRange(b, off, off + len));
            indices.add(index);
            times.add(clock);
        }

        @Override
        public void removeDownTrack(String trackSid) {
        }
    }

    private final byte[] scratch = new byte[1500 + PeerTransport.TAG_ROOM];
    private final boolean[] pli = new boolean[3];
    private final UpTrack up = new UpTrack("TR_v", "PA_p", true, Codec.vp8(96), ssrc -> {
        for (int l = 0; l < 3; l++) {
            if (SSRC[l] == ssrc) {
                pli[l] = true;
            }
        }
    }, -1);
    private final Out out = new Out();
    private final DownTrack down = new DownTrack("TR_v", "1", up, out, 96, OUT_SSRC, 60_000, 4_294_967_000L);
    private final int[] sent = new int[3];

    /** Packet {@code n} of {@code layer} (frame {@code k}): VP8, 15-bit picture ID, payload names layer and frame. */
    private static byte[] packet(int layer, int n, int k, long ts, boolean key) {
        byte[] b = new byte[12 + 6 + 1 + 4];
        b[0] = (byte) 0x80;
        b[1] = 96;
        RtpHeader.setSequence(b, 0, (SEQ0[layer] + n) & 0xffff);
        RtpHeader.setTimestamp(b, 0, ts & 0xffffffffL);
        RtpHeader.setSsrc(b, 0, SSRC[layer]);
        int pid = (1000 * layer + n) & 0x7fff;
        b[12] = (byte) 0x90;
        b[13] = (byte) 0xE0; // I, L, T
        b[14] = (byte) (0x80 | (pid >> 8));
        b[15] = (byte) pid;
        b[16] = (byte) n;
        b[17] = 0x20; // TID 0, Y
        b[18] = (byte) (key ? 0x50 : 0x51);
        b[19] = (byte) layer;
        b[20] = (byte) k;
        b[21] = (byte) (k >> 8);
        b[22] = (byte) (k >> 16);
        return b;
    }

    @Test
    void oneContinuousStreamThroughWrapsSwitchesPausesAndMutes() {
        run(false);
    }

    /**
     * With the publisher's sender reports (RFC 3550 6.4.1) every layer switch is timed by media time
     * ({@link LayerClocks}), across each layer's timestamp wrap: the output timestamp moves by exactly the
     * capture time between the two frames, to a tick (or 1 tick when the new frame is not newer).
     */
    @Test
    void withSenderReportsEverySwitchIsTimedByMediaTimeAcrossTheWraps() {
        run(true);
        int switches = 0;
        for (int i = 1; i < out.packets.size(); i++) {
            byte[] a = out.packets.get(i - 1);
            byte[] b = out.packets.get(i);
            if (a[19] == b[19] || out.times.get(i) - out.times.get(i - 1) > 100_000_000L || frame(a) < 30) {
                continue; // same layer, a pause or mute between them, or before the first SRs: the wall clock times it
            }
            long dts = (RtpHeader.timestamp(b, 0) - RtpHeader.timestamp(a, 0)) & 0xffffffffL;
            long want = frameTs(frame(b)) - frameTs(frame(a));
            // within one tick: the SRs' NTP times come from whole milliseconds, which 32.32 fixed point
            // holds only to 2^-32 s, and the clock mapping rounds down
            String what = "switch at " + i + " from layer " + a[19] + " frame " + frame(a) + " to layer " + b[19]
                    + " frame " + frame(b) + ": " + dts + " ticks, capture " + want;
            assertTrue(want > 0 ? Math.abs(dts - want) <= 1 : dts == 1, what);
            switches++;
        }
        assertTrue(switches >= 30, "switches timed: " + switches);
    }

    private static int frame(byte[] p) {
        return (p[20] & 0xff) | (p[21] & 0xff) << 8 | (p[22] & 0xff) << 16;
    }

    /** Capture time of frame k (with mutes: the capture clock runs on) in 90 kHz ticks. */
    private static long frameTs(int k) {
        return (k + 1L) * FRAME_NANOS * 90 / 1_000_000;
    }

    private void run(boolean senderReports) {
        for (int l = 0; l < 3; l++) {
            up.addLayer(l, SSRC[l]);
        }
        up.setPublishedSize(1280, 720);
        down.negotiated = true;
        up.downs.add(down);
        Random rnd = new Random(3);
        RtpPacket view = new RtpPacket();
        byte[] nack = new byte[64];
        int[] seqs = new int[DownTrack.MAX_NACK_SEQS];
        byte[] sr = new byte[64];
        long now = T0;
        long mediaNanos = 0; // the publisher's capture clock: advances through mutes
        int quality = 2;
        int checkedFrom = 0;
        int nacksAnswered = 0;
        int srs = 0;
        int forwardedBlocks = 0;
        int blocks = 0;
        int blockStart = 0;
        for (int k = 0; k < FRAMES; k++) {
            now += FRAME_NANOS;
            mediaNanos += FRAME_NANOS;
            if (k % 1800 == 900) { // about every minute: another quality
                quality = (quality + 1 + rnd.nextInt(2)) % 3;
                down.applySettings(false, quality, 0, 0);
            }
            boolean paused = k % 7000 >= 6700; // 10 s every ~4 minutes
            down.applySettings(paused, quality, 0, 0);
            if (k % 11_000 >= 10_700) { // the publisher muted 10 s: nothing sent, the capture clock runs on
                continue;
            }
            for (int l = 0; senderReports && l < 3; l++) {
                if (k % 30 == 10 + 7 * l) { // each layer's SR at its own instant
                    long ntp = org.jsfu.core.rtcp.Ntp.fromUnixMillis(1_600_000_000_000L + mediaNanos / 1_000_000);
                    long ts = TS0[l] + (mediaNanos / 1_000_000) * 90; // the SR's instant: a whole millisecond
                    up.onSenderReport(l, ntp, ts & 0xffffffffL, now / 1_000_000);
                }
            }
            for (int l = 0; l < 3; l++) {
                boolean key = pli[l] || k == 0;
                pli[l] = false;
                long ts = TS0[l] + mediaNanos * 90 / 1_000_000;
                byte[] b = packet(l, sent[l]++, k, ts, key);
                if (!key && rnd.nextInt(100) == 0) {
                    continue; // lost on the way to the SFU
                }
                assertTrue(view.wrap(b, 0, b.length));
                out.clock = now + l * 1_000_000L;
                up.onRtp(view, l, now + l * 1_000_000L, scratch);
            }
            if (k % 30 == 29) { // once a second: the subscriber NACKs two recent packets, an SR goes out
                int n = out.packets.size();
                for (int j = 0; j < 2 && n > 0; j++) {
                    int pick = n - 1 - rnd.nextInt(Math.min(n, 40));
                    byte[] first = out.packets.get(pick);
                    int len = org.jsfu.core.rtcp.Nack.write(nack, 0, 0x5151, OUT_SSRC,
                            new int[] {RtpHeader.sequence(first, 0)}, 1);
                    int before = out.packets.size();
                    down.onNack(nack, 0, len, now + j * 20_000_000L, scratch, seqs, 8);
                    if (out.packets.size() > before) {
                        byte[] again = out.packets.remove(before);
                        long idx = out.indices.remove(before);
                        out.times.remove(before);
                        assertEquals(out.indices.get(pick), idx, "a retransmission keeps its SRTP index");
                        assertArrayEquals(first, again, "retransmission of output packet " + pick);
                        nacksAnswered++;
                    }
                }
                int len = down.writeSenderReport(sr, 0, 1_700_000_000_000L + (now - T0) / 1_000_000, now);
                if (len > 0 && out.packets.size() > 0) {
                    srs++;
                    long lastTs = RtpHeader.timestamp(out.packets.get(out.packets.size() - 1), 0);
                    long ahead = (int) (SenderReport.rtpTimestamp(sr, 0) - lastTs);
                    assertTrue(ahead >= 0 && ahead <= 90_000L * 12, "SR timestamp " + ahead + " ticks after the last sent");
                }
            }
            if (k % 3000 == 2999) { // every 100 s: check what was sent since the last check
                checkedFrom = assertOneStream(checkedFrom);
                blocks++;
                if (out.packets.size() > blockStart) {
                    forwardedBlocks++;
                }
                blockStart = out.packets.size();
            }
        }
        assertOneStream(checkedFrom);
        assertTrue(sent[2] > 65_536 && out.packets.size() > 65_536, "the sequences wrapped");
        assertEquals(blocks, forwardedBlocks, "video flowed in every 100 s");
        int switches = 0;
        for (int i = 1; i < out.packets.size(); i++) {
            switches += out.packets.get(i)[19] != out.packets.get(i - 1)[19] ? 1 : 0;
        }
        assertTrue(switches >= 30, "layer switches: " + switches);
        assertTrue(nacksAnswered > FRAMES / 30, "NACKs answered: " + nacksAnswered);
        assertTrue(srs > FRAMES / 40);
    }

    private final Vp8Descriptor vp8 = new Vp8Descriptor();

    /** Checks packets from {@code from} on against their predecessor; returns where to start next time. */
    private int assertOneStream(int from) {
        for (int i = Math.max(1, from); i < out.packets.size(); i++) {
            byte[] a = out.packets.get(i - 1);
            byte[] b = out.packets.get(i);
            long ia = out.indices.get(i - 1);
            long ib = out.indices.get(i);
            assertEquals(OUT_SSRC, RtpHeader.ssrc(b, 0));
            assertEquals(ib & 0xffff, RtpHeader.sequence(b, 0), "SRTP index extends the sequence at " + i);
            assertTrue(ib > ia && ib - ia <= 8, "output sequence at " + i + ": " + ia + " -> " + ib);
            long dts = (int) (RtpHeader.timestamp(b, 0) - RtpHeader.timestamp(a, 0));
            assertTrue(dts >= 0 && dts <= 90_000L * 12, "timestamp step " + dts + " at " + i);
            int pa = pid(a);
            int pb = pid(b);
            int dp = (pb - pa) & 0x7fff;
            assertTrue(dp < 0x4000, "picture ID backwards at " + i + ": " + pa + " -> " + pb);
        }
        return out.packets.size();
    }

    private int pid(byte[] p) {
        assertTrue(vp8.parse(p, 12, p.length - 12));
        return vp8.pictureId;
    }
}
