package org.jsfu.core.rtcp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import org.jsfu.core.rtp.RtpPacket;
import org.jsfu.core.rtp.RtpRewriter;
import org.junit.jupiter.api.Test;

class NackTest {
    private final int[] out = new int[64];

    private int[] collect(NackGenerator g, long now, long rtt) {
        return Arrays.copyOf(out, g.collect(now, rtt, out));
    }

    @Test
    void generatorWaitsForReorderThenRetriesSpacedByRtt() {
        NackGenerator g = new NackGenerator(256, 3, 5, 20);
        g.onPacket(65534, 0);
        g.onPacket(65535, 1);
        g.onPacket(65538, 2); // 65536 and 65537 missing (wire 0 and 1)
        assertEquals(2, g.pending());
        assertArrayEquals(new int[0], collect(g, 5, 50)); // within the reorder delay
        assertArrayEquals(new int[] {0, 1}, collect(g, 7, 50));
        assertArrayEquals(new int[0], collect(g, 50, 50)); // next try after max(rtt, 20) = 50 ms
        g.onPacket(65536, 52); // 0 recovered by retransmission
        assertEquals(1, g.pending());
        assertArrayEquals(new int[] {1}, collect(g, 57, 50));
        assertArrayEquals(new int[] {1}, collect(g, 107, 10)); // rtt 10: min interval 20 applies next
        assertArrayEquals(new int[0], collect(g, 120, 10));
        assertArrayEquals(new int[0], collect(g, 127, 10)); // 3 retries used: given up
        assertEquals(0, g.pending());
    }

    @Test
    void generatorForgetsWhatFallsOutOfTheWindow() {
        NackGenerator g = new NackGenerator(16, 10, 0, 20);
        g.onPacket(0, 0);
        g.onPacket(5, 0); // 1..4 missing
        g.onPacket(40, 0); // 21..39 would be missing but only the last 15 are tracked
        int[] seqs = collect(g, 0, 0);
        assertEquals(15, seqs.length);
        assertEquals(25, seqs[0]);
        assertEquals(39, seqs[14]);
    }

    @Test
    void subscriberNackIsTranslatedToPublisherSeqs() {
        RtpRewriter rw = new RtpRewriter(77, 90000, 60_000, 0, 128);
        RtpPacket view = new RtpPacket();
        byte[] pkt = new byte[40];
        long[] srcSeqs = {500_000, 500_001, 500_003, 500_004};
        for (long s : srcSeqs) {
            pkt[0] = (byte) 0x80;
            pkt[2] = (byte) (s >> 8);
            pkt[3] = (byte) s;
            pkt[11] = 9; // source SSRC 9
            view.wrap(pkt, 0, pkt.length);
            rw.apply(rw.decide(view, s, 0), view, s, 0);
        }
        // subscriber saw 60000, 60001, (60002 missing), 60003, 60004 and NACKs 60002 and 60001 and 59000
        byte[] nack = new byte[64];
        int len = Nack.write(nack, 0, 1, 77, new int[] {59_000, 60_001, 60_002}, 3);
        long[] mapped = new long[8];
        int n = NackTranslator.toSource(nack, 0, len, rw, new int[16], mapped);
        assertArrayEquals(new long[] {500_001, 500_002}, Arrays.copyOf(mapped, n));
        // and back on the wire for the publisher
        int[] wire = new int[n];
        for (int i = 0; i < n; i++) {
            wire[i] = (int) mapped[i] & 0xffff;
        }
        int plen = Nack.write(nack, 0, 1, 9, wire, n);
        int m = Nack.parse(nack, 0, plen, out);
        assertArrayEquals(new int[] {(int) (500_001 & 0xffff), (int) (500_002 & 0xffff)}, Arrays.copyOf(out, m));
        assertEquals(-1, NackTranslator.toSource(new byte[12], 0, 12, rw, new int[4], mapped));
    }
}
