package org.jsfu.core.rtp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Picture ID, TL0PICIDX and KEYIDX stay continuous across layer switches (RFC 7741 4.2). */
class Vp8MungerTest {
    private final Vp8Descriptor d = new Vp8Descriptor();

    /** X=1 S=1; I (15-bit M=1, or 7-bit), L, T|K: TID 0, KEYIDX; then a VP8 payload header byte. */
    static byte[] vp8(int pictureId, boolean wide, int tl0, int keyIdx, boolean key) {
        byte[] b = new byte[wide ? 7 : 6];
        int p = 0;
        b[p++] = (byte) 0x90;
        b[p++] = (byte) 0xF0; // I, L, T, K
        if (wide) {
            b[p++] = (byte) (0x80 | (pictureId >> 8));
            b[p++] = (byte) pictureId;
        } else {
            b[p++] = (byte) (pictureId & 0x7f);
        }
        b[p++] = (byte) tl0;
        b[p++] = (byte) (0x20 | (keyIdx & 0x1f)); // TID 0, Y=1
        b[p] = (byte) (key ? 0x50 : 0x51);
        return b;
    }

    private int[] fields(byte[] b) {
        assertTrue(d.parse(b, 0, b.length));
        return new int[] {d.pictureId, d.tl0PicIdx, d.keyIdx};
    }

    private int[] munge(Vp8Munger m, byte[] b, long outExt, boolean starts) {
        assertTrue(m.munge(b, 0, b.length, outExt, starts));
        return fields(b);
    }

    @Test
    void firstSegmentPassesThroughAndASwitchContinuesEveryCounter() {
        Vp8Munger m = new Vp8Munger();
        assertEquals(100, munge(m, vp8(100, true, 7, 3, true), 10, true)[0]);
        assertEquals(101, munge(m, vp8(101, true, 8, 3, false), 11, false)[0]);
        // the other layer: unrelated counters; its key frame starts a segment at the next output seq
        int[] first = munge(m, vp8(30_000, true, 200, 17, true), 12, true);
        assertEquals(102, first[0]);
        assertEquals(9, first[1]);
        assertEquals(4, first[2]);
        int[] next = munge(m, vp8(30_001, true, 201, 17, false), 13, false);
        assertEquals(103, next[0]);
        assertEquals(10, next[1]);
        assertEquals(4, next[2]);
        // back down to the first layer, whose counters moved on meanwhile
        int[] back = munge(m, vp8(150, true, 50, 5, true), 14, true);
        assertEquals(104, back[0]);
        assertEquals(11, back[1]);
        assertEquals(5, back[2]);
    }

    @Test
    void pictureIdsWrapAtTheirWidth() {
        Vp8Munger n = new Vp8Munger();
        assertEquals(0x7ffe, munge(n, vp8(0x7ffe, true, 255, 31, true), 1, true)[0]);
        int[] f = munge(n, vp8(9, true, 4, 2, true), 2, true);
        assertEquals(0x7fff, f[0]);
        assertEquals(0, f[1], "TL0PICIDX wraps at 8 bits");
        assertEquals(0, f[2], "KEYIDX wraps at 5 bits");
        assertEquals(0, munge(n, vp8(10, true, 5, 2, false), 3, false)[0]);
        Vp8Munger seven = new Vp8Munger();
        munge(seven, vp8(126, false, 0, 0, true), 1, true);
        assertEquals(127, munge(seven, vp8(40, false, 0, 0, true), 2, true)[0]);
        assertEquals(0, munge(seven, vp8(41, false, 0, 0, false), 3, false)[0]);
    }

    @Test
    void aRetransmissionOfAnOlderSegmentGetsItsOwnValues() {
        Vp8Munger m = new Vp8Munger();
        munge(m, vp8(100, true, 7, 0, true), 10, true);
        munge(m, vp8(101, true, 8, 0, false), 11, false);
        munge(m, vp8(30_000, true, 200, 0, true), 12, true);
        munge(m, vp8(30_001, true, 201, 0, false), 13, false);
        assertEquals(101, munge(m, vp8(101, true, 8, 0, false), 11, false)[0], "seq 11 again, as first sent");
        assertEquals(103, munge(m, vp8(30_001, true, 201, 0, false), 13, false)[0]);
        assertEquals(104, munge(m, vp8(30_002, true, 202, 0, false), 14, false)[0], "the newest did not move");
        byte[] old = vp8(99, true, 6, 0, false);
        assertFalse(m.munge(old, 0, old.length, 9, false), "before every kept segment: not sent");
    }
}
