package org.jsfu.core.media;

import static org.jsfu.core.media.ForwardingTest.rtp;
import static org.jsfu.core.media.ForwardingTest.wrap;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.BitSet;
import java.util.Random;
import org.jsfu.core.rtcp.Nack;
import org.jsfu.core.rtcp.ReceiverReport;
import org.jsfu.core.rtcp.ReportBlock;
import org.jsfu.core.rtcp.RtcpIterator;
import org.jsfu.core.rtp.RtpHeader;
import org.jsfu.core.sdp.Codec;
import org.jsfu.core.transport.PeerTransport;
import org.junit.jupiter.api.Test;

/**
 * A long call from one audio publisher, without sockets, fake clock: 200k packets 20 ms apart (66 minutes),
 * the 16-bit sequence starting just before its wrap (so it wraps three times) and the 32-bit timestamp
 * wrapping too, 2% loss, half the losses repaired by a retransmission after their first NACK. Checks what
 * {@link PublisherFeedback} tells the publisher (RFC 4585 6.2.1 NACKs, RFC 3550 6.4.2 / A.3 receiver
 * reports) and what one subscriber gets through {@link DownTrack}, all the way.
 */
class PublisherLongCallTest {
    private static final int PACKETS = 200_000;
    private static final int FIRST_SEQ = 60_000;
    private static final long FIRST_TS = 0xFFFF_0000L;
    private static final int SSRC = 42;
    private static final long T0 = 5_000_000_000L;
    private static final long MS = 1_000_000L;

    /** Records each forwarded packet's output sequence (extended by the SRTP index) once. */
    private static final class Seqs implements TrackSubscriber {
        final BitSet got = new BitSet();
        int duplicates;
        long firstIndex = -1;
        long lastTs = -1;
        int tsBackwards;

        @Override
        public void sendRtp(byte[] b, int off, int len, long index) {
            if (firstIndex < 0) {
                firstIndex = index;
            }
            int k = (int) (index - firstIndex);
            assertEquals((int) (index & 0xffff), RtpHeader.sequence(b, off), "index extends the sequence");
            if (got.get(k)) {
                duplicates++;
            }
            got.set(k);
        }

        @Override
        public void removeDownTrack(String trackSid) {
        }
    }

    @Test
    void nacksReportsAndForwardingStayExactAcrossThreeSequenceWraps() {
        Random rnd = new Random(11);
        UpTrack up = new UpTrack("TR_a", "PA_p", false, Codec.opus(111, false), ssrc -> { }, 1);
        up.addLayer(0, SSRC);
        Seqs sub = new Seqs();
        DownTrack down = new DownTrack("TR_a", "1", up, sub, 111, 0x0A0B0C0D, 65_000, 7);
        down.negotiated = true;
        up.downs.add(down);
        PublisherFeedback fb = new PublisherFeedback(0x77, "PA_sub".getBytes(StandardCharsets.UTF_8));
        byte[] scratch = new byte[1500 + PeerTransport.TAG_ROOM];
        RtcpIterator it = new RtcpIterator();
        ReportBlock rb = new ReportBlock();
        int[] seqs = new int[64];
        boolean[] missing = new boolean[PACKETS];
        boolean[] dropped = new boolean[PACKETS];
        boolean[] nacked = new boolean[PACKETS];
        int[] repairAt = new int[PACKETS]; // packet index at whose time a repair arrives, 0: none
        int lost = 0;
        int repaired = 0;
        int reports = 0;
        int highest = -1;
        byte[] payload = {1, 2, 3, 4};
        UpTrack[] tracks = {up};
        int[] layers = {0};
        java.util.ArrayDeque<Integer> repairs = new java.util.ArrayDeque<>();
        for (int i = 0; i < PACKETS; i++) {
            long now = T0 + i * 20 * MS;
            while (!repairs.isEmpty() && repairAt[repairs.peek()] <= i) {
                int r = repairs.poll();
                up.onRtp(wrap(rtp(111, (FIRST_SEQ + r) & 0xffff, (FIRST_TS + 960L * r) & 0xffffffffL, SSRC, payload, 0)),
                        0, now, scratch);
                missing[r] = false;
                repaired++;
            }
            if (i > 0 && i < PACKETS - 1 && rnd.nextInt(100) < 2) {
                missing[i] = true;
                dropped[i] = true;
                lost++;
            } else {
                up.onRtp(wrap(rtp(111, (FIRST_SEQ + i) & 0xffff, (FIRST_TS + 960L * i) & 0xffffffffL, SSRC, payload, 0)),
                        0, now, scratch);
                highest = i;
            }
            if (i % 5 != 4) {
                continue;
            }
            // a tick every 100 ms (every 5 packets)
            RtcpFeedbackTest.Rtcps out = new RtcpFeedbackTest.Rtcps();
            fb.tick(out, tracks, layers, 1, now + MS, 60);
            for (byte[] p : out.packets) {
                it.reset(p, 0, p.length);
                while (it.next()) {
                    if (Nack.isNack(p, it.offset(), it.length())) {
                        int n = Nack.parse(p, it.offset(), it.length(), seqs);
                        for (int k = 0; k < n; k++) {
                            int idx = i + (short) (seqs[k] - ((FIRST_SEQ + i) & 0xffff));
                            assertTrue(idx >= 0 && idx <= i && missing[idx],
                                    "NACK for seq " + seqs[k] + " (packet " + idx + ") at " + i + ": not missing");
                            if (!nacked[idx]) {
                                nacked[idx] = true;
                                if (rnd.nextBoolean()) {
                                    repairAt[idx] = i + 2; // 40 ms later
                                    repairs.add(idx);
                                }
                            }
                        }
                    } else if (it.type() == org.jsfu.core.rtcp.Rtcp.RR) {
                        assertEquals(1, ReceiverReport.reportCount(p, it.offset()));
                        ReceiverReport.readBlock(p, it.offset(), 0, rb);
                        reports++;
                        assertEquals(FIRST_SEQ + (long) highest, rb.extHighestSeq, "extended highest at " + i);
                        int stillMissing = 0;
                        for (int k = 0; k <= highest; k++) {
                            stillMissing += missing[k] ? 1 : 0;
                        }
                        assertEquals(stillMissing, rb.cumulativeLost, "cumulative lost at " + i);
                    }
                }
            }
        }
        for (int k = 0; k < PACKETS - 10; k++) {
            assertEquals(dropped[k], nacked[k], "packet " + k + " NACKed exactly when lost");
        }
        assertTrue(lost > 3000 && repaired > 1000, "lost " + lost + " repaired " + repaired);
        assertTrue(reports >= PACKETS / 50 - 2, "a receiver report a second: " + reports);
        // the subscriber got every packet that arrived, each once, at its place in one continuous output
        assertEquals(0, sub.duplicates);
        assertEquals(PACKETS - lost + repaired, sub.got.cardinality());
        for (int k = 0; k < PACKETS; k++) {
            assertEquals(!missing[k], sub.got.get(k), "output slot of packet " + k);
        }
    }
}
